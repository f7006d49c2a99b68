"""The public face of Run Command's execution: `submit` a command, `cancel` it, `shutdown`.

It owns the scheduling (which invocations start, within MaxConcurrency and MaxErrors, and the
delivery timeout) and the lock every role shares; the work itself is delegated:
`delivery` (an invocation reaching its instance), `steps` (one step in a container), `kills`
(timeouts and cancels), `results` (the invocation's result from its steps').
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.engine.interface import ScriptRunner
from localstack_ssm_docker.ssm.models import Invocation, PluginResult, Result
from localstack_ssm_docker.ssm.run.command_run import CommandRun, Job
from localstack_ssm_docker.ssm.run.delivery import NOT_DELIVERED, Delivery
from localstack_ssm_docker.ssm.run.kills import Killer
from localstack_ssm_docker.ssm.run.ports import OutputSink, ParameterLookup, StatusObserver
from localstack_ssm_docker.ssm.run.request import CommandRequest
from localstack_ssm_docker.ssm.run.status import DELIVERY_TIMED_OUT, TERMINATED, is_error
from localstack_ssm_docker.ssm.run.steps import StepRunner
from localstack_ssm_docker.ssm.run.timers import Timers, TimerThread
from localstack_ssm_docker.ssm.run.workers import Pool, WorkerPool

Status = CommandInvocationStatus

CONTROL_WORKERS = 4
SHUTDOWN_DEADLINE = 10.0


class CommandExecutor:
    """Schedules invocations on a pool of workers and records their progress in the store."""

    def __init__(
        self,
        runner: ScriptRunner,
        workers: int,
        parameter_lookup: ParameterLookup | None = None,
        output_sink: OutputSink | None = None,
        observer: StatusObserver | None = None,
        full_output_limit: int = 16 * 1024 * 1024,
        clock: Callable[[], float] = time.time,
        retry_interval: float = 1.0,
        timers: Timers | None = None,
        control: Pool | None = None,
        pool: Pool | None = None,
    ):
        """`timers` (timeouts, retries), `control` (kills) and `pool` (deliveries, `workers`
        threads) are threads of their own by default; tests pass their own to decide when
        timers fire, kills run and invocations are delivered."""
        self._observer = observer
        self._clock = clock
        self._pool = pool or WorkerPool(workers, "ssm-invocation")
        self._control = control or WorkerPool(CONTROL_WORKERS, "ssm-control")
        self._timers = timers or TimerThread()
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._runs: dict[str, CommandRun] = {}
        self._stopping = threading.Event()
        self._killer = Killer(
            runner,
            self._lock,
            self._timers,
            self._control,
            self._stopping,
            self._finish,
            retry_interval,
        )
        steps = StepRunner(
            runner,
            self._lock,
            self._timers,
            self._killer.kill_soon,
            self._stopping,
            output_sink,
            full_output_limit,
            clock,
        )
        self._delivery = Delivery(
            self._lock,
            self._pool,
            self._timers,
            steps,
            self._stopping,
            self._finish,
            parameter_lookup,
            clock,
            retry_interval,
        )

    def submit(self, request: CommandRequest) -> None:
        """Records the command with a Pending invocation per target and starts running them."""
        command, store = request.command, request.store
        run = CommandRun(request, self._observer, self._lock)
        with self._lock:
            store.invocations[command.command_id] = {
                t.instance_id: Invocation(command.command_id, t.instance_id, command.requested_at)
                for t in request.targets
            }
            store.commands[command.command_id] = command
            store.order.append(command.command_id)
            if run.finished:
                return
            self._runs[command.command_id] = run
            delay = command.requested_at + command.timeout_seconds - self._clock()
            run.delivery_timer = self._timers.call_later(delay, lambda: self._expire_delivery(run))
            self._dispatch(run)

    def cancel(self, command_id: str, instance_ids: list[str] | None = None) -> None:
        """Cancels the command's unfinished invocations (on these instances, or all): waiting ones
        end at once, running ones are Cancelling until their process group is killed."""
        with self._lock:
            run = self._runs.get(command_id)
            if run is None:
                return
            wanted = set(instance_ids) if instance_ids else None
            for target in [t for t in run.queue if wanted is None or t.instance_id in wanted]:
                run.queue.remove(target)
                run.set(
                    target.instance_id, status=Status.Cancelled, status_details=Status.Cancelled
                )
            for instance_id, job in run.running.items():
                if (wanted is None or instance_id in wanted) and not job.cancel_requested:
                    job.cancel_requested = True
                    run.set(instance_id, status=Status.Cancelling, status_details=Status.Cancelling)
                    if job.attempt is not None:
                        self._killer.kill_soon(run, job, job.attempt)
            self._forget_if_finished(run)

    def shutdown(self, deadline: float = SHUTDOWN_DEADLINE) -> None:
        """Ends everything unfinished, as LocalStack stops: waiting invocations were never
        delivered, running ones are killed; all end Failed with a message that says so."""
        with self._lock:
            self._stopping.set()
            running = []
            for run in list(self._runs.values()):
                while run.queue:
                    run.set(run.queue.popleft().instance_id, **NOT_DELIVERED)
                running += [
                    (run, job, job.attempt)
                    for job in run.running.values()
                    if job.attempt is not None
                ]
                self._forget_if_finished(run)
        for run, job, attempt in running:
            self._killer.kill(run, job, attempt, retry=False, must_end=True)
        with self._changed:
            self._changed.wait_for(lambda: not self._runs, timeout=deadline)
        self._timers.shutdown()
        if self._observer is not None:
            self._observer.shutdown()
        self._pool.shutdown()
        self._control.shutdown()

    # --- scheduling (each takes the lock, re-entrant: callers may hold it already) ---

    def _dispatch(self, run: CommandRun) -> None:
        """Starts queued invocations while concurrency allows; ends them once errors ran out."""
        with self._lock:
            self._dispatch_locked(run)

    def _dispatch_locked(self, run: CommandRun) -> None:
        if run.over_error_budget:
            while run.queue:
                # *unverified*: Cancelled is the Status that goes with Terminated
                run.set(
                    run.queue.popleft().instance_id,
                    status=Status.Cancelled,
                    status_details=TERMINATED,
                )
        while run.queue and run.has_room:
            target = run.queue.popleft()
            job = Job(target)
            run.running[target.instance_id] = job
            self._delivery.start(run, job)
        self._forget_if_finished(run)

    def _finish(
        self,
        run: CommandRun,
        job: Job,
        /,
        plugins: tuple[PluginResult, ...] | None = None,
        result: Result | None = None,
        **changes: Any,
    ) -> None:
        """Ends the job's invocation once: stamps its end, counts it against the error budget,
        starts the next ones."""
        with self._lock:
            self._finish_locked(run, job, plugins, result, changes)

    def _finish_locked(
        self,
        run: CommandRun,
        job: Job,
        plugins: tuple[PluginResult, ...] | None,
        result: Result | None,
        changes: dict[str, Any],
    ) -> None:
        if job.done:
            return
        job.done = True
        run.running.pop(job.target.instance_id, None)
        invocation = run.set(
            job.target.instance_id,
            plugins=plugins,
            result=result,
            ended_at=self._clock(),
            **changes,
        )
        if is_error(invocation):
            run.errors += 1
        self._dispatch(run)

    def _forget_if_finished(self, run: CommandRun) -> None:
        with self._lock:
            if run.finished and self._runs.get(run.command_id) is run:
                del self._runs[run.command_id]
                if run.delivery_timer:
                    run.delivery_timer.cancel()
                self._changed.notify_all()

    def _expire_delivery(self, run: CommandRun) -> None:
        """At the delivery timeout, what has not been delivered yet never will be."""
        with self._lock:
            while run.queue:
                run.set(
                    run.queue.popleft().instance_id,
                    status=Status.TimedOut,
                    status_details=DELIVERY_TIMED_OUT,
                )
            for job in run.running.values():
                if not job.delivered and not job.executing:
                    job.delivery_expired = True
            self._forget_if_finished(run)
