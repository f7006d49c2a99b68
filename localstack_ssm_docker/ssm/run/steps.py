"""Running one step (plugin) of an invocation in its container, or saying why it does not run.

This is where the agent's behaviour lives: the script in its orchestration folder, the execution
timeout, exit 194 (reboot and run again), 168/169, skips after a step that stops the document,
and the output cut inline while the whole of it goes to S3 / CloudWatch Logs.
"""

import dataclasses
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable

from localstack.aws.api.ssm import CommandInvocationStatus as Status

from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    ContainerStopped,
    EngineError,
)
from localstack_ssm_docker.engine.interface import ScriptRunner
from localstack_ssm_docker.engine.values import ScriptJob, ScriptResult
from localstack_ssm_docker.ssm.documents.plan import RUN_SHELL_SCRIPT_ACTION, StepPlan
from localstack_ssm_docker.ssm.models import Command, PluginResult, Result
from localstack_ssm_docker.ssm.run import messages, output
from localstack_ssm_docker.ssm.run.command_run import CommandRun, Job
from localstack_ssm_docker.ssm.run.output_names import OutputLocations
from localstack_ssm_docker.ssm.run.ports import OutputSink
from localstack_ssm_docker.ssm.run.status import (
    FAIL_STOP_EXIT_CODE,
    REBOOT_EXIT_CODE,
    SKIPPED,
    Outcome,
    outcome_of_exit_code,
)
from localstack_ssm_docker.ssm.run.timers import Timers

LOG = logging.getLogger(__name__)

ORCHESTRATION_ROOT = "/var/lib/amazon/ssm"

type KillSoon = Callable[[CommandRun, Job, ScriptJob, bool], None]
"""(run, job, attempt, must_end) → kills that run of the job's script from a control thread."""


def script_dir(instance_id: str, command_id: str, step: StepPlan) -> str:
    """The agent's orchestration folder of one step, where its script is written."""
    plugin = step.action.replace(":", "")
    return (
        f"{ORCHESTRATION_ROOT}/{instance_id}/document/orchestration/{command_id}/"
        f"{plugin}/{step.folder}"
    )


def wants_full_output(command: Command) -> bool:
    """Whether the command's output goes to S3 or CloudWatch Logs (which get all of it)."""
    return bool(
        command.output_s3_bucket_name
        or command.cloudwatch_output_config.get("CloudWatchOutputEnabled")
    )


class CancelledBeforeStart(Exception):
    """The invocation was cancelled before its script started."""


class StoppedBeforeStart(Exception):
    """LocalStack began to stop before the script started: it never starts (nothing would
    kill it)."""


class StepRunner:
    """Runs steps on the caller's (worker) thread, without the executor's lock but for the
    moments it changes a job's flags."""

    def __init__(
        self,
        runner: ScriptRunner,
        lock: threading.RLock,
        timers: Timers,
        kill_soon: KillSoon,
        stopping: threading.Event,
        output_sink: OutputSink | None = None,
        full_output_limit: int = 16 * 1024 * 1024,
        clock: Callable[[], float] = time.time,
    ):
        self._runner = runner
        self._lock = lock
        self._timers = timers
        self._kill_soon = kill_soon
        self._stopping = stopping
        self._sink = output_sink
        self._full_output_limit = full_output_limit
        self._clock = clock

    def result_of(self, run: CommandRun, job: Job, step: StepPlan) -> PluginResult:
        """Runs one step (or says why it does not run) and records how it went.

        ContainerNotRunning and ContainerGone pass through: they are about delivery."""
        now = self._clock()
        if job.skip_rest or job.cancel_requested:
            details = Status.Cancelled if job.cancel_requested else SKIPPED
            return PluginResult(step.plugin_name, Result(Status.Cancelled, details))
        if step.action != RUN_SHELL_SCRIPT_ACTION:
            job.skip_rest = step.exit_on_failure
            failed = Status.Failed
            stderr = messages.unsupported_action(step.plugin_name, step.action)
            return PluginResult(
                step.plugin_name, Result(failed, failed, 1, now, now, stderr=stderr)
            )
        try:
            result = self._run_until_no_reboot(run, job, step)
        except CancelledBeforeStart:
            cancelled = Status.Cancelled
            return PluginResult(step.plugin_name, Result(cancelled, cancelled))
        except StoppedBeforeStart:
            job.skip_rest = True
            failed = Status.Failed
            return PluginResult(
                step.plugin_name, Result(failed, failed, stderr=messages.INTERRUPTED)
            )
        except (ContainerNotRunning, ContainerGone):
            raise
        except EngineError as e:
            LOG.warning("%s on %s was interrupted: %s", run.command_id, job.target, e)
            job.skip_rest = True
            return PluginResult(step.plugin_name, self._interrupted(e, now))
        outcome = outcome_of_exit_code(result.exit_code, job.cancel_requested)
        if self._stopping.is_set():
            job.skip_rest = True
            failed = Status.Failed
            outcome = Outcome(failed, failed, stderr_note=messages.INTERRUPTED)
        if result.exit_code == FAIL_STOP_EXIT_CODE or (
            step.exit_on_failure and outcome.status != Status.Success
        ):
            job.skip_rest = True
        locations = self._write_output(run, job, step, result)
        return PluginResult(
            step.plugin_name,
            Result(
                outcome.status,
                outcome.status_details,
                result.exit_code,
                now,
                self._clock(),
                stdout=output.inline(
                    result.stdout, result.stdout_size, output.STDOUT_LIMIT, outcome.stdout_note
                ),
                stderr=output.inline(
                    result.stderr, result.stderr_size, output.STDERR_LIMIT, outcome.stderr_note
                ),
                stdout_url=locations.stdout_url,
                stderr_url=locations.stderr_url,
            ),
        )

    def _interrupted(self, error: EngineError, started_at: float) -> Result:
        """A step its container ended: Failed, with what the script wrote until then."""
        so_far = error.output if isinstance(error, ContainerStopped) else None
        so_far = so_far or ScriptResult(-1, b"", b"", 0, 0)
        failed = Status.Failed
        return Result(
            failed,
            failed,
            -1,
            started_at,
            self._clock(),
            stdout=output.inline(so_far.stdout, so_far.stdout_size, output.STDOUT_LIMIT),
            stderr=output.inline(
                so_far.stderr,
                so_far.stderr_size,
                output.STDERR_LIMIT,
                messages.interruption(error),
            ),
        )

    def _write_output(
        self, run: CommandRun, job: Job, step: StepPlan, result: ScriptResult
    ) -> OutputLocations:
        """Hands the full output to S3 / CloudWatch Logs when asked; a failure there is logged and
        does not change the invocation's status."""
        if self._sink is None or not wants_full_output(run.command):
            return OutputLocations()
        scope = run.request.scope
        try:
            return self._sink.write(
                scope.account_id,
                scope.region,
                run.command,
                job.target.instance_id,
                step,
                {"stdout": result.stdout, "stderr": result.stderr},
            )
        except Exception as e:
            LOG.warning("output of %s on %s not written: %s", run.command_id, job.target, e)
            return OutputLocations()

    def _run_until_no_reboot(self, run: CommandRun, job: Job, step: StepPlan) -> ScriptResult:
        """Runs a step's script under its execution timeout; exit 194 reboots and runs it again."""
        command, target = run.command, job.target
        template = ScriptJob(
            script=step.script,
            script_dir=script_dir(target.instance_id, command.command_id, step),
            working_directory=step.working_directory,
            environment={
                "AWS_SSM_INSTANCE_ID": target.instance_id,
                "AWS_SSM_REGION_NAME": run.request.scope.region,
                "SSM_COMMAND_ID": command.command_id,
            },
            output_limit=(
                self._full_output_limit if wants_full_output(command) else output.STDOUT_LIMIT
            ),
        )
        while True:
            attempt = dataclasses.replace(template, attempt=uuid.uuid4().hex)
            with self._lock:
                if job.cancel_requested:
                    raise CancelledBeforeStart()
                if self._stopping.is_set():  # its kill has been swept already
                    raise StoppedBeforeStart()
                job.attempt = attempt
            timer = self._timers.call_later(
                step.execution_timeout, functools.partial(self._kill_soon, run, job, attempt, True)
            )
            ran = False
            try:
                result = self._runner.run_script(target.container_id, attempt)
                ran = True
            finally:
                timer.cancel()
                with self._lock:
                    job.attempt = None
                    job.delivered = job.delivered or ran
            if result.exit_code != REBOOT_EXIT_CODE or job.cancel_requested:
                return result
            self._runner.restart(target.container_id)
