"""The step engine: runs executions on a bounded pool of worker threads, one step after another,
and is the only writer of their records.

Per step it resolves the inputs' references, runs the action (retrying up to `maxAttempts`),
arms `timeoutSeconds` on the injected clock (which sets the step's `cancelled` and makes it
TimedOut), and follows `onFailure`, `onCancel`, `isCritical`, `isEnd`, `nextStep` and
aws:branch's choice. StopAutomationExecution moves the execution to Cancelling and cancels its
running step (and nested and child executions); the step then ends Cancelled and the execution
Cancelled. A nested execution (aws:executeAutomation) runs on its parent step's thread, so
nesting never waits for a free worker; rate control's children go to the pool, at most
MaxConcurrency at a time.
"""

import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from localstack.aws.api.ssm import (
    AutomationExecutionNotFoundException,
    AutomationStepNotFoundException,
    InvalidAutomationSignalException,
    InvalidAutomationStatusUpdateException,
)
from localstack.aws.api.ssm import AutomationExecutionStatus as Status

from localstack_ssm_docker.ssm.associations.clock import Cancellable, Clock
from localstack_ssm_docker.ssm.automation.actions.base import Action, AwsClients, StepFailed
from localstack_ssm_docker.ssm.automation.actions.selectors import declared
from localstack_ssm_docker.ssm.automation.control import (
    ControlledStepContext,
    NestedResult,
    Signal,
)
from localstack_ssm_docker.ssm.automation.parameters import BoundParameters, bind_parameters
from localstack_ssm_docker.ssm.automation.ports import (
    AutomationObserver,
    ClientFactory,
    LoadedRunbook,
    RunbookSource,
    StartRequest,
    TargetResolver,
)
from localstack_ssm_docker.ssm.automation.rate_control import RateControl, child_sets
from localstack_ssm_docker.ssm.automation.records import (
    AUTO,
    Execution,
    StepRecord,
    automation_stores,
)
from localstack_ssm_docker.ssm.automation.references import (
    UnresolvedReference,
    as_text,
    automation_variables,
    references_in,
    resolve,
)
from localstack_ssm_docker.ssm.automation.runbook import (
    CONTINUE,
    Runbook,
    StepSpec,
    step_target,
)
from localstack_ssm_docker.ssm.automation.signals import SignalBox
from localstack_ssm_docker.ssm.run.workers import Pool

LOG = logging.getLogger(__name__)

MAX_NESTING = 10
"""aws:executeAutomation steps an execution may be nested in."""


class _StepRun:
    """One attempt of one step: its cancellation, and why it is cancelled (first reason wins)."""

    def __init__(self, signals: SignalBox) -> None:
        self.cancelled = threading.Event()
        self.reason: Status | None = None
        self._signals = signals
        self._lock = threading.Lock()
        self._on_cancel: list[Callable[[], None]] = []

    def cancel(self, reason: Status) -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason
            callbacks = list(self._on_cancel)
        self.cancelled.set()
        self._signals.wake()
        for callback in callbacks:
            callback()

    def when_cancelled(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if self.reason is None:
                self._on_cancel.append(callback)
                return
        callback()


@dataclass
class _Running:
    """The engine's working state of one execution that has not ended."""

    execution_id: str
    account_id: str
    region: str
    runbook: Runbook
    parameters: BoundParameters
    assume_role: str
    signals: SignalBox = field(default_factory=SignalBox)
    stopping: threading.Event = field(default_factory=threading.Event)
    step: _StepRun | None = None
    chosen_next: str | None = None
    interactive_step: str | None = None
    on_end: Callable[[Execution], None] | None = None
    clients: AwsClients | None = None
    rate_control: RateControl | None = None
    rate_request: StartRequest | None = None
    depth: int = 0
    """How many aws:executeAutomation steps this execution is nested in."""


class AutomationEngine:
    """Starts, runs, signals and stops automation executions."""

    def __init__(
        self,
        actions: Mapping[str, Action],
        source: RunbookSource,
        clients: ClientFactory,
        clock: Clock,
        pool: Pool,
        observer: AutomationObserver | None = None,
        targets: TargetResolver | None = None,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ):
        self._actions = actions
        self._source = source
        self._clients = clients
        self._clock = clock
        self._pool = pool
        self._observer = observer
        self._targets = targets
        self._new_id = new_id
        self._lock = threading.RLock()
        self._running: dict[str, _Running] = {}
        self._closed = False

    # -- the API's requests

    def runbook(
        self, account_id: str, region: str, name: str, version: str | None
    ) -> LoadedRunbook:
        """The runbook StartAutomationExecution names (AWS's errors when there is none)."""
        return self._source.load(account_id, region, name, version)

    def start(self, request: StartRequest) -> str:
        """Creates the execution and queues it; its id."""
        if request.target_parameter_name or request.target_maps:
            return self._start_rate_controlled(request)
        run = self._create(request, parent_id="", target="")
        self._pool.submit(self._execute, run)
        return run.execution_id

    def stop(self, account_id: str, region: str, execution_id: str) -> None:
        """StopAutomationExecution (Cancel): Cancelling until the running step has ended."""
        record = self.execution(account_id, region, execution_id)
        with self._lock:
            run = self._running.get(execution_id)
            if record.is_terminal or run is None:
                raise InvalidAutomationStatusUpdateException(
                    f"Execution {execution_id} has already completed with status "
                    f"{record.status} and cannot be stopped."
                )
        self._request_stop(run)

    def signal(
        self,
        account_id: str,
        region: str,
        execution_id: str,
        signal_type: str,
        payload: Mapping[str, list[str]],
        sender: str,
    ) -> None:
        """SendAutomationSignal: handed to the step waiting for it, refused when none is."""
        record = self.execution(account_id, region, execution_id)
        run = self._running.get(execution_id)
        if record.is_terminal or run is None:
            raise InvalidAutomationSignalException(
                f"Execution {execution_id} has completed; it takes no signal."
            )
        if signal_type in ("StartStep", "StopStep"):
            names = payload.get("StepName") or []
            if len(names) != 1:
                raise InvalidAutomationSignalException(
                    f"Signal {signal_type} needs a payload with one StepName."
                )
            if run.runbook.step(names[0]) is None:
                raise AutomationStepNotFoundException(
                    f"Step {names[0]} is not a step of {record.document_name}."
                )
        if signal_type == "StopStep":
            current = run.step
            if run.interactive_step != (payload.get("StepName") or [""])[0] or current is None:
                raise InvalidAutomationSignalException(
                    f"Step {payload['StepName'][0]} is not running."
                )
            current.cancel(Status.Cancelled)
            return
        if not run.signals.post(Signal(signal_type, dict(payload), sender)):
            raise InvalidAutomationSignalException(
                f"Execution {execution_id} is not waiting for a {signal_type} signal."
            )

    def execution(self, account_id: str, region: str, execution_id: str) -> Execution:
        """The record; AutomationExecutionNotFoundException when the account has none."""
        found = automation_stores[account_id][region].executions.get(execution_id)
        if found is None:
            raise AutomationExecutionNotFoundException(
                f"Automation execution {execution_id} was not found."
            )
        return found

    def shutdown(self) -> None:
        """Takes no more work and stops what runs, leaving the records as they were (a restart
        ends them as interrupted, `history.py`): an execution is Cancelled only by a Stop."""
        with self._lock:
            self._closed = True
            running = list(self._running.values())
        for run in running:
            run.stopping.set()
            current = run.step
            if current is not None:
                current.cancel(Status.Cancelled)
            run.signals.wake()
        self._pool.shutdown()

    # -- records

    def _create(self, request: StartRequest, parent_id: str, target: str) -> _Running:
        loaded = request.loaded
        execution_id = self._new_id()
        record = Execution(
            execution_id=execution_id,
            document_name=loaded.name,
            document_version=loaded.version,
            parameters=dict(request.parameters.as_given),
            mode=request.mode,
            executed_by=request.executed_by,
            started_at=self._clock.now(),
            parent_id=parent_id,
            target=target,
            target_parameter_name=request.target_parameter_name,
            targets=request.targets,
            target_maps=request.target_maps,
            max_concurrency=request.max_concurrency,
            max_errors=request.max_errors,
            tags=request.tags,
            association_id=request.association_id,
        )
        assume_role = loaded.runbook.assume_role
        try:
            assume_role = as_text(resolve(assume_role, lambda n: request.parameters.typed[n]))
        except KeyError:
            assume_role = ""
        run = _Running(
            execution_id,
            request.account_id,
            request.region,
            loaded.runbook,
            request.parameters,
            assume_role,
        )
        with self._lock:
            automation_stores[request.account_id][request.region].executions[execution_id] = record
            self._running[execution_id] = run
        self._tell(run, record, None)
        return run

    def _update(self, run: _Running, **changes: Any) -> Execution:
        with self._lock:
            store = automation_stores[run.account_id][run.region]
            before = store.executions[run.execution_id]
            if before.is_terminal or self._closed:
                return before
            if before.status == Status.Cancelling and changes.get("status") in (
                Status.InProgress,
                Status.Waiting,
            ):
                changes.pop("status")
            after = before.but(**changes)
            store.executions[run.execution_id] = after
        if after.status != before.status:
            self._tell(run, after, None)
        return after

    def _put_step(self, run: _Running, step: StepRecord) -> StepRecord:
        with self._lock:
            store = automation_stores[run.account_id][run.region]
            before = store.executions[run.execution_id]
            if self._closed:
                return step
            previous = next(
                (s for s in before.steps if s.step_execution_id == step.step_execution_id), None
            )
            after = before.with_step(step)
            store.executions[run.execution_id] = after
        if previous is None or previous.status != step.status:
            self._tell(run, after, step)
        return step

    def _tell(self, run: _Running, record: Execution, step: StepRecord | None) -> None:
        if self._observer is None:
            return
        try:
            if step is None:
                self._observer.execution_changed(run.account_id, run.region, record)
            else:
                self._observer.step_changed(run.account_id, run.region, record, step)
        except Exception:
            LOG.exception("status change of %s not told", record.execution_id)

    def _finish(self, run: _Running, status: Status, failure_message: str = "") -> Execution:
        record = self._update(
            run,
            status=status,
            ended_at=self._clock.now(),
            failure_message=failure_message,
            outputs=self._outputs(run),
            current_step_name="",
            current_action="",
        )
        with self._lock:
            self._running.pop(run.execution_id, None)
        if run.on_end is not None:
            run.on_end(record)
        return record

    # -- running

    def _execute(self, run: _Running) -> Execution:
        try:
            if run.stopping.is_set():
                return self._finish(run, Status.Cancelled)
            self._update(run, status=Status.InProgress)
            record = automation_stores[run.account_id][run.region].executions[run.execution_id]
            if record.mode == AUTO:
                return self._run_auto(run)
            return self._run_interactive(run)
        except Exception as e:
            LOG.exception("automation execution %s failed", run.execution_id)
            return self._finish(run, Status.Failed, f"Internal error: {e}")

    def _run_auto(self, run: _Running) -> Execution:
        step: StepSpec | None = run.runbook.steps[0]
        failure = ""
        while step is not None:
            if run.stopping.is_set():
                return self._finish(run, Status.Cancelled)
            record = self._run_step(run, step)
            if record.status == Status.Success:
                step = self._next(run, step)
            elif record.status == Status.Cancelled:
                target = step_target(step.on_cancel)
                cleanup = run.runbook.step(target) if target else None
                if cleanup is not None:
                    self._run_step(run, cleanup, cancellable=False)
                return self._finish(run, Status.Cancelled)
            else:
                message = f"Step {step.name} {record.status}: {record.failure_message}"
                if step.is_critical:
                    failure = failure or message
                target = step_target(step.on_failure)
                if step.on_failure == CONTINUE:
                    step = self._next(run, step)
                elif target is not None:
                    step = run.runbook.step(target)
                else:
                    ended = Status.TimedOut if record.status == Status.TimedOut else Status.Failed
                    return self._finish(run, ended, message)
        return self._finish(run, Status.Failed if failure else Status.Success, failure)

    def _next(self, run: _Running, step: StepSpec) -> StepSpec | None:
        chosen, run.chosen_next = run.chosen_next, None
        if step.is_end:
            return None
        if chosen is not None:
            return run.runbook.step(chosen)
        if step.next_step:
            return run.runbook.step(step.next_step)
        return run.runbook.after(step.name)

    def _run_interactive(self, run: _Running) -> Execution:
        """Each step when a StartStep names it; the execution ends after a step that would end
        it in Auto mode (isEnd, or the last step without nextStep), or on Stop."""
        while True:
            self._update(run, status=Status.Waiting, current_step_name="", current_action="")
            signal = run.signals.wait(frozenset({"StartStep"}), run.stopping.is_set)
            if signal is None:
                return self._finish(run, Status.Cancelled)
            step = run.runbook.step(signal.payload["StepName"][0])
            if step is None:
                continue
            self._update(run, status=Status.InProgress)
            run.interactive_step = step.name
            record = self._run_step(run, step)
            run.interactive_step = None
            if run.stopping.is_set():
                return self._finish(run, Status.Cancelled)
            if record.status == Status.Success and self._next(run, step) is None:
                return self._finish(run, Status.Success)

    def _run_step(self, run: _Running, spec: StepSpec, cancellable: bool = True) -> StepRecord:
        record = self._put_step(
            run,
            StepRecord(
                step_execution_id=self._new_id(),
                step_name=spec.name,
                action=spec.action,
                on_failure=spec.on_failure,
                max_attempts=spec.max_attempts,
                timeout_seconds=spec.timeout_seconds,
                is_end=spec.is_end,
                is_critical=spec.is_critical,
                next_step=spec.next_step,
                status=Status.InProgress,
                started_at=self._clock.now(),
            ),
        )
        self._update(run, current_step_name=spec.name, current_action=spec.action)
        action = self._actions.get(spec.action)
        if action is None:
            return self._end_step(run, record, Status.Failed, f"Unknown action {spec.action}.")
        try:
            inputs = resolve(dict(spec.inputs), self._lookup(run))
        except UnresolvedReference as e:
            return self._end_step(
                run, record, Status.Failed, f"Input reference {{{{ {e.name} }}}} has no value."
            )
        record = self._put_step(run, record.but(inputs={k: as_text(v) for k, v in inputs.items()}))
        for attempt in range(1, spec.max_attempts + 1):
            attempt_run = _StepRun(run.signals)
            run.step = attempt_run
            if cancellable and run.stopping.is_set():
                attempt_run.cancel(Status.Cancelled)
            timer = self._arm_timeout(attempt_run, spec.timeout_seconds)
            values: Mapping[str, Any] = {}
            message = ""
            try:
                values = action.run(inputs, self._context(run, spec, record, attempt_run))
            except StepFailed as e:
                message = e.message
            except Exception:
                message = traceback.format_exc(limit=5)
            finally:
                if timer is not None:
                    timer.cancel()
                run.step = None
            if attempt_run.reason == Status.TimedOut:
                return self._end_step(
                    run,
                    record,
                    Status.TimedOut,
                    f"Step timed out after {spec.timeout_seconds} seconds.",
                )
            if attempt_run.reason == Status.Cancelled:
                return self._end_step(run, record, Status.Cancelled, "Step was cancelled.")
            if not message:
                return self._end_step(run, record, Status.Success, values=values)
            if attempt == spec.max_attempts:
                return self._end_step(run, record, Status.Failed, message)
        raise AssertionError("unreachable: the last attempt ends the step")

    def _end_step(
        self,
        run: _Running,
        record: StepRecord,
        status: Status,
        message: str = "",
        values: Mapping[str, Any] | None = None,
    ) -> StepRecord:
        return self._put_step(
            run,
            record.but(
                status=status,
                ended_at=self._clock.now(),
                failure_message=message,
                failure_type=""
                if status == Status.Success
                else "Verification"
                if status == Status.Failed
                else status,
                values=dict(values or {}),
            ),
        )

    def _arm_timeout(self, attempt: _StepRun, seconds: int | None) -> Cancellable | None:
        if seconds is None:
            return None
        return self._clock.call_at(
            self._clock.now() + seconds, lambda: attempt.cancel(Status.TimedOut)
        )

    def _context(
        self, run: _Running, spec: StepSpec, record: StepRecord, attempt: _StepRun
    ) -> ControlledStepContext:
        if run.clients is None:
            run.clients = self._clients.clients(run.account_id, run.region, run.assume_role)
        return ControlledStepContext(
            execution_id=run.execution_id,
            step_name=spec.name,
            account_id=run.account_id,
            region=run.region,
            clients=run.clients,
            cancelled=attempt.cancelled,
            deadline=None
            if spec.timeout_seconds is None
            else time.monotonic() + spec.timeout_seconds,
            control=_Control(self, run, attempt, record),
            # raw credentials for what runs outside this process (aws:executeScript)
            credentials=getattr(run.clients, "credentials", None),
            outputs=declared(spec.outputs),
        )

    def _lookup(self, run: _Running) -> Callable[[str], Any]:
        record = automation_stores[run.account_id][run.region].executions[run.execution_id]
        variables = automation_variables(
            run.execution_id, run.account_id, run.region, self._clock.now()
        )

        resolving: set[str] = set()

        def lookup(name: str) -> Any:
            if name in run.parameters.typed:
                value = run.parameters.typed[name]
                # a parameter's value may refer to others and to the automation variables (AWS's
                # own defaults do: "UpdateLinuxAmi_from_{{SourceAmiId}}_on_{{global:DATE_TIME}}")
                if name in resolving:  # a cycle: the value can never be known
                    raise UnresolvedReference(name)
                if not any(True for _ in references_in(value)):
                    return value
                resolving.add(name)
                try:
                    return resolve(value, lookup)
                finally:
                    resolving.discard(name)
            if name in variables:
                return variables[name]
            step_name, _, output = name.partition(".")
            for step in reversed(record.steps):
                if step.step_name == step_name and output in step.values:
                    return step.values[output]
            raise UnresolvedReference(name)

        return lookup

    def _outputs(self, run: _Running) -> dict[str, list[str]]:
        record = automation_stores[run.account_id][run.region].executions[run.execution_id]
        outputs: dict[str, list[str]] = {}
        for name in run.runbook.outputs:
            step_name, _, output = name.partition(".")
            for step in reversed(record.steps):
                if step.step_name == step_name and output in step.values:
                    outputs[name] = output_values(step.values[output])
                    break
        return outputs

    def _request_stop(self, run: _Running) -> None:
        run.stopping.set()
        self._update(run, status=Status.Cancelling)
        current = run.step
        if current is not None:
            current.cancel(Status.Cancelled)
        run.signals.wake()
        if run.rate_control is not None:
            self._stop_children(run)

    # -- nested executions (aws:executeAutomation)

    def run_nested(
        self,
        parent: _Running,
        attempt: _StepRun,
        document_name: str,
        document_version: str | None,
        parameters: Mapping[str, list[str]],
    ) -> NestedResult:
        """A child execution run to its end on this thread."""
        if parent.depth >= MAX_NESTING:
            raise StepFailed(
                f"aws:executeAutomation is nested {MAX_NESTING} deep; a runbook that starts "
                "itself without end is stopped here."
            )
        try:
            loaded = self._source.load(
                parent.account_id, parent.region, document_name, document_version
            )
            bound = bind_parameters(loaded.runbook, parameters)
        except Exception as e:
            raise StepFailed(f"{type(e).__name__}: {e}") from e
        parent_record = self.execution(parent.account_id, parent.region, parent.execution_id)
        child = self._create(
            StartRequest(
                parent.account_id, parent.region, loaded, bound, parent_record.executed_by
            ),
            parent_id=parent.execution_id,
            target="",
        )
        child.depth = parent.depth + 1
        attempt.when_cancelled(lambda: self._request_stop(child))
        ended = self._execute(child)
        return NestedResult(ended.execution_id, ended.status, ended.outputs, ended.failure_message)

    # -- rate control (the rule is rate_control.py's)

    def _start_rate_controlled(self, request: StartRequest) -> str:
        values = (
            self._targets.resolve(request.account_id, request.region, list(request.targets))
            if self._targets is not None and not request.target_maps
            else []
        )
        sets = child_sets(request.target_parameter_name, values, request.target_maps)
        parent = self._create(request, parent_id="", target="")
        parent.rate_control = RateControl.of(sets, request.max_concurrency, request.max_errors)
        parent.rate_request = request
        self._update(parent, status=Status.InProgress, resolved_targets=tuple(t for t, _ in sets))
        self._launch_children(parent)
        return parent.execution_id

    def _launch_children(self, parent: _Running) -> None:
        rate, request = parent.rate_control, parent.rate_request
        assert rate is not None and request is not None
        with self._lock:
            while (chosen := rate.next_child()) is not None:
                target, overrides = chosen
                try:
                    bound = bind_parameters(
                        request.loaded.runbook, {**request.parameters.as_given, **overrides}
                    )
                except Exception as e:
                    LOG.warning("child of %s not started: %s", parent.execution_id, e)
                    rate.not_started()
                    continue
                child = self._create(
                    StartRequest(
                        parent.account_id,
                        parent.region,
                        request.loaded,
                        bound,
                        request.executed_by,
                    ),
                    parent_id=parent.execution_id,
                    target=target,
                )
                child.on_end = lambda ended: self._child_ended(parent, ended)
                rate.children.append(child)
                self._update(parent, children=(*self._record(parent).children, child.execution_id))
                self._pool.submit(self._execute, child)
            done = rate.done
        if done:
            self._finish(parent, *rate.outcome())

    def _child_ended(self, parent: _Running, ended: Execution) -> None:
        assert parent.rate_control is not None
        with self._lock:
            parent.rate_control.ended(ended.status)
        self._launch_children(parent)

    def _stop_children(self, parent: _Running) -> None:
        assert parent.rate_control is not None
        with self._lock:
            parent.rate_control.stop()
            children = [c for c in parent.rate_control.children if c.execution_id in self._running]
        for child in children:
            self._request_stop(child)
        self._launch_children(parent)

    def _record(self, run: _Running) -> Execution:
        return automation_stores[run.account_id][run.region].executions[run.execution_id]


def output_values(value: Any) -> list[str]:
    """A step's output as the API shows it: a list of strings."""
    if isinstance(value, list):
        return [as_text(v) for v in value]
    return [as_text(value)]


class _Control:
    """The `StepControl` of one attempt of one step."""

    def __init__(
        self, engine: AutomationEngine, run: _Running, attempt: _StepRun, record: StepRecord
    ) -> None:
        self._engine = engine
        self._run = run
        self._attempt = attempt
        self._record = record

    def wait_for_signal(self, accepted: frozenset[str]) -> Signal | None:
        engine, run = self._engine, self._run
        engine._put_step(run, self._record.but(status=Status.Waiting))
        engine._update(run, status=Status.Waiting)
        signal = run.signals.wait(accepted, self._attempt.cancelled.is_set)
        engine._put_step(run, self._record.but(status=Status.InProgress))
        engine._update(run, status=Status.InProgress)
        return signal

    def go_to(self, step_name: str) -> None:
        self._run.chosen_next = step_name

    def run_nested(
        self, document_name: str, document_version: str | None, parameters: Mapping[str, list[str]]
    ) -> NestedResult:
        return self._engine.run_nested(
            self._run, self._attempt, document_name, document_version, parameters
        )
