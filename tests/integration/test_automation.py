"""Automation runbooks through boto3 against the real LocalStack: the control actions, control
flow, signals, Stop, Interactive mode and bad input."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import automation_finished, automation_reaches


def create_runbook(ssm, steps: list[dict], parameters: dict | None = None, **extra) -> str:
    """An Automation document of `steps` in the test's account; its name."""
    name = f"runbook-{uuid.uuid4().hex[:10]}"
    content = {"schemaVersion": "0.3", "parameters": parameters or {}, "mainSteps": steps, **extra}
    ssm.create_document(
        Name=name, Content=json.dumps(content), DocumentType="Automation", DocumentFormat="JSON"
    )
    return name


def sleep_step(name: str, duration: str = "PT0S", **fields) -> dict:
    return {"name": name, "action": "aws:sleep", "inputs": {"Duration": duration}, **fields}


def steps_of(ssm, execution_id: str) -> list[tuple[str, str]]:
    listed = ssm.describe_automation_step_executions(AutomationExecutionId=execution_id)
    return [(s["StepName"], s["StepStatus"]) for s in listed["StepExecutions"]]


def test_a_runbook_of_sleeps_runs_every_step_in_order_to_success(ssm):
    name = create_runbook(ssm, [sleep_step("first"), sleep_step("second", "PT1S")])
    execution_id = ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert execution["DocumentName"] == name
    assert [s["StepName"] for s in execution["StepExecutions"]] == ["first", "second"]
    second = execution["StepExecutions"][1]
    assert (second["ExecutionEndTime"] - second["ExecutionStartTime"]).total_seconds() >= 1
    assert steps_of(ssm, execution_id) == [("first", "Success"), ("second", "Success")]
    listed = ssm.describe_automation_executions(
        Filters=[{"Key": "ExecutionId", "Values": [execution_id]}]
    )["AutomationExecutionMetadataList"]
    assert [(e["AutomationExecutionId"], e["AutomationExecutionStatus"]) for e in listed] == [
        (execution_id, "Success")
    ]


def test_parameters_and_automation_variables_reach_the_outputs(ssm):
    name = create_runbook(
        ssm,
        [
            {
                "name": "choose",
                "action": "aws:branch",
                "inputs": {
                    "Choices": [
                        {"NextStep": "short", "Variable": "{{ Length }}", "NumericLesser": 5},
                    ],
                    "Default": "long",
                },
            },
            sleep_step("long", isEnd=True),
            sleep_step("short"),
            {
                "name": "nested",
                "action": "aws:executeAutomation",
                "inputs": {"DocumentName": "{{ Child }}"},
            },
        ],
        parameters={
            "Length": {"type": "Integer", "default": 3},
            "Child": {"type": "String"},
        },
        outputs=["nested.ExecutionId", "nested.Status"],
    )
    child = create_runbook(ssm, [sleep_step("only")])
    execution_id = ssm.start_automation_execution(DocumentName=name, Parameters={"Child": [child]})[
        "AutomationExecutionId"
    ]
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert [s["StepName"] for s in execution["StepExecutions"]] == ["choose", "short", "nested"]
    assert execution["Parameters"] == {"Length": ["3"], "Child": [child]}
    child_id = execution["Outputs"]["nested.ExecutionId"][0]
    assert execution["Outputs"]["nested.Status"] == ["Success"]
    nested = ssm.get_automation_execution(AutomationExecutionId=child_id)["AutomationExecution"]
    assert (nested["DocumentName"], nested["ParentAutomationExecutionId"]) == (child, execution_id)


def test_a_pause_waits_for_resume_and_stop_cancels_a_running_sleep(ssm):
    name = create_runbook(ssm, [{"name": "hold", "action": "aws:pause", "inputs": {}}])
    execution_id = ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
    automation_reaches(ssm, execution_id, {"Waiting"})
    ssm.send_automation_signal(AutomationExecutionId=execution_id, SignalType="Resume")
    assert automation_finished(ssm, execution_id)["AutomationExecutionStatus"] == "Success"

    long = create_runbook(ssm, [sleep_step("long", "PT1H")])
    running = ssm.start_automation_execution(DocumentName=long)["AutomationExecutionId"]
    automation_reaches(ssm, running, {"InProgress"})
    ssm.stop_automation_execution(AutomationExecutionId=running, Type="Cancel")
    stopped = automation_finished(ssm, running)
    assert stopped["AutomationExecutionStatus"] == "Cancelled"
    assert steps_of(ssm, running) == [("long", "Cancelled")]


def test_bad_input_gets_aws_errors(ssm):
    with pytest.raises(ClientError) as missing:
        ssm.start_automation_execution(DocumentName=f"missing-{uuid.uuid4().hex}")
    assert missing.value.response["Error"]["Code"] == "AutomationDefinitionNotFoundException"
    name = create_runbook(ssm, [sleep_step("only")], parameters={"A": {"type": "String"}})
    with pytest.raises(ClientError) as required:
        ssm.start_automation_execution(DocumentName=name)
    assert required.value.response["Error"]["Code"] == (
        "InvalidAutomationExecutionParametersException"
    )
    with pytest.raises(ClientError) as unknown:
        ssm.get_automation_execution(AutomationExecutionId=str(uuid.uuid4()))
    assert unknown.value.response["Error"]["Code"] == "AutomationExecutionNotFoundException"
    with pytest.raises(ClientError) as invalid:
        create_runbook(ssm, [{"name": "odd", "action": "aws:nothing", "inputs": {}}])
    assert invalid.value.response["Error"]["Code"] == "InvalidDocumentContent"
    assert "odd" in invalid.value.response["Error"]["Message"]
