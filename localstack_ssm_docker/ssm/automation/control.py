"""What the control actions (aws:pause, aws:approve, aws:branch, aws:executeAutomation) may ask
of the engine that runs their step: a signal sent to the execution, the next step, a nested
execution. The engine hands them a `ControlledStepContext`; every other action sees only the
`StepContext` of actions/base.py, so the engine alone decides control flow and owns the records.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from localstack_ssm_docker.ssm.automation.actions.base import StepContext


@dataclass(frozen=True)
class Signal:
    """A SendAutomationSignal the execution received."""

    signal_type: str
    payload: Mapping[str, list[str]]
    sender: str


@dataclass(frozen=True)
class NestedResult:
    """How a nested execution (aws:executeAutomation) ended."""

    execution_id: str
    status: str
    outputs: Mapping[str, list[str]]
    failure_message: str


class StepControl(Protocol):
    """The engine, as a control action's step sees it."""

    def wait_for_signal(self, accepted: frozenset[str]) -> Signal | None:
        """The next signal of an `accepted` type; the execution shows Waiting meanwhile. None
        when the step is cancelled (StopAutomationExecution, its timeout) first."""
        ...

    def go_to(self, step_name: str) -> None:
        """The step to run after this one (aws:branch's choice)."""
        ...

    def run_nested(
        self, document_name: str, document_version: str | None, parameters: Mapping[str, list[str]]
    ) -> NestedResult:
        """Runs the runbook as a child execution to its end (cancelled with this step)."""
        ...


@dataclass(frozen=True)
class ControlledStepContext(StepContext):
    """The context of a step whose action is one of the engine's control actions."""

    control: StepControl
