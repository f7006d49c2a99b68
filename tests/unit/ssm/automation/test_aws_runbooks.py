import json

import pytest
from localstack.aws.api.ssm import InvalidDocument

from localstack_ssm_docker.ssm.automation.actions.catalogue import ACTIONS
from localstack_ssm_docker.ssm.documents import aws_owned
from localstack_ssm_docker.ssm.documents.automation_runbooks import RUNBOOKS
from localstack_ssm_docker.ssm.documents.plan import Document, plan_command


def test_runbooks_are_listed_as_amazon_automation_documents():
    for name in RUNBOOKS:
        assert aws_owned.identifier(name)["DocumentType"] == "Automation"
        assert aws_owned.identifier(name)["Owner"] == "Amazon"
        assert aws_owned.listed(name, [{"Key": "DocumentType", "Values": ["Automation"]}], [])
        assert not aws_owned.listed(name, [{"Key": "DocumentType", "Values": ["Command"]}], [])
    assert aws_owned.identifier("AWS-RunShellScript")["DocumentType"] == "Command"


def test_described_parameters_keep_the_runbook_types_and_defaults():
    described = {p["Name"]: p for p in aws_owned.description("AWS-CreateImage")["Parameters"]}
    assert described["NoReboot"]["Type"] == "Boolean"
    assert described["NoReboot"]["DefaultValue"] == "false"
    assert described["InstanceId"]["Type"] == "String"


def test_every_runbook_step_passes_its_action_check():
    actions = {action.name: action for action in ACTIONS}
    for content in RUNBOOKS.values():
        for step in content["mainSteps"]:
            actions[step["action"]].check(step["name"], step["inputs"])


def test_send_command_refuses_a_runbook():
    runbook = Document("AWS-StopEC2Instance", "1", RUNBOOKS["AWS-StopEC2Instance"])
    with pytest.raises(InvalidDocument, match="not a Command document"):
        plan_command(runbook, {"InstanceId": ["i-1"]})


def test_runbook_content_is_served_as_json():
    assert json.loads(aws_owned.content_json("AWS-RestartEC2Instance"))["schemaVersion"] == "0.3"
