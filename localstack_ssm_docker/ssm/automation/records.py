"""Automation executions and their step executions, per account and region, in a LocalStack
store.

Records are immutable: the engine stores a changed copy as the execution moves on (under the store's
lock), so a reader always sees a whole record. A step's raw `values` (typed as the action
returned them) feed later steps' references; the API shows them as lists of strings.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from localstack.aws.api.ssm import AutomationExecutionStatus as Status
from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

TERMINAL = frozenset({Status.Success, Status.Failed, Status.TimedOut, Status.Cancelled})
"""Statuses an execution or step never leaves."""

AUTO = "Auto"
INTERACTIVE = "Interactive"


@dataclass(frozen=True)
class StepRecord:
    """One run of one step."""

    step_execution_id: str
    step_name: str
    action: str
    on_failure: str
    max_attempts: int
    timeout_seconds: int | None
    is_end: bool
    is_critical: bool
    next_step: str | None
    status: Status = Status.Pending
    started_at: float | None = None
    ended_at: float | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    """The step's outputs as the action returned them."""
    failure_message: str = ""
    failure_type: str = ""

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def but(self, **changes: Any) -> "StepRecord":
        """This record with `changes`."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Execution:
    """One automation execution: its request and where it stands."""

    execution_id: str
    document_name: str
    document_version: str
    parameters: Mapping[str, list[str]]
    """The parameters as given, with the document's defaults added."""
    mode: str
    executed_by: str
    started_at: float
    status: Status = Status.Pending
    ended_at: float | None = None
    outputs: Mapping[str, list[str]] = field(default_factory=dict)
    failure_message: str = ""
    current_step_name: str = ""
    current_action: str = ""
    parent_id: str = ""
    target: str = ""
    target_parameter_name: str = ""
    targets: tuple[Mapping[str, Any], ...] = ()
    target_maps: tuple[Mapping[str, list[str]], ...] = ()
    resolved_targets: tuple[str, ...] = ()
    max_concurrency: str = ""
    max_errors: str = ""
    tags: tuple[Mapping[str, str], ...] = ()
    steps: tuple[StepRecord, ...] = ()
    children: tuple[str, ...] = ()
    """Rate control's child executions, in the order they were created."""
    association_id: str = ""
    """The State Manager association that started it, when one did."""

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def but(self, **changes: Any) -> "Execution":
        """This record with `changes`."""
        return replace(self, **changes)

    def with_step(self, step: StepRecord) -> "Execution":
        """This record with `step` added, or in the place of the record of the same id."""
        kept = [s for s in self.steps if s.step_execution_id != step.step_execution_id]
        if len(kept) == len(self.steps):
            return replace(self, steps=(*self.steps, step))
        return replace(
            self,
            steps=tuple(
                step if s.step_execution_id == step.step_execution_id else s for s in self.steps
            ),
        )


class AutomationStore(BaseStore):
    """Executions by id, in the order they started, and the idempotency tokens that started
    them."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    executions: dict[str, Execution] = LocalAttribute(default=dict)  # type: ignore[assignment]
    client_tokens: dict[str, tuple[str, str]] = LocalAttribute(default=dict)  # type: ignore[assignment]
    """StartAutomationExecution's ClientToken (lower case) → (the request's fingerprint, the
    execution it started)."""


automation_stores: AccountRegionBundle[AutomationStore] = AccountRegionBundle(
    "ssm", AutomationStore
)
