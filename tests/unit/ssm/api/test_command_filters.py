import pytest
from localstack.aws.api.ssm import InvalidFilterKey, ValidationException

from localstack_ssm_docker.ssm.api.command_filters import Item, build_filter

ITEMS = {
    "old": Item(1_600_000_000.0, lambda: "Success", "AWS-RunShellScript"),
    "new": Item(1_800_000_000.0, lambda: "InProgress", "AWS-RunShellScript"),
    "other": Item(1_800_000_000.0, lambda: "Failed", "Other-Doc"),
}


def matching(filters, stage=True) -> set[str]:
    predicate = build_filter(filters, allow_execution_stage=stage)
    return {name for name, item in ITEMS.items() if predicate(item)}


def test_time_status_document_and_stage_filters():
    assert matching([{"key": "InvokedAfter", "value": "2025-01-01T00:00:00Z"}]) == {"new", "other"}
    assert matching([{"key": "InvokedBefore", "value": "2025-01-01T00:00:00"}]) == {"old"}
    assert matching([{"key": "Status", "value": "Failed"}]) == {"other"}
    assert matching([{"key": "DocumentName", "value": "Other-Doc"}]) == {"other"}
    assert matching([{"key": "ExecutionStage", "value": "Executing"}]) == {"new"}
    assert matching([{"key": "ExecutionStage", "value": "Complete"}]) == {"old", "other"}


def test_filters_are_anded():
    filters = [
        {"key": "InvokedAfter", "value": "2025-01-01T00:00:00Z"},
        {"key": "DocumentName", "value": "AWS-RunShellScript"},
    ]
    assert matching(filters) == {"new"}


def test_execution_stage_only_where_allowed():
    with pytest.raises(InvalidFilterKey):
        build_filter([{"key": "ExecutionStage", "value": "Complete"}], allow_execution_stage=False)


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("Colour", "red", InvalidFilterKey),
        ("Status", "Sleeping", ValidationException),
        ("InvokedAfter", "yesterday", ValidationException),
        ("ExecutionStage", "Later", ValidationException),
    ],
)
def test_bad_filters(key, value, error):
    with pytest.raises(error):
        build_filter([{"key": key, "value": value}], allow_execution_stage=True)
