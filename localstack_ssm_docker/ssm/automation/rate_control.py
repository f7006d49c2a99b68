"""Rate control's rule: which child executions a rate-controlled execution starts and when, and
how it ends. One child per target value (or target map); at most MaxConcurrency run at once;
once more than MaxErrors have failed no more start; the parent ends when none runs and none is
left to start: Cancelled when stopped, Failed past MaxErrors, else Success.

The engine creates and runs the children; this module only counts (the engine calls it under its
lock)."""

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from localstack.aws.api.ssm import AutomationExecutionStatus as Status

from localstack_ssm_docker.ssm.automation.references import as_text
from localstack_ssm_docker.ssm.run.status import max_concurrency_for, max_errors_for

DEFAULT_MAX_CONCURRENCY = "10"
DEFAULT_MAX_ERRORS = "0"

type ChildParameters = Mapping[str, list[str]]


def child_sets(
    target_parameter: str,
    values: list[str],
    target_maps: tuple[Mapping[str, list[str]], ...],
) -> list[tuple[str, ChildParameters]]:
    """Each child's target (as its record shows it) and the parameters it gets on top of the
    parent's."""
    if target_maps:
        return [(as_text(dict(m)), dict(m)) for m in target_maps]
    return [(v, {target_parameter: [v]}) for v in values]


@dataclass
class RateControl:
    """The children of one rate-controlled execution, counted."""

    pending: deque[tuple[str, ChildParameters]]
    max_concurrency: int
    max_errors: int
    max_errors_text: str
    running: int = 0
    errors: int = 0
    stopped: bool = False
    children: list[Any] = field(default_factory=list)
    """The engine's handles of the children started, in order."""

    @classmethod
    def of(
        cls, sets: list[tuple[str, ChildParameters]], max_concurrency: str, max_errors: str
    ) -> "RateControl":
        total = len(sets)
        errors_text = max_errors or DEFAULT_MAX_ERRORS
        return cls(
            deque(sets),
            max_concurrency_for(max_concurrency or DEFAULT_MAX_CONCURRENCY, total),
            max_errors_for(errors_text, total) if total else 0,
            errors_text,
        )

    def next_child(self) -> tuple[str, ChildParameters] | None:
        """The next child to start at this point (counted as running), or None when none may."""
        if self.stopped or self.errors > self.max_errors or not self.pending:
            return None
        if self.running >= self.max_concurrency:
            return None
        self.running += 1
        return self.pending.popleft()

    def not_started(self) -> None:
        """The child `next_child` gave could not start: it counts as an error."""
        self.running -= 1
        self.errors += 1

    def ended(self, status: str) -> None:
        """A child ended with `status`."""
        self.running -= 1
        if status != Status.Success:
            self.errors += 1

    def stop(self) -> None:
        """No more children start."""
        self.stopped = True
        self.pending.clear()

    @property
    def done(self) -> bool:
        """Whether the parent has ended: nothing runs and nothing more will start."""
        blocked = self.stopped or self.errors > self.max_errors
        return self.running == 0 and (blocked or not self.pending)

    def outcome(self) -> tuple[Status, str]:
        """The parent's status and FailureMessage once `done`."""
        if self.stopped:
            return Status.Cancelled, ""
        if self.errors > self.max_errors:
            return (
                Status.Failed,
                f"{self.errors} child executions failed (MaxErrors {self.max_errors_text}).",
            )
        return Status.Success, ""
