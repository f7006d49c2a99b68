"""Statuses as the SSM agent and service derive them: per invocation from the exit code, per
command from its invocations."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from localstack_ssm_docker.ssm.models import (
    CANCELLED,
    CANCELLING,
    FAILED,
    IN_PROGRESS,
    PENDING,
    SUCCESS,
    TIMED_OUT,
    Invocation,
)

DELIVERY_TIMED_OUT = "DeliveryTimedOut"
EXECUTION_TIMED_OUT = "ExecutionTimedOut"
UNDELIVERABLE = "Undeliverable"
TERMINATED = "Terminated"
SKIPPED = "Skipped"
INCOMPLETE = "Incomplete"
NO_INSTANCES_IN_TAG = "NoInstancesInTag"

KILLED_EXIT_CODE = 137
FORCE_SUCCESS_EXIT_CODE = 168
FAIL_STOP_EXIT_CODE = 169
REBOOT_EXIT_CODE = 194


@dataclass(frozen=True)
class Outcome:
    """How an invocation ended, with the notes the agent adds to its output."""

    status: str
    status_details: str
    stderr_note: str = ""
    stdout_note: str = ""


def outcome_of_exit_code(exit_code: int, cancel_requested: bool = False) -> Outcome:
    """The agent's reading of a script's exit code.

    137 (SIGKILL) is a timeout, or a cancel when one was asked; 168 forces Success (the
    ResponseCode stays 168); any other non-zero code is a failure, noted on stderr.
    """
    if exit_code == 0:
        return Outcome(SUCCESS, SUCCESS)
    if exit_code == KILLED_EXIT_CODE:
        if cancel_requested:
            return Outcome(CANCELLED, CANCELLED)
        return Outcome(TIMED_OUT, EXECUTION_TIMED_OUT)
    if exit_code == FORCE_SUCCESS_EXIT_CODE:
        # *unverified*: the wording of the agent's note
        note = f"The step exited with {exit_code}: it is marked Success as the exit code asks."
        return Outcome(SUCCESS, SUCCESS, stdout_note=note)
    return Outcome(FAILED, FAILED, stderr_note=f"failed to run commands: exit status {exit_code}")


def is_error(invocation: Invocation) -> bool:
    """Whether the invocation counts against MaxErrors (Failed or ExecutionTimedOut, but not
    Undeliverable, which is not the command's fault)."""
    if invocation.status_details == EXECUTION_TIMED_OUT:
        return True
    return invocation.status == FAILED and invocation.status_details == FAILED


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

    Cancelling while any invocation is; Success when all ended in Success; Failed when
    `max_errors` or more failed (any error when it is 0; TimedOut when all of them timed out);
    Cancelled when one was cancelled;
    otherwise Incomplete. *Unverified*: the Status that goes with Incomplete (the enum has no
    such value): TimedOut when an invocation timed out, else Failed, so that callers checking
    for Success are not misled; and Success with NoInstancesInTag when no instance matched.
    """
    items = list(invocations)
    completed = [i for i in items if i.is_terminal]
    errors = sum(1 for i in items if is_error(i))
    delivery_timed_out = sum(1 for i in items if i.status_details == DELIVERY_TIMED_OUT)
    if not items:
        status, details = SUCCESS, NO_INSTANCES_IN_TAG
    elif any(i.status == CANCELLING for i in items):
        status = details = CANCELLING
    elif len(completed) < len(items):
        status = IN_PROGRESS if any(i.status != PENDING for i in items) else PENDING
        details = status
    elif all(i.status == SUCCESS for i in items):
        status = details = SUCCESS
    elif errors >= max(max_errors, 1):
        timeouts = sum(1 for i in items if i.status_details == EXECUTION_TIMED_OUT)
        status, details = (
            (TIMED_OUT, EXECUTION_TIMED_OUT) if timeouts == errors else (FAILED, FAILED)
        )
    elif any(i.status_details == CANCELLED for i in items):
        status = details = CANCELLED
    elif any(i.status == TIMED_OUT for i in items):
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


def max_errors_for(value: str, total: int) -> int:
    """Errors allowed before no more invocations start: "10" or "10%" of `total` (rounded down)."""
    if value.endswith("%"):
        return total * int(value[:-1]) // 100
    return int(value)


def max_concurrency_for(value: str, total: int) -> int:
    """Invocations allowed to run at once: "10" or "10%" of `total` (rounded up, at least 1)."""
    if value.endswith("%"):
        return max(1, math.ceil(total * int(value[:-1]) / 100))
    return int(value)
