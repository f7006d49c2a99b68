"""AWS-RunShellScript as a real document, and custom Command documents that really run."""

import json
import uuid

import pytest
import yaml
from botocore.exceptions import ClientError

from tests.integration.helpers import poll


def test_run_shell_script_is_a_real_document(ssm):
    described = ssm.describe_document(Name="AWS-RunShellScript")["Document"]
    assert (described["Owner"], described["DocumentType"], described["SchemaVersion"]) == (
        "Amazon",
        "Command",
        "1.2",
    )
    assert {p["Name"] for p in described["Parameters"]} == {
        "commands",
        "workingDirectory",
        "executionTimeout",
    }
    content = json.loads(ssm.get_document(Name="AWS-RunShellScript")["Content"])
    assert "aws:runShellScript" in content["runtimeConfig"]
    as_yaml = ssm.get_document(Name="AWS-RunShellScript", DocumentFormat="YAML")["Content"]
    assert yaml.safe_load(as_yaml) == content
    listed = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Amazon"]}])
    assert "AWS-RunShellScript" in {d["Name"] for d in listed["DocumentIdentifiers"]}
    mine = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])
    assert "AWS-RunShellScript" not in {d["Name"] for d in mine["DocumentIdentifiers"]}


def two_step_document(greeting_default: str) -> dict:
    return {
        "schemaVersion": "2.2",
        "description": "Greets, then lists",
        "parameters": {
            "Greeting": {"type": "String", "default": greeting_default, "allowedPattern": "^\\w+$"},
            "Target": {"type": "String"},
        },
        "mainSteps": [
            {
                "action": "aws:runShellScript",
                "name": "greet",
                "inputs": {"runCommand": ["echo {{ Greeting }}, {{ Target }}"]},
            },
            {
                "action": "aws:runShellScript",
                "name": "where",
                "inputs": {"runCommand": ["pwd", "echo err >&2"], "workingDirectory": "/tmp"},
            },
        ],
    }


@pytest.fixture
def document(ssm) -> str:
    name = f"Greet-{uuid.uuid4().hex[:8]}"
    ssm.create_document(
        Name=name, DocumentType="Command", Content=json.dumps(two_step_document("hello"))
    )
    yield name
    ssm.delete_document(Name=name)


def test_custom_document_runs_its_steps_in_order(ssm, launch, document):
    (instance_id,) = launch()
    command_id = ssm.send_command(
        InstanceIds=[instance_id], DocumentName=document, Parameters={"Target": ["world"]}
    )["Command"]["CommandId"]
    greet = poll(
        lambda: ssm.get_command_invocation(
            CommandId=command_id, InstanceId=instance_id, PluginName="greet"
        ),
        lambda r: r["Status"] == "Success",
    )
    assert greet["StandardOutputContent"] == "hello, world\n"
    where = finished_plugin(ssm, command_id, instance_id, "where")
    assert (where["StandardOutputContent"], where["StandardErrorContent"]) == ("/tmp\n", "err\n")
    (entry,) = ssm.list_command_invocations(CommandId=command_id, Details=True)[
        "CommandInvocations"
    ]
    assert [(p["Name"], p["Status"]) for p in entry["CommandPlugins"]] == [
        ("greet", "Success"),
        ("where", "Success"),
    ]
    assert entry["Status"] == "Success"
    with pytest.raises(ClientError) as raised:
        ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
    assert raised.value.response["Error"]["Code"] == "InvalidPluginName"


def finished_plugin(ssm, command_id: str, instance_id: str, plugin: str) -> dict:
    return poll(
        lambda: ssm.get_command_invocation(
            CommandId=command_id, InstanceId=instance_id, PluginName=plugin
        ),
        lambda r: r["Status"] in {"Success", "Failed", "TimedOut", "Cancelled"},
    )


def test_document_versions_run_their_own_content(ssm, launch, document):
    (instance_id,) = launch()
    ssm.update_document(
        Name=document,
        Content=json.dumps(two_step_document("howdy")),
        DocumentVersion="$LATEST",
    )
    outputs = {}
    for version in ("1", "2", "$LATEST"):
        command_id = ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName=document,
            DocumentVersion=version,
            Parameters={"Target": ["you"]},
        )["Command"]["CommandId"]
        greet = finished_plugin(ssm, command_id, instance_id, "greet")
        outputs[version] = greet["StandardOutputContent"]
    assert outputs == {"1": "hello, you\n", "2": "howdy, you\n", "$LATEST": "howdy, you\n"}
    with pytest.raises(ClientError) as raised:
        ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName=document,
            DocumentVersion="9",
            Parameters={"Target": ["you"]},
        )
    assert raised.value.response["Error"]["Code"] == "InvalidDocumentVersion"


@pytest.mark.parametrize(
    "parameters",
    [{}, {"Target": ["x"], "Greeting": ["not allowed!"]}, {"Target": ["x"], "Other": ["y"]}],
)
def test_custom_document_parameters_are_checked(ssm, launch, document, parameters):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as raised:
        ssm.send_command(InstanceIds=[instance_id], DocumentName=document, Parameters=parameters)
    assert raised.value.response["Error"]["Code"] == "InvalidParameters"


def test_step_with_a_plugin_we_cannot_run_fails_clearly(ssm, launch):
    (instance_id,) = launch()
    name = f"Mixed-{uuid.uuid4().hex[:8]}"
    content = {
        "schemaVersion": "2.2",
        "description": "PowerShell on Linux",
        "mainSteps": [
            {
                "action": "aws:runPowerShellScript",
                "name": "powershell",
                "inputs": {"runCommand": ["Get-Date"]},
            },
            {
                "action": "aws:runShellScript",
                "name": "shell",
                "inputs": {"runCommand": ["echo ok"]},
            },
        ],
    }
    ssm.create_document(
        Name=name, DocumentType="Command", Content=yaml.safe_dump(content), DocumentFormat="YAML"
    )
    command_id = ssm.send_command(InstanceIds=[instance_id], DocumentName=name)["Command"][
        "CommandId"
    ]
    ps = finished_plugin(ssm, command_id, instance_id, "powershell")
    assert (ps["Status"], ps["ResponseCode"]) == ("Failed", 1)
    assert "aws:runPowerShellScript" in ps["StandardErrorContent"]
    assert finished_plugin(ssm, command_id, instance_id, "shell")["StandardOutputContent"] == "ok\n"
    command = poll(
        lambda: ssm.list_commands(CommandId=command_id)["Commands"][0],
        lambda c: c["CompletedCount"] == 1,
    )
    assert command["Status"] == "Failed"


def test_non_command_document_is_refused(ssm, launch):
    (instance_id,) = launch()
    name = f"Auto-{uuid.uuid4().hex[:8]}"
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [{"name": "s", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
    }
    ssm.create_document(Name=name, DocumentType="Automation", Content=json.dumps(content))
    with pytest.raises(ClientError) as raised:
        ssm.send_command(InstanceIds=[instance_id], DocumentName=name)
    assert raised.value.response["Error"]["Code"] == "InvalidDocument"
