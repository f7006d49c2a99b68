"""Automation runbooks through boto3 against the real LocalStack: the control actions, control
flow, signals, Stop, Interactive mode, rate control, EventBridge events, the AWS CLI and bad
input."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness.session_clients import cli_env
from tests.integration.helpers import automation_finished, automation_reaches, poll


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


def test_on_failure_paths_and_a_timeout(ssm):
    no_match = {
        "name": "pick",
        "action": "aws:branch",
        "inputs": {"Choices": [{"NextStep": "end", "Variable": "x", "StringEquals": "y"}]},
    }
    jumping = create_runbook(
        ssm,
        [
            {**no_match, "onFailure": "step:cleanup"},
            sleep_step("end", isEnd=True),
            sleep_step("cleanup"),
        ],
    )
    execution = automation_finished(
        ssm, ssm.start_automation_execution(DocumentName=jumping)["AutomationExecutionId"]
    )
    assert [(s["StepName"], s["StepStatus"]) for s in execution["StepExecutions"]] == [
        ("pick", "Failed"),
        ("cleanup", "Success"),
    ]
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "No choice matched" in execution["StepExecutions"][0]["FailureMessage"]

    lenient = create_runbook(
        ssm, [{**no_match, "onFailure": "Continue", "isCritical": False}, sleep_step("end")]
    )
    execution = automation_finished(
        ssm, ssm.start_automation_execution(DocumentName=lenient)["AutomationExecutionId"]
    )
    assert execution["AutomationExecutionStatus"] == "Success"

    slow = create_runbook(ssm, [sleep_step("slow", "PT1H", timeoutSeconds=1)])
    execution = automation_finished(
        ssm, ssm.start_automation_execution(DocumentName=slow)["AutomationExecutionId"]
    )
    assert execution["AutomationExecutionStatus"] == "TimedOut"
    assert execution["StepExecutions"][0]["StepStatus"] == "TimedOut"


def test_interactive_mode_runs_the_step_each_start_step_names(ssm):
    name = create_runbook(ssm, [sleep_step("a"), sleep_step("b")])
    execution_id = ssm.start_automation_execution(DocumentName=name, Mode="Interactive")[
        "AutomationExecutionId"
    ]
    automation_reaches(ssm, execution_id, {"Waiting"})
    with pytest.raises(ClientError) as unknown:
        ssm.send_automation_signal(
            AutomationExecutionId=execution_id,
            SignalType="StartStep",
            Payload={"StepName": ["nope"]},
        )
    assert unknown.value.response["Error"]["Code"] == "AutomationStepNotFoundException"
    ssm.send_automation_signal(
        AutomationExecutionId=execution_id, SignalType="StartStep", Payload={"StepName": ["b"]}
    )
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert steps_of(ssm, execution_id) == [("b", "Success")]


def test_rate_control_runs_five_children_at_most_two_at_a_time(ssm):
    name = create_runbook(
        ssm,
        [{"name": "work", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
        parameters={"Item": {"type": "String"}},
    )
    items = [f"item-{i}" for i in range(5)]
    parent_id = ssm.start_automation_execution(
        DocumentName=name,
        TargetParameterName="Item",
        Targets=[{"Key": "ParameterValues", "Values": items}],
        MaxConcurrency="2",
    )["AutomationExecutionId"]
    parent = automation_finished(ssm, parent_id)
    assert parent["AutomationExecutionStatus"] == "Success"
    assert parent["ResolvedTargets"]["ParameterValues"] == items
    assert parent["ProgressCounters"]["SuccessSteps"] == 5
    children = ssm.describe_automation_executions(
        Filters=[{"Key": "ParentExecutionId", "Values": [parent_id]}]
    )["AutomationExecutionMetadataList"]
    assert sorted(c["Target"] for c in children) == items
    spans = [(c["ExecutionStartTime"], c["ExecutionEndTime"]) for c in children]
    at_once = [sum(1 for s, e in spans if s <= start < e) for start, _ in spans]
    assert max(at_once) == 2


def test_approval_through_the_aws_cli(localstack, ssm):
    name = create_runbook(
        ssm,
        [
            {
                "name": "approve",
                "action": "aws:approve",
                "inputs": {"Approvers": ["arn:aws:iam::000000000000:root"]},
            }
        ],
        outputs=["approve.ApprovalStatus"],
    )
    execution_id = aws_cli(
        localstack.endpoint,
        *("ssm", "start-automation-execution", "--document-name", name),
        *("--query", "AutomationExecutionId", "--output", "text"),
    )
    automation_reaches(ssm, execution_id, {"Waiting"})
    aws_cli(
        localstack.endpoint,
        *("ssm", "send-automation-signal", "--automation-execution-id", execution_id),
        *("--signal-type", "Approve", "--payload", "Comment=looks good"),
    )
    automation_finished(ssm, execution_id)
    shown = json.loads(
        aws_cli(
            localstack.endpoint,
            *("ssm", "get-automation-execution", "--automation-execution-id", execution_id),
        )
    )["AutomationExecution"]
    assert shown["AutomationExecutionStatus"] == "Success"
    assert shown["Outputs"] == {"approve.ApprovalStatus": ["Approved"]}
    decisions = json.loads(shown["StepExecutions"][0]["Outputs"]["ApproverDecisions"][0])
    assert [d["Comment"] for d in decisions] == ["looks good"]


def aws_cli(endpoint: str, *args: str) -> str:
    """`aws --endpoint-url <endpoint> ...` (the venv's AWS CLI); its stdout, stripped."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "aws"), "--endpoint-url", endpoint, *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"aws {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout.strip()


def test_status_changes_reach_eventbridge(localstack):
    account = "260000000026"
    ssm, events, sqs = (localstack.client(s, account=account) for s in ("ssm", "events", "sqs"))
    url = sqs.create_queue(QueueName=f"automation-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = f"automation-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["aws.ssm"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": arn}])
    try:
        name = create_runbook(ssm, [sleep_step("nap")])
        execution_id = ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
        automation_finished(ssm, execution_id)
        bodies: list[dict] = []

        def drain() -> list[dict]:
            for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []
            ):
                bodies.append(json.loads(message["Body"]))
            return bodies

        def seen(found: list[dict]) -> bool:
            # SQS keeps no order and a receive may return a subset: wait for every status.
            return {(b["detail-type"], b["detail"]["Status"]) for b in found} >= {
                ("EC2 Automation Execution Status-change Notification", "Pending"),
                ("EC2 Automation Execution Status-change Notification", "InProgress"),
                ("EC2 Automation Execution Status-change Notification", "Success"),
                ("EC2 Automation Step Status-change Notification", "Success"),
            }

        poll(drain, seen)
        step = next(
            b
            for b in bodies
            if b["detail-type"] == "EC2 Automation Step Status-change Notification"
            and b["detail"]["Status"] == "Success"
        )
        assert step["source"] == "aws.ssm"
        assert {
            k: step["detail"][k] for k in ("ExecutionId", "Definition", "StepName", "Action")
        } == {
            "ExecutionId": execution_id,
            "Definition": name,
            "StepName": "nap",
            "Action": "aws:sleep",
        }
        statuses = [
            b["detail"]["Status"]
            for b in bodies
            if b["detail-type"] == "EC2 Automation Execution Status-change Notification"
        ]
        assert sorted(statuses) == ["InProgress", "Pending", "Success"]  # SQS does not keep order
    finally:
        events.remove_targets(Rule=rule, Ids=["queue"])
        events.delete_rule(Name=rule)
        sqs.delete_queue(QueueUrl=url)


def test_the_readme_flow_with_the_aws_cli_and_a_yaml_runbook(localstack, ssm):
    name = f"Nap-{uuid.uuid4().hex[:8]}"
    aws_cli(
        localstack.endpoint,
        *("ssm", "create-document", "--name", name, "--document-type", "Automation"),
        *("--document-format", "YAML", "--content"),
        '{schemaVersion: "0.3", parameters: {Wait: {type: String, default: PT2S}},\n'
        '  mainSteps: [{name: wait, action: "aws:sleep", inputs: {Duration: "{{ Wait }}"}}]}',
    )
    execution_id = aws_cli(
        localstack.endpoint,
        *("ssm", "start-automation-execution", "--document-name", name),
        *("--parameters", "Wait=PT1S", "--query", "AutomationExecutionId", "--output", "text"),
    )
    automation_finished(ssm, execution_id)
    status = aws_cli(
        localstack.endpoint,
        *("ssm", "get-automation-execution", "--automation-execution-id", execution_id),
        *("--query", "AutomationExecution.AutomationExecutionStatus", "--output", "text"),
    )
    assert status == "Success"
    shown = ssm.get_automation_execution(AutomationExecutionId=execution_id)
    assert shown["AutomationExecution"]["StepExecutions"][0]["Inputs"] == {"Duration": "PT1S"}


def test_update_document_refuses_a_broken_runbook_and_keeps_the_stored_one(ssm):
    name = create_runbook(ssm, [sleep_step("a")])
    broken = {
        "schemaVersion": "0.3",
        "mainSteps": [sleep_step("a", nextStep="b"), sleep_step("b", nextStep="a")],
    }
    with pytest.raises(ClientError) as refused:
        ssm.update_document(Name=name, Content=json.dumps(broken), DocumentVersion="$LATEST")
    assert refused.value.response["Error"]["Code"] == "InvalidDocumentContent"
    assert "cycle" in refused.value.response["Error"]["Message"]
    assert ssm.describe_document(Name=name)["Document"]["LatestVersion"] == "1"


def test_a_client_token_starts_one_execution(ssm):
    name = create_runbook(ssm, [sleep_step("only")])
    token = str(uuid.uuid4())
    first = ssm.start_automation_execution(DocumentName=name, ClientToken=token)
    again = ssm.start_automation_execution(DocumentName=name, ClientToken=token.upper())
    assert first["AutomationExecutionId"] == again["AutomationExecutionId"]
    with pytest.raises(ClientError) as mismatch:
        ssm.start_automation_execution(DocumentName=name, ClientToken=token, Mode="Interactive")
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatch"
    listed = ssm.describe_automation_executions(
        Filters=[{"Key": "DocumentNamePrefix", "Values": [name]}]
    )["AutomationExecutionMetadataList"]
    assert len(listed) == 1
