"""Killing a running script when its invocation must end (execution timeout, CancelCommand,
LocalStack stopping), and ending the invocation when its container cannot be reached.

A kill can fail for reasons that pass (the container paused, at its pids limit), so it is
retried until the script is gone; a timeout or a shutdown does not wait for that, a cancel does.
A kill names the run of a script it is meant for (its `ScriptJob`): a timer that fires as its run
ends, or a retry, does nothing to the next step or to the re-run after exit 194.
"""

import logging
import threading

from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.engine.errors import ContainerGone, ContainerNotRunning, EngineError
from localstack_ssm_docker.engine.interface import ScriptRunner
from localstack_ssm_docker.engine.values import ScriptJob
from localstack_ssm_docker.ssm.run.command_run import CommandRun, Finish, Job
from localstack_ssm_docker.ssm.run.messages import INTERRUPTED, UNREACHABLE
from localstack_ssm_docker.ssm.run.status import EXECUTION_TIMED_OUT
from localstack_ssm_docker.ssm.run.timers import Timers
from localstack_ssm_docker.ssm.run.workers import Pool

LOG = logging.getLogger(__name__)


class Killer:
    """Kills invocations' process groups on the control pool, so that a kill never waits behind
    the scripts it is meant to stop."""

    def __init__(
        self,
        runner: ScriptRunner,
        lock: threading.RLock,
        timers: Timers,
        control: Pool,
        stopping: threading.Event,
        finish: Finish,
        retry_interval: float,
    ):
        self._runner = runner
        self._lock = lock
        self._timers = timers
        self._control = control
        self._stopping = stopping
        self._finish = finish
        self._retry_interval = retry_interval

    def kill_soon(
        self, run: CommandRun, job: Job, attempt: ScriptJob, must_end: bool = False
    ) -> None:
        """Kills on a control thread (from a timer, or with the lock held)."""
        self._control.submit(self.kill, run, job, attempt, True, must_end)

    def kill(
        self,
        run: CommandRun,
        job: Job,
        attempt: ScriptJob,
        retry: bool = True,
        must_end: bool = False,
    ) -> None:
        """Kills the process group of that run (`attempt`) of the job's script, retrying until
        it is gone; once the run has ended, the kill does nothing (whatever runs now is not its
        business). A cancel waits (Cancelling) while the container is paused or stopped; a
        timeout or shutdown (`must_end`) ends the invocation at once all the same."""
        if not self._is_current(job, attempt):
            return
        try:
            killed = self._runner.kill_script(job.target.container_id, attempt)
        except ContainerNotRunning:
            killed = False
            if must_end:
                with self._lock:
                    if job.attempt is attempt:
                        self._end_unreachable(run, job)
        except ContainerGone:
            return  # the script's output stream ends with the container
        except EngineError as e:  # e.g. the container at its pids limit: no room for the kill
            LOG.warning("could not kill %s on %s yet: %s", run.command_id, job.target, e)
            killed = False
        if not killed and retry and self._is_current(job, attempt):
            self._timers.call_later(
                self._retry_interval / 2,
                lambda: self._control.submit(self.kill, run, job, attempt, retry, must_end),
            )

    def _is_current(self, job: Job, attempt: ScriptJob) -> bool:
        with self._lock:
            return job.attempt is attempt

    def _end_unreachable(self, run: CommandRun, job: Job) -> None:
        """Ends an invocation whose script must stop but whose container is paused or stopped."""
        status: CommandInvocationStatus
        details: str
        if self._stopping.is_set():
            status = details = CommandInvocationStatus.Failed
            stderr = INTERRUPTED
        elif job.cancel_requested:
            status = details = CommandInvocationStatus.Cancelled
            stderr = UNREACHABLE
        else:
            status, details = CommandInvocationStatus.TimedOut, EXECUTION_TIMED_OUT
            stderr = UNREACHABLE
        self._finish(
            run, job, status=status, status_details=details, response_code=-1, stderr=stderr
        )
