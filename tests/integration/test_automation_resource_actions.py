"""Automation's resource actions against a real LocalStack and real instance containers."""

import threading
import uuid

import pytest

from localstack_ssm_docker.ssm.automation.actions.aws_api import (
    AssertAwsResourceProperty,
    ExecuteAwsApi,
    WaitForAwsResourceProperty,
)
from localstack_ssm_docker.ssm.automation.actions.base import DeclaredOutput, StepFailed
from localstack_ssm_docker.ssm.automation.actions.images import CreateImage, DeleteImage
from localstack_ssm_docker.ssm.automation.actions.instances import ChangeInstanceState, RunInstances
from localstack_ssm_docker.ssm.automation.actions.lambda_invoke import InvokeLambdaFunction
from localstack_ssm_docker.ssm.automation.actions.run_command import RunCommand
from localstack_ssm_docker.ssm.automation.actions.tags import CreateTags
from localstack_ssm_docker.ssm.automation.actions.waiting import CANCELLED
from tests.integration.automation_helpers import LocalStackClients
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, finished, poll, run_command
from tests.unit.ssm.automation.aws_fakes import step_context


@pytest.fixture
def clients(localstack) -> LocalStackClients:
    return LocalStackClients(localstack)


def state_of(ec2, instance_id: str) -> str:
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["State"]["Name"]


def test_execute_aws_api_selects_typed_outputs_from_a_real_response(clients, launch):
    (instance_id,) = launch(
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "qa"}]}]
    )
    context = step_context(
        clients,
        outputs=(
            DeclaredOutput("Id", "$.Reservations[0].Instances[0].InstanceId", "String"),
            DeclaredOutput("Ids", "$.Reservations..InstanceId", "StringList"),
            DeclaredOutput("Tags", "$.Reservations[0].Instances[0].Tags", "MapList"),
            DeclaredOutput("Code", "$.Reservations[0].Instances[0].State.Code", "Integer"),
        ),
    )
    outputs = ExecuteAwsApi().run(
        {"Service": "ec2", "Api": "DescribeInstances", "InstanceIds": [instance_id]}, context
    )
    assert outputs["Id"] == instance_id
    assert outputs["Ids"] == [instance_id]
    assert {"Key": "team", "Value": "qa"} in outputs["Tags"]
    assert outputs["Code"] in (0, 16)


def test_execute_aws_api_fails_the_step_with_the_services_error(clients):
    with pytest.raises(StepFailed, match="InvalidInstanceID"):
        ExecuteAwsApi().run(
            {"Service": "ec2", "Api": "describe_instances", "InstanceIds": ["i-0123456789abcdef0"]},
            step_context(clients),
        )


def test_wait_and_assert_read_the_instance_state(clients, launch):
    (instance_id,) = launch()
    inputs = {
        "Service": "ec2",
        "Api": "DescribeInstances",
        "InstanceIds": [instance_id],
        "PropertySelector": "$.Reservations[0].Instances[0].State.Name",
        "DesiredValues": ["running"],
    }
    WaitForAwsResourceProperty(interval=0.1).run(inputs, step_context(clients))
    AssertAwsResourceProperty().run(inputs, step_context(clients))
    with pytest.raises(StepFailed, match="is running, not one of \\['stopped'\\]"):
        AssertAwsResourceProperty().run(
            {**inputs, "DesiredValues": ["stopped"]}, step_context(clients)
        )


def test_run_instances_launches_running_tagged_instances_that_change_state(
    clients, ec2, docker_client
):
    name = f"automation-{uuid.uuid4().hex[:8]}"
    outputs = RunInstances().run(
        {
            "ImageId": AMI_ID,
            "MinInstanceCount": 2,
            "MaxInstanceCount": 2,
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
        },
        step_context(clients),
    )
    instance_ids = outputs["InstanceIds"]
    try:
        assert outputs["InstanceStates"] == ["running", "running"]
        described = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
        assert sorted(
            i["InstanceId"] for r in described["Reservations"] for i in r["Instances"]
        ) == (sorted(instance_ids))
        change = ChangeInstanceState()
        change.run({"InstanceIds": instance_ids, "DesiredState": "stopped"}, step_context(clients))
        assert {state_of(ec2, i) for i in instance_ids} == {"stopped"}
        change.run(
            {"InstanceIds": instance_ids, "DesiredState": "stopped", "CheckStateOnly": True},
            step_context(clients),
        )
        change.run({"InstanceIds": instance_ids, "DesiredState": "running"}, step_context(clients))
        assert {state_of(ec2, i) for i in instance_ids} == {"running"}
    finally:
        ChangeInstanceState().run(
            {"InstanceIds": instance_ids, "DesiredState": "terminated"}, step_context(clients)
        )
    assert {state_of(ec2, i) for i in instance_ids} == {"terminated"}
    for instance_id in instance_ids:
        assert not docker_client.containers.list(
            all=True, filters={"name": f"localstack-ec2.{instance_id}"}
        )


def test_run_command_gives_the_commands_output_and_exit_code(clients, launch):
    (instance_id,) = launch()
    outputs = RunCommand().run(
        {
            "DocumentName": "AWS-RunShellScript",
            "InstanceIds": [instance_id],
            "Parameters": {"commands": ["echo from-automation"]},
        },
        step_context(clients),
    )
    assert outputs["Status"] == "Success"
    assert outputs["ResponseCode"] == 0
    assert outputs["Output"] == "from-automation\n"
    assert outputs["CommandId"]


def test_a_failing_command_fails_the_step_with_its_exit_code(clients, launch):
    (instance_id,) = launch()
    with pytest.raises(StepFailed, match=r"(?s)Status=\[Failed\], ResponseCode=\[7\].*half-way"):
        RunCommand().run(
            {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": [instance_id],
                "Parameters": {"commands": ["echo half-way", "exit 7"]},
            },
            step_context(clients),
        )


def test_a_cancelled_run_command_step_kills_its_script(clients, ssm, launch, docker_client):
    (instance_id,) = launch()
    cancelled = threading.Event()
    gate = f"/tmp/gate-{uuid.uuid4().hex[:8]}"
    seen: dict[str, str] = {}

    def cancel_once_running() -> None:
        listed = poll(
            lambda: ssm.list_commands(InstanceId=instance_id)["Commands"],
            lambda commands: bool(commands) and commands[0]["Status"] == "InProgress",
        )
        seen["command_id"] = listed[0]["CommandId"]
        cancelled.set()

    watcher = threading.Thread(target=cancel_once_running)
    watcher.start()
    with pytest.raises(StepFailed, match=CANCELLED):
        RunCommand().run(
            {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": [instance_id],
                "Parameters": {"commands": [f"mkfifo {gate}", f"cat {gate}"]},
            },
            step_context(clients, cancelled),
        )
    watcher.join()
    assert finished(ssm, seen["command_id"], instance_id)["Status"] == "Cancelled"
    processes = container_of(docker_client, instance_id).exec_run(["ps", "-o", "args"])
    assert f"cat {gate}" not in processes.output.decode()


def test_create_image_then_delete_image(clients, ec2, ssm, launch):
    (instance_id,) = launch()
    wrote = run_command(ssm, instance_id, ["echo baked > /root/baked"])
    assert finished(ssm, wrote, instance_id)["Status"] == "Success"
    outputs = CreateImage().run(
        {
            "InstanceId": instance_id,
            "ImageName": f"automation-{uuid.uuid4().hex[:8]}",
            "ImageDescription": "by aws:createImage",
            "NoReboot": True,
        },
        step_context(clients),
    )
    image_id = outputs["ImageId"]
    assert outputs["ImageState"] == "available"
    image = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert (image["Description"], image["SourceInstanceId"]) == ("by aws:createImage", instance_id)
    DeleteImage().run({"ImageId": image_id}, step_context(clients))
    assert ec2.describe_images(Owners=["self"], ImageIds=[image_id])["Images"] == []


def test_create_tags_tags_instances(clients, ec2, launch):
    (instance_id,) = launch()
    CreateTags().run(
        {"ResourceIds": [instance_id], "Tags": [{"Key": "owner", "Value": "automation"}]},
        step_context(clients),
    )
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]
    assert {"owner": "automation"}.items() <= {t["Key"]: t["Value"] for t in tags}.items()


def test_invoking_a_missing_lambda_function_fails_the_step_with_lambdas_error(clients):
    with pytest.raises(StepFailed, match="ResourceNotFoundException"):
        InvokeLambdaFunction().run({"FunctionName": "no-such-function"}, step_context(clients))
