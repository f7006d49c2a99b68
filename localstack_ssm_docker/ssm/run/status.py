"""Statuses as the SSM agent and service derive them: per invocation from the exit code, per
command from its invocations.

Statuses are LocalStack's generated enums (`CommandInvocationStatus`, `CommandStatus`); the
StatusDetails values the API model has no enum for are named here, and only here.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from localstack.aws.api.ssm import CommandInvocationStatus as Status
from localstack.aws.api.ssm import CommandStatus

from localstack_ssm_docker.ssm.models import Invocation, Result

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

    status: Status
    status_details: str
    stderr_note: str = ""
    stdout_note: str = ""


def outcome_of_exit_code(exit_code: int, cancel_requested: bool = False) -> Outcome:
    """The agent's reading of a script's exit code.

    137 (SIGKILL) is a timeout, or a cancel when one was asked; 168 forces Success (the
    ResponseCode stays 168); any other non-zero code is a failure, noted on stderr.
    """
    if exit_code == 0:
        return Outcome(Status.Success, Status.Success)
    if exit_code == KILLED_EXIT_CODE:
        if cancel_requested:
            return Outcome(Status.Cancelled, Status.Cancelled)
        return Outcome(Status.TimedOut, EXECUTION_TIMED_OUT)
    if exit_code == FORCE_SUCCESS_EXIT_CODE:
        # *unverified*: the wording of the agent's note for exit code 168
        note = f"The step exited with {exit_code}: it is marked Success as the exit code asks."
        return Outcome(Status.Success, Status.Success, stdout_note=note)
    return Outcome(
        Status.Failed, Status.Failed, stderr_note=f"failed to run commands: exit status {exit_code}"
    )


def is_error(invocation: Invocation) -> bool:
    """Whether the invocation counts against MaxErrors (Failed or ExecutionTimedOut, but not
    Undeliverable, which is not the command's fault)."""
    return _is_error(invocation.result)


@dataclass(frozen=True)
class CommandSummary:
    """A command's status and counters, derived from its invocations."""

    status: CommandStatus
    status_details: str
    target_count: int
    completed_count: int
    error_count: int
    delivery_timed_out_count: int


def summarize(invocations: Iterable[Invocation], max_errors: int) -> CommandSummary:
    """The command-level status and counters for these invocations.

    Cancelling while any invocation is; Success when all ended in Success; Failed when
    `max_errors` or more failed (any error when it is 0; TimedOut when all of them timed out);
    Cancelled when one was cancelled; otherwise Incomplete.
    """
    results = [i.result for i in invocations]
    completed = [r for r in results if r.is_terminal]
    errors = sum(1 for i in results if _is_error(i))
    delivery_timed_out = sum(1 for r in results if r.status_details == DELIVERY_TIMED_OUT)
    status: CommandStatus
    details: str
    if not results:
        # *unverified*: Success with NoInstancesInTag when no instance matched
        status, details = CommandStatus.Success, NO_INSTANCES_IN_TAG
    elif any(r.status == Status.Cancelling for r in results):
        status = CommandStatus.Cancelling
        details = status
    elif len(completed) < len(results):
        started = any(r.status != Status.Pending for r in results)
        status = CommandStatus.InProgress if started else CommandStatus.Pending
        details = status
    elif all(r.status == Status.Success for r in results):
        status = CommandStatus.Success
        details = status
    elif errors >= max(max_errors, 1):
        timeouts = sum(1 for r in results if r.status_details == EXECUTION_TIMED_OUT)
        status, details = (
            (CommandStatus.TimedOut, EXECUTION_TIMED_OUT)
            if timeouts == errors
            else (CommandStatus.Failed, CommandStatus.Failed)
        )
    elif any(r.status_details == Status.Cancelled for r in results):
        status = CommandStatus.Cancelled
        details = status
    # *unverified*: the Status that goes with Incomplete (the enum has no such value): TimedOut
    # when an invocation timed out, else Failed, so that callers checking for Success are not
    # misled
    elif any(r.status == Status.TimedOut for r in results):
        status, details = CommandStatus.TimedOut, INCOMPLETE
    else:
        status, details = CommandStatus.Failed, INCOMPLETE
    return CommandSummary(
        status=status,
        status_details=details,
        target_count=len(results),
        completed_count=len(completed),
        error_count=errors,
        delivery_timed_out_count=delivery_timed_out,
    )


def _is_error(result: Result) -> bool:
    if result.status_details == EXECUTION_TIMED_OUT:
        return True
    return result.status == Status.Failed and result.status_details == Status.Failed


def max_errors_for(value: str, total: int) -> int:
    """Errors allowed before no more invocations start: "10" or "10%" of `total`.

    *unverified*: a percentage rounds down.
    """
    if value.endswith("%"):
        return total * int(value[:-1]) // 100
    return int(value)


def max_concurrency_for(value: str, total: int) -> int:
    """Invocations allowed to run at once: "10" or "10%" of `total` (at least 1).

    *unverified*: a percentage rounds up.
    """
    if value.endswith("%"):
        return max(1, math.ceil(total * int(value[:-1]) / 100))
    return int(value)
