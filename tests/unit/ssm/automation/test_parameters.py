"""StartAutomationExecution's Parameters against the document's declarations."""

import pytest
from localstack.aws.api.ssm import InvalidAutomationExecutionParametersException

from localstack_ssm_docker.ssm.automation.parameters import bind_parameters
from localstack_ssm_docker.ssm.automation.references import resolve
from localstack_ssm_docker.ssm.automation.runbook import parse_runbook

RUNBOOK = parse_runbook(
    {
        "schemaVersion": "0.3",
        "parameters": {
            "Name": {"type": "String", "allowedValues": ["a", "b"]},
            "Count": {"type": "Integer", "default": 2},
            "Ids": {"type": "StringList", "default": []},
            "On": {"type": "Boolean", "default": False},
            "Tags": {"type": "StringMap", "default": {}},
            "Code": {"type": "String", "default": "x1", "allowedPattern": "^x\\d$"},
        },
        "mainSteps": [{"name": "a", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
    }
)


def test_values_are_typed_and_defaults_filled_in():
    bound = bind_parameters(
        RUNBOOK, {"Name": ["a"], "Count": ["5"], "On": ["true"], "Tags": ['{"k": "v"}']}
    )
    assert bound.typed == {
        "Name": "a",
        "Count": 5,
        "Ids": [],
        "On": True,
        "Tags": {"k": "v"},
        "Code": "x1",
    }
    assert bound.as_given["Count"] == ["5"] and bound.as_given["Code"] == ["x1"]


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"Name": ["c"]},
        {"Name": ["a"], "Count": ["many"]},
        {"Name": ["a"], "On": ["maybe"]},
        {"Name": ["a"], "Code": ["y"]},
        {"Name": ["a"], "Extra": ["1"]},
        {"Name": ["a", "b"]},
    ],
)
def test_bad_values_get_invalid_automation_execution_parameters(given):
    with pytest.raises(InvalidAutomationExecutionParametersException):
        bind_parameters(RUNBOOK, given)


def test_a_whole_reference_keeps_its_type_and_an_embedded_one_becomes_text():
    values = {"Ids": ["i-1", "i-2"], "Count": 3}
    assert resolve({"A": "{{ Ids }}", "B": "n={{Count}}"}, values.__getitem__) == {
        "A": ["i-1", "i-2"],
        "B": "n=3",
    }
