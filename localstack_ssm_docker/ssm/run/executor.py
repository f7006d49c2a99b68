"""Runs invocations on a worker pool and moves each through Pending → InProgress → its end,
within the command's MaxConcurrency and MaxErrors, its delivery and execution timeouts and
CancelCommand."""

import dataclasses
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from localstack.aws.api import ServiceException

from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    ContainerRestarted,
    ContainerStopped,
    EngineError,
    EngineUnavailable,
)
from localstack_ssm_docker.engine.interface import (
    ScriptRunner,
)
from localstack_ssm_docker.engine.values import (
    ScriptJob,
    ScriptResult,
)
from localstack_ssm_docker.ssm.documents.parameter_refs import (
    ParameterResolutionError,
    has_references,
    resolve,
)
from localstack_ssm_docker.ssm.documents.plan import (
    RUN_SHELL_SCRIPT_ACTION,
    CommandPlan,
    Document,
    StepPlan,
    plan_command,
)
from localstack_ssm_docker.ssm.history import INTERRUPTED, NOT_DELIVERED
from localstack_ssm_docker.ssm.integrations.notifications import StatusObserver
from localstack_ssm_docker.ssm.integrations.output_sink import OutputLocations, OutputSink
from localstack_ssm_docker.ssm.models import (
    CANCELLED,
    CANCELLING,
    DELAYED,
    FAILED,
    IN_PROGRESS,
    PENDING,
    SUCCESS,
    TIMED_OUT,
    Command,
    Invocation,
    PluginResult,
    RunCommandStore,
)
from localstack_ssm_docker.ssm.run import output
from localstack_ssm_docker.ssm.run.status import (
    DELIVERY_TIMED_OUT,
    EXECUTION_TIMED_OUT,
    FAIL_STOP_EXIT_CODE,
    REBOOT_EXIT_CODE,
    SKIPPED,
    TERMINATED,
    UNDELIVERABLE,
    Outcome,
    is_error,
    max_concurrency_for,
    max_errors_for,
    outcome_of_exit_code,
    summarize,
)
from localstack_ssm_docker.ssm.run.timers import Scheduler, Timer
from localstack_ssm_docker.ssm.run.workers import WorkerPool

LOG = logging.getLogger(__name__)

ORCHESTRATION_ROOT = "/var/lib/amazon/ssm"
CONTROL_WORKERS = 4
SHUTDOWN_DEADLINE = 10.0
UNREACHABLE = (
    "The instance's container was paused or stopped when the command had to end: the script "
    "could not be killed then; it is killed once the container runs again."
)
_NOT_DELIVERED = {"status": FAILED, "status_details": UNDELIVERABLE, "stderr": NOT_DELIVERED}

type ParameterLookup = Callable[[str, str, list[str]], tuple[dict[str, tuple[str, str]], list[str]]]
"""(account, region, names) → GetParameters' answer, for ``{{ssm:...}}`` references."""


@dataclass(frozen=True)
class Target:
    """Where one invocation runs."""

    instance_id: str
    container_id: str


@dataclass(frozen=True)
class Scope:
    """The account and region a command belongs to."""

    account_id: str
    region: str


def script_dir(instance_id: str, command_id: str, step: StepPlan) -> str:
    """The agent's orchestration folder of one step, where its script is written."""
    plugin = step.action.replace(":", "")
    return (
        f"{ORCHESTRATION_ROOT}/{instance_id}/document/orchestration/{command_id}/"
        f"{plugin}/{step.folder}"
    )


class _CancelledBeforeStart(Exception):
    """The invocation was cancelled before its script started."""


@dataclass(eq=False)
class _Job:
    """The executor's view of one invocation that has been handed to a worker."""

    target: Target
    cancel_requested: bool = False
    delivery_expired: bool = False
    executing: bool = False
    delivered: bool = False
    done: bool = False
    plan: CommandPlan | None = None
    step: StepPlan | None = None
    results: list[PluginResult] = dataclasses.field(default_factory=list)
    skip_rest: bool = False
    skip_status: str = CANCELLED


class _CommandRun:
    """The executor's state of one command: what waits, what runs, the error budget."""

    def __init__(
        self,
        store: RunCommandStore,
        scope: Scope,
        command: Command,
        document: Document,
        plan: CommandPlan,
        targets: list[Target],
    ):
        self.store = store
        self.scope = scope
        self.command = command
        self.document = document
        self.plan = plan
        self.queue: deque[Target] = deque(targets)
        self.running: dict[str, _Job] = {}
        self.max_concurrency = max_concurrency_for(command.max_concurrency, len(targets))
        self.max_errors = max_errors_for(command.max_errors, len(targets))
        self.errors = 0
        self.command_status = PENDING
        self.delivery_timer: Timer | None = None

    @property
    def finished(self) -> bool:
        return not self.queue and not self.running


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
    ):
        self._runner = runner
        self._lookup = parameter_lookup
        self._sink = output_sink
        self._observer = observer
        self._full_output_limit = full_output_limit
        self._clock = clock
        self._retry_interval = retry_interval
        self._pool = WorkerPool(workers, "ssm-invocation")
        self._control = WorkerPool(CONTROL_WORKERS, "ssm-control")
        self._scheduler = Scheduler()
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._runs: dict[str, _CommandRun] = {}
        self._stopping = False

    def submit(
        self,
        store: RunCommandStore,
        scope: Scope,
        command: Command,
        document: Document,
        plan: CommandPlan,
        targets: list[Target],
    ) -> None:
        """Records the command with a Pending invocation per target and starts running them."""
        run = _CommandRun(store, scope, command, document, plan, targets)
        with self._lock:
            store.invocations[command.command_id] = {
                t.instance_id: Invocation(command.command_id, t.instance_id, command.requested_at)
                for t in targets
            }
            store.commands[command.command_id] = command
            store.order.append(command.command_id)
            if run.finished:
                return
            self._runs[command.command_id] = run
            delay = command.requested_at + command.timeout_seconds - self._clock()
            run.delivery_timer = self._scheduler.call_later(
                delay, lambda: self._expire_delivery(run)
            )
            self._dispatch(run)

    def cancel(self, command_id: str, instance_ids: list[str] | None = None) -> None:
        """Cancels the command's unfinished invocations (on these instances, or all): waiting ones
        end at once, running ones are Cancelling until their process group is killed."""
        to_kill = []
        with self._lock:
            run = self._runs.get(command_id)
            if run is None:
                return
            wanted = set(instance_ids) if instance_ids else None
            for target in [t for t in run.queue if wanted is None or t.instance_id in wanted]:
                run.queue.remove(target)
                self._set(run, target.instance_id, status=CANCELLED, status_details=CANCELLED)
            for instance_id, job in run.running.items():
                if (wanted is None or instance_id in wanted) and not job.cancel_requested:
                    job.cancel_requested = True
                    self._set(run, instance_id, status=CANCELLING, status_details=CANCELLING)
                    if job.executing:
                        to_kill.append(job)
            self._forget_if_finished(run)
        for job in to_kill:
            self._control.submit(self._kill, run, job)

    def shutdown(self, deadline: float = SHUTDOWN_DEADLINE) -> None:
        """Ends everything unfinished, as LocalStack stops: waiting invocations were never
        delivered, running ones are killed; all end Failed with a message that says so."""
        with self._lock:
            self._stopping = True
            running = []
            for run in list(self._runs.values()):
                while run.queue:
                    target = run.queue.popleft()
                    self._set(run, target.instance_id, **_NOT_DELIVERED)
                running += [(run, job) for job in run.running.values()]
                self._forget_if_finished(run)
        for run, job in running:
            self._kill(run, job, retry=False, must_end=True)
        with self._changed:
            self._changed.wait_for(lambda: not self._runs, timeout=deadline)
        self._scheduler.shutdown()
        if self._observer is not None:
            self._observer.shutdown()
        self._pool.shutdown()
        self._control.shutdown()

    # --- scheduling (callers hold the lock) ---

    def _dispatch(self, run: _CommandRun) -> None:
        """Starts queued invocations while concurrency allows; ends them once errors ran out."""
        if run.errors > run.max_errors:
            while run.queue:
                target = run.queue.popleft()
                self._set(run, target.instance_id, status=CANCELLED, status_details=TERMINATED)
        while run.queue and len(run.running) < run.max_concurrency:
            target = run.queue.popleft()
            job = _Job(target)
            run.running[target.instance_id] = job
            self._pool.submit(self._attempt, run, job)
        self._forget_if_finished(run)

    def _finish(self, run: _CommandRun, job: _Job, **changes) -> None:
        if job.done:
            return
        job.done = True
        run.running.pop(job.target.instance_id, None)
        invocation = self._set(run, job.target.instance_id, ended_at=self._clock(), **changes)
        if is_error(invocation):
            run.errors += 1
        self._dispatch(run)

    def _forget_if_finished(self, run: _CommandRun) -> None:
        if run.finished and self._runs.get(run.command.command_id) is run:
            del self._runs[run.command.command_id]
            if run.delivery_timer:
                run.delivery_timer.cancel()
            self._changed.notify_all()

    def _set(self, run: _CommandRun, instance_id: str, **changes) -> Invocation:
        """Replaces the invocation with its changed self; tells the observer of status changes
        of the invocation and of its command."""
        invocations = run.store.invocations[run.command.command_id]
        before = invocations[instance_id]
        after = invocations[instance_id] = dataclasses.replace(before, **changes)
        if self._observer is not None and after.status != before.status:
            try:
                self._tell(run, invocations, after)
            except Exception:
                LOG.exception("status change of %s not told", run.command.command_id)
        return after

    def _tell(self, run: _CommandRun, invocations: dict, changed: Invocation) -> None:
        scope, command = run.scope, run.command
        self._observer.invocation_changed(scope.account_id, scope.region, command, changed)
        status = summarize(invocations.values(), run.max_errors).status
        if status != run.command_status:
            run.command_status = status
            self._observer.command_changed(
                scope.account_id, scope.region, command, status, list(invocations)
            )

    def _expire_delivery(self, run: _CommandRun) -> None:
        """At the delivery timeout, what has not been delivered yet never will be."""
        with self._lock:
            while run.queue:
                target = run.queue.popleft()
                self._set(
                    run, target.instance_id, status=TIMED_OUT, status_details=DELIVERY_TIMED_OUT
                )
            for job in run.running.values():
                if not job.delivered and not job.executing:
                    job.delivery_expired = True
            self._forget_if_finished(run)

    # --- work (on pool threads, without the lock) ---

    def _attempt(self, run: _CommandRun, job: _Job) -> None:
        """Delivers the invocation to its instance and runs it, unless it ended meanwhile; an
        unexpected error fails the invocation rather than leaving it InProgress."""
        try:
            self._deliver(run, job)
        except Exception as e:
            LOG.exception("invocation %s on %s broke", run.command.command_id, job.target)
            with self._lock:
                self._finish(
                    run,
                    job,
                    status=FAILED,
                    status_details=FAILED,
                    stderr=f"internal error of the emulator: {e}",
                )

    def _deliver(self, run: _CommandRun, job: _Job) -> None:
        with self._lock:
            if self._stopping and not job.results:
                return self._finish(run, job, **_NOT_DELIVERED)
            if job.cancel_requested and not job.results:
                return self._finish(run, job, status=CANCELLED, status_details=CANCELLED)
            if job.delivery_expired:
                return self._finish(run, job, status=TIMED_OUT, status_details=DELIVERY_TIMED_OUT)
            current = run.store.invocations[run.command.command_id][job.target.instance_id]
            if current.status in (PENDING, DELAYED):
                started = current.started_at or self._clock()
                self._set(
                    run,
                    job.target.instance_id,
                    status=IN_PROGRESS,
                    status_details=IN_PROGRESS,
                    started_at=started,
                )
        try:
            job.plan = job.plan or self._resolve_plan(run)
        except (ParameterResolutionError, ServiceException) as e:
            message = e.message if isinstance(e, ServiceException) else str(e)
            with self._lock:
                return self._finish(
                    run, job, status=FAILED, status_details=FAILED, response_code=1, stderr=message
                )
        for step in job.plan.steps[len(job.results) :]:
            try:
                job.results.append(self._step_result(run, job, step))
            except ContainerNotRunning:
                return self._retry_later(run, job)
            except ContainerGone as e:
                with self._lock:
                    return self._finish(
                        run,
                        job,
                        status=FAILED,
                        status_details=UNDELIVERABLE,
                        stderr=f"the instance's container is gone: {e}",
                    )
            with self._lock:
                if job.done:  # ended while its container could not be reached (see _kill)
                    return None
                self._set(run, job.target.instance_id, plugins=tuple(job.results))
        with self._lock:
            return self._finish(run, job, **_invocation_fields(job.results))

    def _retry_later(self, run: _CommandRun, job: _Job) -> None:
        """The instance cannot be reached now: Delayed, and delivery is tried again."""
        with self._lock:
            if job.cancel_requested and not job.results:
                return self._finish(run, job, status=CANCELLED, status_details=CANCELLED)
            self._set(run, job.target.instance_id, status=DELAYED, status_details=DELAYED)
        self._scheduler.call_later(
            self._retry_interval, lambda: self._pool.submit(self._attempt, run, job)
        )
        return None

    def _step_result(self, run: _CommandRun, job: _Job, step: StepPlan) -> PluginResult:
        """Runs one step (or says why it does not run) and records how it went."""
        now = self._clock()
        if job.skip_rest or job.cancel_requested:
            status = CANCELLED if job.cancel_requested else job.skip_status
            return PluginResult(
                step.plugin_name, status, status if job.cancel_requested else SKIPPED
            )
        if step.action != RUN_SHELL_SCRIPT_ACTION:
            job.skip_rest = step.exit_on_failure
            message = (
                f"Step {step.plugin_name} uses action {step.action}: "
                "localstack-ssm-docker runs only aws:runShellScript steps."
            )
            return PluginResult(step.plugin_name, FAILED, FAILED, 1, now, now, stderr=message)
        try:
            result = self._run_until_no_reboot(run, job, step)
        except _CancelledBeforeStart:
            return PluginResult(step.plugin_name, CANCELLED, CANCELLED)
        except (ContainerNotRunning, ContainerGone):
            raise
        except EngineError as e:
            LOG.warning("%s on %s was interrupted: %s", run.command.command_id, job.target, e)
            job.skip_rest = True
            so_far = e.output if isinstance(e, ContainerStopped) else None
            so_far = so_far or ScriptResult(-1, b"", b"", 0, 0)
            return PluginResult(
                step.plugin_name,
                FAILED,
                FAILED,
                -1,
                now,
                self._clock(),
                stdout=output.inline(so_far.stdout, so_far.stdout_size, output.STDOUT_LIMIT),
                stderr=output.inline(
                    so_far.stderr, so_far.stderr_size, output.STDERR_LIMIT, _interruption(e)
                ),
            )
        outcome = outcome_of_exit_code(result.exit_code, job.cancel_requested)
        if self._stopping:
            job.skip_rest = True
            outcome = Outcome(FAILED, FAILED, stderr_note=INTERRUPTED)
        if result.exit_code == FAIL_STOP_EXIT_CODE or (
            step.exit_on_failure and outcome.status != SUCCESS
        ):
            job.skip_rest = True
        locations = self._write_output(run, job, step, result)
        return PluginResult(
            step.plugin_name,
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
        )

    def _write_output(
        self, run: _CommandRun, job: _Job, step: StepPlan, result: ScriptResult
    ) -> OutputLocations:
        """Hands the full output to S3 / CloudWatch Logs when asked; a failure there is logged and
        does not change the invocation's status."""
        if self._sink is None or not _wants_full_output(run.command):
            return OutputLocations()
        try:
            return self._sink.write(
                run.scope.account_id,
                run.scope.region,
                run.command,
                job.target.instance_id,
                step,
                {"stdout": result.stdout, "stderr": result.stderr},
            )
        except Exception as e:
            LOG.warning("output of %s on %s not written: %s", run.command.command_id, job.target, e)
            return OutputLocations()

    def _resolve_plan(self, run: _CommandRun) -> CommandPlan:
        """The plan with ``{{ssm:...}}`` references replaced by Parameter Store's values."""
        command = run.command
        if self._lookup is None or not has_references(command.parameters):
            return run.plan
        scope = run.scope
        resolved = resolve(
            command.parameters, lambda names: self._lookup(scope.account_id, scope.region, names)
        )
        return plan_command(run.document, resolved)

    def _run_until_no_reboot(self, run: _CommandRun, job: _Job, step: StepPlan) -> ScriptResult:
        """Runs a step's script under its execution timeout; exit 194 reboots and runs it again."""
        command, target = run.command, job.target
        script = ScriptJob(
            script=step.script,
            script_dir=script_dir(target.instance_id, command.command_id, step),
            working_directory=step.working_directory,
            environment={
                "AWS_SSM_INSTANCE_ID": target.instance_id,
                "AWS_SSM_REGION_NAME": run.scope.region,
                "SSM_COMMAND_ID": command.command_id,
            },
            output_limit=(
                self._full_output_limit if _wants_full_output(command) else output.STDOUT_LIMIT
            ),
        )
        while True:
            with self._lock:
                if job.cancel_requested:
                    raise _CancelledBeforeStart()
                job.executing, job.step = True, step
            timer = self._scheduler.call_later(
                step.execution_timeout,
                lambda: self._control.submit(self._kill, run, job, True, True),
            )
            try:
                result = self._runner.run_script(target.container_id, script)
            finally:
                timer.cancel()
                with self._lock:
                    job.executing = False
            job.delivered = True
            if result.exit_code != REBOOT_EXIT_CODE or job.cancel_requested:
                return result
            self._runner.restart(target.container_id)

    def _kill(
        self, run: _CommandRun, job: _Job, retry: bool = True, must_end: bool = False
    ) -> None:
        """Kills the invocation's process group, retrying until the script is gone. A cancel waits
        (Cancelling) while the container is paused or stopped; a timeout or shutdown
        (`must_end`) ends the invocation at once all the same."""
        if not job.executing:
            return
        try:
            killed = self._runner.kill_script(
                job.target.container_id,
                script_dir(job.target.instance_id, run.command.command_id, job.step),
            )
        except ContainerNotRunning:
            killed = False
            if must_end:
                with self._lock:
                    self._end_unreachable(run, job)
        except ContainerGone:
            return  # the script's output stream ends with the container
        except EngineError as e:  # e.g. the container at its pids limit: no room for the kill
            LOG.warning("could not kill %s on %s yet: %s", run.command.command_id, job.target, e)
            killed = False
        if not killed and job.executing and retry:
            self._scheduler.call_later(
                self._retry_interval / 2,
                lambda: self._control.submit(self._kill, run, job, retry, must_end),
            )

    def _end_unreachable(self, run: _CommandRun, job: _Job) -> None:
        """Ends an invocation whose script must stop but whose container is paused or stopped."""
        if self._stopping:
            status, details, stderr = FAILED, FAILED, INTERRUPTED
        elif job.cancel_requested:
            status, details, stderr = CANCELLED, CANCELLED, UNREACHABLE
        else:
            status, details, stderr = TIMED_OUT, EXECUTION_TIMED_OUT, UNREACHABLE
        self._finish(
            run, job, status=status, status_details=details, response_code=-1, stderr=stderr
        )


def _interruption(error: EngineError) -> str:
    """What an invocation's stderr says when its container, not its script, ended it."""
    if isinstance(error, ContainerRestarted):
        return "The instance rebooted while the command was running."
    if isinstance(error, ContainerStopped):
        return f"The instance's container stopped while the command was running ({error})."
    if isinstance(error, EngineUnavailable):
        return f"The Docker engine became unavailable while the command was running ({error})."
    return f"The instance's container could not run the command: {error}"


def _wants_full_output(command: Command) -> bool:
    """Whether the command's output goes to S3 or CloudWatch Logs (which get all of it)."""
    return bool(
        command.output_s3_bucket_name
        or command.cloudwatch_output_config.get("CloudWatchOutputEnabled")
    )


def _invocation_fields(results: list[PluginResult]) -> dict:
    """The invocation's own status and output from its steps' (one step: that step's)."""
    if len(results) == 1:
        (only,) = results
        return {
            "status": only.status,
            "status_details": only.status_details,
            "response_code": only.response_code,
            "stdout": only.stdout,
            "stderr": only.stderr,
            "stdout_url": only.stdout_url,
            "stderr_url": only.stderr_url,
            "plugins": tuple(results),
        }
    ran = [r for r in results if r.started_at is not None]
    counted = [r for r in results if r.status_details != SKIPPED]
    worst = next(
        (r for status in (CANCELLED, TIMED_OUT, FAILED) for r in counted if r.status == status),
        None,
    )
    return {
        "status": worst.status if worst else SUCCESS,
        "status_details": worst.status_details if worst else SUCCESS,
        "response_code": ran[-1].response_code if ran else -1,
        "stdout": output.cut("\n".join(r.stdout for r in ran if r.stdout), output.STDOUT_LIMIT),
        "stderr": output.cut("\n".join(r.stderr for r in ran if r.stderr), output.STDERR_LIMIT),
        "plugins": tuple(results),
    }
