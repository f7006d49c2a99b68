"""Statuses as the SSM agent and service derive them: per invocation from the exit code, per
command from its invocations."""

from collections.abc import Iterable
from dataclasses import dataclass

from localstack_ssm_docker.ssm.models import (
    FAILED,
    IN_PROGRESS,
    PENDING,
    SUCCESS,
    TIMED_OUT,
    Invocation,
)

DELIVERY_TIMED_OUT = "DeliveryTimedOut"
EXECUTION_TIMED_OUT = "ExecutionTimedOut"
INCOMPLETE = "Incomplete"


@dataclass(frozen=True)
class Outcome:
    """How an invocation ended."""

    status: str
    status_details: str
    stderr_note: str = ""


def outcome_of_exit_code(exit_code: int) -> Outcome:
    """Status, details and the agent's note on stderr for a script's exit code."""
    if exit_code == 0:
        return Outcome(SUCCESS, SUCCESS)
    return Outcome(FAILED, FAILED, f"failed to run commands: exit status {exit_code}")


@dataclass(frozen=True)
class CommandSummary:
    """A command's status and counters, derived from its invocations."""

    status: str
    status_details: str
    target_count: int
    completed_count: int
    error_count: int
    delivery_timed_out_count: int


def summarize(invocations: Iterable[Invocation], max_errors: int) -> CommandSummary:
    """The command-level status and counters for these invocations.

    Success when all ended in Success; Failed when `max_errors` or more failed (any error when
    it is 0); Incomplete when all ended, some not in Success, but too few failed. *Unverified*:
    the Status that goes with Incomplete (the enum has no such value); we say TimedOut when an
    execution timed out and Failed otherwise, so that callers checking for Success are not misled.
    """
    items = list(invocations)
    completed = [i for i in items if i.is_terminal]
    errors = sum(1 for i in items if i.status == FAILED or i.status_details == EXECUTION_TIMED_OUT)
    delivery_timed_out = sum(1 for i in items if i.status_details == DELIVERY_TIMED_OUT)
    if len(completed) < len(items):
        started = any(i.status != PENDING for i in items)
        status = IN_PROGRESS if started else PENDING
        details = status
    elif all(i.status == SUCCESS for i in items):
        status = details = SUCCESS
    elif errors >= max(max_errors, 1):
        status = details = FAILED
    elif any(i.status_details == EXECUTION_TIMED_OUT for i in items):
        status, details = TIMED_OUT, INCOMPLETE
    else:
        status, details = FAILED, INCOMPLETE
    return CommandSummary(
        status=status,
        status_details=details,
        target_count=len(items),
        completed_count=len(completed),
        error_count=errors,
        delivery_timed_out_count=delivery_timed_out,
    )


def limit_for(value: str, total: int) -> int:
    """A count from a MaxErrors/MaxConcurrency value ("10" or "10%") of `total` targets."""
    if value.endswith("%"):
        return total * int(value[:-1]) // 100
    return int(value)
