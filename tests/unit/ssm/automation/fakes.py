"""Fakes of the engine's own interfaces: actions that block on cue, a runbook table, clients,
and an observer the tests wait on (no sleeps: every wait is for an event)."""

import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from localstack_ssm_docker.ssm.associations.clock import Clock
from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed
from localstack_ssm_docker.ssm.automation.actions.catalogue import actions_by_name
from localstack_ssm_docker.ssm.automation.engine import AutomationEngine
from localstack_ssm_docker.ssm.automation.parameters import bind_parameters
from localstack_ssm_docker.ssm.automation.ports import LoadedRunbook, StartRequest
from localstack_ssm_docker.ssm.automation.records import Execution, StepRecord, automation_stores
from localstack_ssm_docker.ssm.automation.runbook import parse_runbook
from localstack_ssm_docker.ssm.run.workers import WorkerPool

WAIT = 10.0
"""Seconds a test waits for what it cued before failing."""


class GateAction:
    """test:gate: blocks until the test opens the gate named by the `Gate` input or the step is
    cancelled; counts how many run at once."""

    name: ClassVar[str] = "test:gate"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Event] = {}
        self.entered = threading.Condition()
        self.running = 0
        self.most_at_once = 0
        self.started: list[str] = []

    def gate(self, name: str) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(name, threading.Event())

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        return None

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        gate = self.gate(str(inputs.get("Gate", context.step_name)))
        with self.entered:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.started.append(str(inputs.get("Gate", context.step_name)))
            self.entered.notify_all()
        try:
            while not gate.is_set() and not context.cancelled.is_set():
                gate.wait(0.05) or context.cancelled.wait(0.05)
        finally:
            with self.entered:
                self.running -= 1
                self.entered.notify_all()
        if context.cancelled.is_set():
            raise StepFailed("cancelled")
        return {"Opened": str(inputs.get("Gate", context.step_name))}

    def wait_idle(self) -> None:
        with self.entered:
            assert self.entered.wait_for(lambda: self.running == 0, WAIT), self.started

    def wait_started(self, count: int) -> None:
        with self.entered:
            assert self.entered.wait_for(lambda: len(self.started) >= count, WAIT), self.started


class EchoAction:
    """test:echo: its inputs are its outputs."""

    name: ClassVar[str] = "test:echo"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        return None

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        return dict(inputs)


class FailAction:
    """test:fail: fails its first `Failures` runs (all when not given), then succeeds."""

    name: ClassVar[str] = "test:fail"

    def __init__(self) -> None:
        self.runs = 0

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        return None

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        self.runs += 1
        if self.runs <= int(inputs.get("Failures", 1_000_000)):
            raise StepFailed(f"failure {self.runs}")
        return {"Runs": self.runs}


class Runbooks:
    """The engine's `RunbookSource` over a table the test fills."""

    def __init__(self) -> None:
        self.contents: dict[str, dict] = {}

    def add(self, steps: list[dict], parameters: dict | None = None, **extra: Any) -> str:
        name = f"rb-{uuid.uuid4().hex[:8]}"
        self.contents[name] = {
            "schemaVersion": "0.3",
            "parameters": parameters or {},
            "mainSteps": steps,
            **extra,
        }
        return name

    def load(self, account_id: str, region: str, name: str, version: str | None) -> LoadedRunbook:
        from localstack.aws.api.ssm import AutomationDefinitionNotFoundException

        if name not in self.contents:
            raise AutomationDefinitionNotFoundException(name)
        return LoadedRunbook(name, "1", parse_runbook(self.contents[name]))


class NoClients:
    def client(self, service_name: str) -> Any:
        raise AssertionError(f"no AWS client in these tests ({service_name})")


class NoClientFactory:
    def clients(self, account_id: str, region: str, assume_role: str) -> NoClients:
        return NoClients()


class Recorder:
    """The `AutomationObserver`: every change in order; tests wait for one."""

    def __init__(self) -> None:
        self.changes: list[tuple[str, str, str]] = []
        self._condition = threading.Condition()

    def execution_changed(self, account_id: str, region: str, execution: Execution) -> None:
        with self._condition:
            self.changes.append((execution.execution_id, "", execution.status))
            self._condition.notify_all()

    def step_changed(
        self, account_id: str, region: str, execution: Execution, step: StepRecord
    ) -> None:
        with self._condition:
            self.changes.append((execution.execution_id, step.step_name, step.status))
            self._condition.notify_all()

    def wait_for(self, execution_id: str, status: str, step: str = "") -> None:
        with self._condition:
            assert self._condition.wait_for(
                lambda: (execution_id, step, status) in self.changes, WAIT
            ), self.changes

    def wait_until(self, condition: Callable[[], bool]) -> None:
        with self._condition:
            assert self._condition.wait_for(condition, WAIT), self.changes

    def statuses(self, execution_id: str, step: str = "") -> list[str]:
        with self._condition:
            return [s for e, n, s in self.changes if e == execution_id and n == step]


class Harness:
    """An engine over the fakes, in an account of its own."""

    def __init__(self, clock: Clock, workers: int = 8) -> None:
        self.gate = GateAction()
        self.fail = FailAction()
        self.runbooks = Runbooks()
        self.recorder = Recorder()
        self.account_id = f"{uuid.uuid4().int % 10**12:012d}"
        self.region = "us-east-1"
        actions = {
            **actions_by_name(),
            **{a.name: a for a in (self.gate, EchoAction(), self.fail)},
        }
        self.engine = AutomationEngine(
            actions,
            self.runbooks,
            NoClientFactory(),
            clock,
            WorkerPool(workers, "test-automation"),
            observer=self.recorder,
        )

    def record(self, execution_id: str) -> Execution:
        return automation_stores[self.account_id][self.region].executions[execution_id]

    def finished(self, execution_id: str) -> Execution:
        self.recorder.wait_until(lambda: self.record(execution_id).is_terminal)
        return self.record(execution_id)

    def start(
        self, name: str, parameters: dict[str, list[str]] | None = None, **request: Any
    ) -> str:
        loaded = self.runbooks.load(self.account_id, self.region, name, None)
        return self.engine.start(
            StartRequest(
                self.account_id,
                self.region,
                loaded,
                bind_parameters(loaded.runbook, parameters),
                "arn:aws:iam::000000000000:root",
                **request,
            )
        )


def steps(record: Execution) -> list[tuple[str, str]]:
    return [(s.step_name, s.status) for s in record.steps]
