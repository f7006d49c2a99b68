"""ListCommands' and ListCommandInvocations' Filters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from localstack.aws.api.ssm import (
    CommandFilter,
    CommandFilterKey,
    CommandStatus,
    InvalidFilterKey,
    ValidationException,
)

from localstack_ssm_docker.ssm.models import TERMINAL_STATUSES

STATUSES = frozenset(CommandStatus)
EXECUTION_STAGES = {"Executing", "Complete"}


@dataclass(frozen=True)
class Item:
    """What a filter looks at, of a command or an invocation; the status is derived only when a
    filter asks for it (a command's costs a pass over its invocations)."""

    requested_at: float
    status: Callable[[], str]
    document_name: str


def build_filter(
    filters: list[CommandFilter] | None, allow_execution_stage: bool
) -> Callable[[Item], bool]:
    """One predicate for all filters (ANDed); InvalidFilterKey for keys the operation lacks."""
    predicates = [_predicate(f["key"], f["value"], allow_execution_stage) for f in filters or []]
    return lambda item: all(p(item) for p in predicates)


def _predicate(key: str, value: str, allow_execution_stage: bool) -> Callable[[Item], bool]:
    if key == CommandFilterKey.InvokedAfter:
        after = _timestamp(key, value)
        return lambda item: item.requested_at >= after
    if key == CommandFilterKey.InvokedBefore:
        before = _timestamp(key, value)
        return lambda item: item.requested_at <= before
    if key == CommandFilterKey.Status:
        if value not in STATUSES:
            raise ValidationException(f"The value {value} is not valid for the filter key Status.")
        return lambda item: item.status() == value
    if key == CommandFilterKey.DocumentName:
        return lambda item: item.document_name == value
    if key == CommandFilterKey.ExecutionStage and allow_execution_stage:
        if value not in EXECUTION_STAGES:
            raise ValidationException(
                f"The value {value} is not valid for the filter key ExecutionStage."
            )
        complete = value == "Complete"
        return lambda item: (item.status() in TERMINAL_STATUSES) == complete
    raise InvalidFilterKey(f"The filter key {key} is not valid.")


def _timestamp(key: str, value: str) -> float:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationException(
            f"The value {value} of filter {key} is not a timestamp like 2024-01-31T00:00:00Z."
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
