"""ListAssociations, DescribeAssociationExecutions and DescribeAssociationExecutionTargets
filters, as predicates over the read-side views."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from localstack.aws.api.ssm import (
    AssociationExecutionFilterKey,
    AssociationExecutionTargetsFilterKey,
    AssociationFilterKey,
    AssociationFilterOperatorType,
    ValidationException,
)

from localstack_ssm_docker.ssm.associations.queries import (
    AssociationView,
    ExecutionView,
    targets_instance,
)
from localstack_ssm_docker.ssm.associations.status import TargetResult

type Predicate[T] = Callable[[T], bool]


def _time(value: str) -> float:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationException(f"Filter value {value} is not a valid time.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _equals[T](read: Callable[[T], Any], value: Any) -> Predicate[T]:
    return lambda item: read(item) == value


def _all[T](checks: list[Predicate[T]]) -> Predicate[T]:
    return lambda item: all(check(item) for check in checks)


def _in_resource_group(view: AssociationView, name: str) -> bool:
    return any(
        t.get("Key") == "resource-groups:Name" and name in (t.get("Values") or [])
        for t in view.record.latest.get("Targets", [])
    )


def _association_check(key: str | None, value: str) -> Predicate[AssociationView]:
    if key == AssociationFilterKey.InstanceId:
        return lambda v: targets_instance(v.record, value) or value in v.record.applied
    if key == AssociationFilterKey.Name:
        return _equals(lambda v: v.record.latest.settings["Name"], value)
    if key == AssociationFilterKey.AssociationId:
        return _equals(lambda v: v.record.association_id, value)
    if key == AssociationFilterKey.AssociationName:
        return _equals(lambda v: v.record.latest.get("AssociationName"), value)
    if key == AssociationFilterKey.AssociationStatusName:
        return _equals(lambda v: v.overview.status, value)
    if key == AssociationFilterKey.LastExecutedBefore:
        before = _time(value)
        return lambda v: (v.last_execution or 0) < before
    if key == AssociationFilterKey.LastExecutedAfter:
        after = _time(value)
        return lambda v: v.last_execution is not None and v.last_execution > after
    if key == AssociationFilterKey.ResourceGroupName:
        return lambda v: _in_resource_group(v, value)
    raise ValidationException(f"Filter key {key} is not valid.")


def association_filter(filters: list) -> Predicate[AssociationView]:
    """ListAssociations' AssociationFilterList (keys ANDed)."""
    return _all([_association_check(f.get("key"), f.get("value") or "") for f in filters])


def _execution_check(key: str | None, value: str, kind: str | None) -> Predicate[ExecutionView]:
    if key == AssociationExecutionFilterKey.ExecutionId:
        return _equals(lambda v: v.execution.execution_id, value)
    if key == AssociationExecutionFilterKey.Status:
        return _equals(lambda v: v.status.status, value)
    if key == AssociationExecutionFilterKey.CreatedTime:
        when = _time(value)
        if kind == AssociationFilterOperatorType.LESS_THAN:
            return lambda v: v.execution.created_at < when
        if kind == AssociationFilterOperatorType.GREATER_THAN:
            return lambda v: v.execution.created_at > when
        return lambda v: int(v.execution.created_at) == int(when)
    raise ValidationException(f"Filter key {key} is not valid.")


def execution_filter(filters: list) -> Predicate[ExecutionView]:
    """DescribeAssociationExecutions' Filters (Key, Value, Type)."""
    return _all(
        [_execution_check(f.get("Key"), f.get("Value") or "", f.get("Type")) for f in filters]
    )


def _target_check(key: str | None, value: str) -> Predicate[TargetResult]:
    if key == AssociationExecutionTargetsFilterKey.Status:
        return _equals(lambda r: r.status, value)
    if key == AssociationExecutionTargetsFilterKey.ResourceId:
        return _equals(lambda r: r.instance_id, value)
    if key == AssociationExecutionTargetsFilterKey.ResourceType:
        return _equals(lambda r: r.resource_type, value)
    raise ValidationException(f"Filter key {key} is not valid.")


def target_filter(filters: list) -> Predicate[TargetResult]:
    """DescribeAssociationExecutionTargets' Filters."""
    return _all([_target_check(f.get("Key"), f.get("Value") or "") for f in filters])
