from datetime import UTC, datetime

import pytest

from localstack_ssm_docker.ssm.automation.actions.base import (
    DeclaredOutput,
    InvalidStep,
    StepFailed,
)
from localstack_ssm_docker.ssm.automation.actions.selectors import (
    check_declared,
    outputs_of,
    parse,
    select,
)

RESPONSE = {
    "Reservations": [
        {"Instances": [{"InstanceId": "i-1", "State": {"Name": "running", "Code": 16}}]},
        {"Instances": [{"InstanceId": "i-2", "State": {"Name": "stopped", "Code": 80}}]},
    ],
    "Tags": [{"Key": "a", "Value": "1"}],
    "Flag": True,
    "When": datetime(2026, 12, 3, tzinfo=UTC),
}


def test_a_path_of_names_and_indexes_selects_one_value():
    assert select(RESPONSE, parse("$.Reservations[0].Instances[0].InstanceId")) == (True, "i-1")
    assert select(RESPONSE, parse("$['Reservations'][-1].Instances[0].State.Name")) == (
        True,
        "stopped",
    )


def test_a_deep_scan_or_wildcard_selects_a_list():
    assert select(RESPONSE, parse("$.Reservations..InstanceId")) == (True, ["i-1", "i-2"])
    assert select(RESPONSE, parse("$.Tags[*].Key")) == (True, ["a"])


def test_a_path_that_matches_nothing_reports_no_match():
    assert select(RESPONSE, parse("$.Reservations[5].Instances[0].InstanceId")) == (False, None)


def test_a_malformed_selector_is_refused():
    for bad in ("Reservations[0]", "$.Reservations[", "$..", "$ .x"):
        with pytest.raises(ValueError):
            parse(bad)


def test_outputs_take_the_declared_types():
    outputs = outputs_of(
        RESPONSE,
        (
            DeclaredOutput("Id", "$.Reservations[0].Instances[0].InstanceId", "String"),
            DeclaredOutput("Ids", "$.Reservations..InstanceId", "StringList"),
            DeclaredOutput("Code", "$.Reservations[0].Instances[0].State.Code", "Integer"),
            DeclaredOutput("Flag", "$.Flag", "Boolean"),
            DeclaredOutput("Tags", "$.Tags", "MapList"),
            DeclaredOutput("State", "$.Reservations[1].Instances[0].State", "StringMap"),
            DeclaredOutput("When", "$.When", "String"),
            DeclaredOutput("Missing", "$.Nothing", "String"),
        ),
    )
    assert outputs == {
        "Id": "i-1",
        "Ids": ["i-1", "i-2"],
        "Code": 16,
        "Flag": True,
        "Tags": [{"Key": "a", "Value": "1"}],
        "State": {"Name": "stopped", "Code": 80},
        "When": "2026-12-03T00:00:00+00:00",
    }


def test_a_value_of_another_kind_than_the_declared_type_fails_the_step():
    with pytest.raises(StepFailed, match="Output Ids"):
        outputs_of(RESPONSE, (DeclaredOutput("Ids", "$.Reservations", "StringList"),))
    with pytest.raises(StepFailed, match="not a Boolean"):
        outputs_of(RESPONSE, (DeclaredOutput("Flag", "$.Tags[0].Value", "Boolean"),))


def test_declared_outputs_with_a_bad_selector_or_type_are_refused_naming_the_step():
    check_declared("find", [{"Name": "Id", "Selector": "$.Id", "Type": "String"}])
    with pytest.raises(InvalidStep, match="Step find: output Id: selector 'Id'"):
        check_declared("find", [{"Name": "Id", "Selector": "Id", "Type": "String"}])
    with pytest.raises(InvalidStep, match="Step find: output Id has Type Text"):
        check_declared("find", [{"Name": "Id", "Selector": "$.Id", "Type": "Text"}])
