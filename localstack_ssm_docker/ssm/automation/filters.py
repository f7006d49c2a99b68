"""DescribeAutomationExecutions' and DescribeAutomationStepExecutions' Filters as predicates;
a filter key or value AWS would refuse is refused the same way."""

from collections.abc import Callable
from datetime import datetime

from localstack.aws.api.ssm import InvalidFilterKey, InvalidFilterValue

from localstack_ssm_docker.ssm.automation.records import Execution, StepRecord

type ExecutionPredicate = Callable[[Execution], bool]
type StepPredicate = Callable[[StepRecord], bool]


def _time(value: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise InvalidFilterValue(f"The filter value {value} is not a valid time.") from None


def _predicates[P](filters: list | None, predicate: Callable[[str, list[str]], P]) -> list[P]:
    """One predicate per filter, each passing what matches any of its filter's values."""
    predicates: list[P] = []
    for f in filters or []:
        key, values = f["Key"], list(f.get("Values") or [])
        if not values:
            raise InvalidFilterValue(f"Filter {key} needs at least one value.")
        predicates.append(predicate(key, values))
    return predicates


def execution_predicates(filters: list | None) -> list[ExecutionPredicate]:
    """One predicate per filter; an execution passes if it matches any of a filter's values."""
    return _predicates(filters, _execution_predicate)


def _execution_predicate(key: str, values: list[str]) -> ExecutionPredicate:
    match key:
        case "DocumentNamePrefix":
            return lambda e: any(e.document_name.startswith(v) for v in values)
        case "ExecutionStatus":
            return lambda e: e.status in values
        case "ExecutionId":
            return lambda e: e.execution_id in values
        case "ParentExecutionId":
            return lambda e: e.parent_id in values
        case "CurrentAction":
            return lambda e: e.current_action in values
        case "StartTimeBefore":
            before = _time(values[0])
            return lambda e: e.started_at < before
        case "StartTimeAfter":
            after = _time(values[0])
            return lambda e: e.started_at > after
        case "AutomationType":
            return lambda e: "Local" in values
        case "TagKey":
            return lambda e: any(t.get("Key") in values for t in e.tags)
        case "TargetResourceGroup" | "AutomationSubtype" | "OpsItemId":
            return lambda e: False
    raise InvalidFilterKey(f"The filter key {key} is not valid.")


def step_predicates(filters: list | None) -> list[StepPredicate]:
    """One predicate per filter; a step passes if it matches any of a filter's values."""
    return _predicates(filters, _step_predicate)


def _step_predicate(key: str, values: list[str]) -> StepPredicate:
    match key:
        case "StepExecutionStatus":
            return lambda s: s.status in values
        case "StepExecutionId":
            return lambda s: s.step_execution_id in values
        case "StepName":
            return lambda s: s.step_name in values
        case "Action":
            return lambda s: s.action in values
        case "StartTimeBefore":
            before = _time(values[0])
            return lambda s: s.started_at is not None and s.started_at < before
        case "StartTimeAfter":
            after = _time(values[0])
            return lambda s: s.started_at is not None and s.started_at > after
        case "ParentStepExecutionId" | "ParentStepIteration" | "ParentStepIteratorValue":
            return lambda s: False
    raise InvalidFilterKey(f"The filter key {key} is not valid.")
