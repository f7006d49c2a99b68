"""AWS-owned Automation runbooks: listed and described as AWS's, run by name end to end."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from harness.instance_profiles import make_instance_profile
from localstack_ssm_docker.ssm.documents.automation_runbooks import RUNBOOKS
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import automation_finished, container_of, finished, poll, run_command


def test_runbooks_are_listed_described_and_served_as_amazon_automation_documents(ssm):
    listed = ssm.list_documents(
        Filters=[
            {"Key": "Owner", "Values": ["Amazon"]},
            {"Key": "DocumentType", "Values": ["Automation"]},
        ]
    )["DocumentIdentifiers"]
    assert set(RUNBOOKS) <= {d["Name"] for d in listed}
    assert {d["DocumentType"] for d in listed if d["Name"] in RUNBOOKS} == {"Automation"}
    described = ssm.describe_document(Name="AWS-UpdateLinuxAmi")["Document"]
    assert (described["Owner"], described["DocumentType"], described["SchemaVersion"]) == (
        "Amazon",
        "Automation",
        "0.3",
    )
    parameters = {p["Name"]: p for p in described["Parameters"]}
    assert {"SourceAmiId", "IamInstanceProfileName", "AutomationAssumeRole", "InstanceType"} <= (
        set(parameters)
    )
    content = json.loads(ssm.get_document(Name="AWS-RestartEC2Instance")["Content"])
    assert [s["action"] for s in content["mainSteps"]] == ["aws:changeInstanceState"] * 2


def test_send_command_refuses_a_runbook(ssm, launch):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as refused:
        ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName="AWS-StopEC2Instance",
            Parameters={"InstanceId": [instance_id]},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidDocument"


def start(ssm, document: str, **parameters) -> str:
    """StartAutomationExecution of `document` with `parameters` (each a list of strings)."""
    request = {"Parameters": parameters} if parameters else {}
    return ssm.start_automation_execution(DocumentName=document, **request)["AutomationExecutionId"]


def succeeded(ssm, execution_id: str, deadline: float = 120) -> dict:
    execution = automation_finished(ssm, execution_id, deadline)
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    return execution


def state_of(ec2, instance_id: str) -> str:
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["State"]["Name"]


def test_instance_runbooks_stop_start_restart_and_terminate_by_name(
    ssm, ec2, launch, docker_client
):
    (instance_id,) = launch()
    succeeded(ssm, start(ssm, "AWS-StopEC2Instance", InstanceId=[instance_id]))
    assert state_of(ec2, instance_id) == "stopped"
    succeeded(ssm, start(ssm, "AWS-StartEC2Instance", InstanceId=[instance_id]))
    assert state_of(ec2, instance_id) == "running"
    before = container_of(docker_client, instance_id).attrs["State"]["StartedAt"]
    restarted = succeeded(ssm, start(ssm, "AWS-RestartEC2Instance", InstanceId=[instance_id]))
    assert [s["StepName"] for s in restarted["StepExecutions"]] == [
        "stopInstances",
        "startInstances",
    ]
    assert state_of(ec2, instance_id) == "running"
    assert container_of(docker_client, instance_id).attrs["State"]["StartedAt"] != before
    succeeded(ssm, start(ssm, "AWS-TerminateEC2Instance", InstanceId=[instance_id]))
    assert state_of(ec2, instance_id) == "terminated"


def test_create_image_runbook_outputs_an_available_image_named_after_the_instance(ssm, ec2, launch):
    (instance_id,) = launch()
    execution_id = start(ssm, "AWS-CreateImage", InstanceId=[instance_id], NoReboot=["true"])
    execution = succeeded(ssm, execution_id)
    (image_id,) = execution["Outputs"]["createImage.ImageId"]
    try:
        image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
        assert image["State"] == "available"
        assert image["Name"] == f"{instance_id}_{execution_id}"
    finally:
        ec2.deregister_image(ImageId=image_id)


def test_golden_image_runbook_bakes_an_ami_that_boots_with_the_change(localstack, ssm, ec2):
    profile = make_instance_profile(localstack.client("iam"), f"golden-{uuid.uuid4().hex[:8]}")
    execution_id = start(
        ssm,
        "AWS-UpdateLinuxAmi",
        SourceAmiId=[AMI_ID],
        IamInstanceProfileName=[profile],
        PreUpdateScript=["echo golden > /root/golden"],
        PostUpdateScript=["echo post >> /root/golden"],
    )
    execution = succeeded(ssm, execution_id, deadline=240)
    (image_id,) = execution["Outputs"]["CreateImage.ImageId"]
    steps = {s["StepName"]: s for s in execution["StepExecutions"]}
    (builder,) = steps["LaunchInstance"]["Outputs"]["InstanceIds"]
    booted = None
    try:
        assert [s["StepName"] for s in execution["StepExecutions"]] == [
            "LaunchInstance",
            "UpdateOS",
            "StopInstance",
            "CreateImage",
            "TerminateInstance",
        ]
        assert "no package manager" in steps["UpdateOS"]["Outputs"]["Output"][0]
        assert state_of(ec2, builder) == "terminated"
        image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
        assert image["Name"].startswith(f"UpdateLinuxAmi_from_{AMI_ID}_on_")
        booted = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        read = run_command(ssm, booted, ["cat /root/golden"])
        assert finished(ssm, read, booted)["StandardOutputContent"] == "golden\npost\n"
    finally:
        if booted:
            ec2.terminate_instances(InstanceIds=[booted])
        ec2.deregister_image(ImageId=image_id)


def test_a_runbook_selects_api_outputs_and_feeds_them_to_run_command(ssm, launch):
    (instance_id,) = launch()
    name = f"runbook-{uuid.uuid4().hex[:10]}"
    content = {
        "schemaVersion": "0.3",
        "parameters": {"InstanceId": {"type": "String"}},
        "mainSteps": [
            {
                "name": "describe",
                "action": "aws:executeAwsApi",
                "inputs": {
                    "Service": "ec2",
                    "Api": "DescribeInstances",
                    "InstanceIds": ["{{ InstanceId }}"],
                },
                "outputs": [
                    {
                        "Name": "ImageId",
                        "Selector": "$.Reservations[0].Instances[0].ImageId",
                        "Type": "String",
                    }
                ],
            },
            {
                "name": "running",
                "action": "aws:assertAwsResourceProperty",
                "inputs": {
                    "Service": "ec2",
                    "Api": "DescribeInstances",
                    "InstanceIds": ["{{ InstanceId }}"],
                    "PropertySelector": "$.Reservations[0].Instances[0].State.Name",
                    "DesiredValues": ["running"],
                },
            },
            {
                "name": "say",
                "action": "aws:runCommand",
                "inputs": {
                    "DocumentName": "AWS-RunShellScript",
                    "InstanceIds": ["{{ InstanceId }}"],
                    "Parameters": {"commands": ["echo booted from {{ describe.ImageId }}"]},
                },
            },
        ],
        "outputs": ["describe.ImageId", "say.Output", "say.ResponseCode"],
    }
    ssm.create_document(Name=name, Content=json.dumps(content), DocumentType="Automation")
    execution = succeeded(ssm, start(ssm, name, InstanceId=[instance_id]))
    assert execution["Outputs"]["describe.ImageId"] == [AMI_ID]
    assert execution["Outputs"]["say.Output"] == [f"booted from {AMI_ID}\n"]
    assert execution["Outputs"]["say.ResponseCode"] == ["0"]


def test_a_runbook_with_an_unknown_api_or_a_bad_selector_is_refused_at_create_document(ssm):
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "bogus",
                "action": "aws:executeAwsApi",
                "inputs": {"Service": "ec2", "Api": "DescribeEverything"},
            }
        ],
    }
    with pytest.raises(ClientError) as refused:
        ssm.create_document(
            Name=f"runbook-{uuid.uuid4().hex[:10]}",
            Content=json.dumps(content),
            DocumentType="Automation",
        )
    assert refused.value.response["Error"]["Code"] == "InvalidDocumentContent"
    assert "bogus" in refused.value.response["Error"]["Message"]
    content["mainSteps"][0]["inputs"]["Api"] = "DescribeInstances"
    content["mainSteps"][0]["outputs"] = [{"Name": "Id", "Selector": "Id", "Type": "String"}]
    with pytest.raises(ClientError) as refused:
        ssm.create_document(
            Name=f"runbook-{uuid.uuid4().hex[:10]}",
            Content=json.dumps(content),
            DocumentType="Automation",
        )
    assert refused.value.response["Error"]["Code"] == "InvalidDocumentContent"
    assert "Step bogus: output Id" in refused.value.response["Error"]["Message"]


def test_stopping_an_execution_cancels_its_command_and_kills_the_script(ssm, launch, docker_client):
    (instance_id,) = launch()
    gate = f"/tmp/gate-{uuid.uuid4().hex[:8]}"
    name = f"runbook-{uuid.uuid4().hex[:10]}"
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "block",
                "action": "aws:runCommand",
                "inputs": {
                    "DocumentName": "AWS-RunShellScript",
                    "InstanceIds": [instance_id],
                    "Parameters": {"commands": [f"mkfifo {gate}", f"cat {gate}"]},
                },
            }
        ],
    }
    ssm.create_document(Name=name, Content=json.dumps(content), DocumentType="Automation")
    execution_id = start(ssm, name)
    listed = poll(
        lambda: ssm.list_commands(InstanceId=instance_id)["Commands"],
        lambda commands: bool(commands) and commands[0]["Status"] == "InProgress",
    )
    ssm.stop_automation_execution(AutomationExecutionId=execution_id)
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Cancelled"
    command_id = listed[0]["CommandId"]
    assert finished(ssm, command_id, instance_id)["Status"] == "Cancelled"
    processes = container_of(docker_client, instance_id).exec_run(["ps", "-o", "args"])
    assert f"cat {gate}" not in processes.output.decode()
