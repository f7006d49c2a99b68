"""RunInstances from launch templates against a real LocalStack and real containers: by id and by
name, `$Latest`, `$Default` and numbered versions, the request's own values winning, the
template's user data running, its instance profile's role credentials at IMDS, its tags in
DescribeInstances, IMDS and SSM; bad input refused with EC2's codes and nothing launched."""

import base64
import json
import uuid
from collections.abc import Callable, Iterator

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, finished, poll, run_command
from tests.integration.imds_helpers import MetadataClient
from tests.integration.test_instance_credentials import (
    as_credentials,
    container_names,
    make_profile,
)
from tests.integration.test_user_data_and_tags import log_of

SCRIPT = "#!/bin/sh\necho provisioned by the template on $(hostname)\n"


@pytest.fixture
def run_from(ec2) -> Iterator[Callable[..., dict]]:
    """RunInstances with the given parameters (a template supplies the rest); the instance
    launched, terminated afterwards."""
    launched: list[str] = []

    def run(**parameters) -> dict:
        reservation = ec2.run_instances(MinCount=1, MaxCount=1, **parameters)
        [instance] = reservation["Instances"]
        launched.append(instance["InstanceId"])
        return instance

    yield run
    if launched:
        ec2.terminate_instances(InstanceIds=launched)


def create_template(ec2, **data) -> dict:
    name = f"web-{uuid.uuid4().hex[:8]}"
    return ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)[
        "LaunchTemplate"
    ]


def described(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def tags_of(instance: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}


def instance_ids(ec2) -> set[str]:
    return {
        i["InstanceId"]
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] != "terminated"
    }


def test_versions_by_id_and_name_latest_default_and_numbered(ec2, run_from):
    template = create_template(ec2, ImageId=AMI_ID, InstanceType="t3.micro")
    template_id, name = template["LaunchTemplateId"], template["LaunchTemplateName"]
    ec2.create_launch_template_version(
        LaunchTemplateId=template_id,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.small"},
    )
    ec2.create_launch_template_version(
        LaunchTemplateId=template_id,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.large"},
    )
    ec2.modify_launch_template(LaunchTemplateId=template_id, DefaultVersion="2")
    cases = [
        ({"LaunchTemplateId": template_id}, "t3.small", "2"),  # no version: the default one
        ({"LaunchTemplateName": name, "Version": "$Default"}, "t3.small", "2"),
        ({"LaunchTemplateId": template_id, "Version": "$Latest"}, "t3.large", "3"),
        ({"LaunchTemplateName": name, "Version": "1"}, "t3.micro", "1"),
    ]
    for specification, instance_type, version in cases:
        instance = described(ec2, run_from(LaunchTemplate=specification)["InstanceId"])
        assert (instance["ImageId"], instance["InstanceType"]) == (AMI_ID, instance_type)
        assert tags_of(instance) == {
            "aws:ec2launchtemplate:id": template_id,
            "aws:ec2launchtemplate:version": version,
        }


def test_the_request_wins_and_everyone_sees_the_merged_values(ec2, ssm, run_from, docker_client):
    template = create_template(
        ec2,
        ImageId=AMI_ID,
        InstanceType="t3.micro",
        UserData=base64.b64encode(SCRIPT.encode()).decode(),
        MetadataOptions={"HttpTokens": "required", "InstanceMetadataTags": "enabled"},
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [{"Key": "team", "Value": "web"}, {"Key": "stage", "Value": "dev"}],
            }
        ],
    )
    instance_id = run_from(
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"]},
        InstanceType="t3.large",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "stage", "Value": "prod"}]}
        ],
    )["InstanceId"]
    instance = described(ec2, instance_id)
    assert instance["InstanceType"] == "t3.large"
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert tags_of(instance) == {
        "team": "web",
        "stage": "prod",
        "aws:ec2launchtemplate:id": template["LaunchTemplateId"],
        "aws:ec2launchtemplate:version": "1",
    }

    # the template's user data ran in the container
    log = poll(lambda: log_of(docker_client, instance_id), lambda text: "provisioned" in text)
    assert log == f"provisioned by the template on {instance_id}.us-east-1.compute.internal\n"

    # IMDS: the request's type, the template's options, user data and the merged tags
    client = MetadataClient(container_of(docker_client, instance_id))
    assert client.get("/latest/meta-data/instance-type").status == 401  # tokens required
    token = client.token()
    assert client.text("/latest/meta-data/instance-type", token) == "t3.large"
    assert client.text("/latest/user-data", token) == SCRIPT
    assert client.text("/latest/meta-data/tags/instance/stage", token) == "prod"
    assert client.text("/latest/meta-data/tags/instance/team", token) == "web"

    # SSM: the template's tag targets the instance
    listed = ssm.describe_instance_information(
        Filters=[
            {"Key": "InstanceIds", "Values": [instance_id]},
            {"Key": "tag:team", "Values": ["web"]},
        ]
    )["InstanceInformationList"]
    assert [i["InstanceId"] for i in listed] == [instance_id]
    command_id = run_command(ssm, instance_id, ["cat /var/log/cloud-init-output.log"])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == log


def test_role_credentials_from_the_templates_instance_profile(
    localstack, ec2, run_from, docker_client
):
    profile = make_profile(localstack, f"lt-{uuid.uuid4().hex[:6]}")
    name = profile["InstanceProfileName"]
    template = create_template(ec2, ImageId=AMI_ID, IamInstanceProfile={"Name": name})
    instance_id = run_from(LaunchTemplate={"LaunchTemplateName": template["LaunchTemplateName"]})[
        "InstanceId"
    ]
    assert described(ec2, instance_id)["IamInstanceProfile"]["Arn"] == profile["Arn"]
    client = MetadataClient(container_of(docker_client, instance_id))
    assert client.text("/latest/meta-data/iam/security-credentials/") == f"{name}-role"
    document = json.loads(client.text(f"/latest/meta-data/iam/security-credentials/{name}-role"))
    assert document["Code"] == "Success"
    identity = as_credentials(localstack, document, "sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::000000000000:assumed-role/{name}-role/{instance_id}"


def test_bad_templates_are_refused_and_launch_nothing(ec2, docker_client):
    without_image = create_template(ec2, InstanceType="t3.micro")
    with_image = create_template(ec2, ImageId=AMI_ID)
    before = instance_ids(ec2)
    containers = container_names(docker_client)
    cases = [
        (
            {"LaunchTemplateId": "lt-0123456789abcdef0"},
            "InvalidLaunchTemplateId.NotFound",
            "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
        ),
        (
            {"LaunchTemplateName": "no-such-template"},
            "InvalidLaunchTemplateName.NotFoundException",
            "The specified launch template, with template name no-such-template, does not exist.",
        ),
        (
            {"LaunchTemplateId": with_image["LaunchTemplateId"], "Version": "9"},
            "InvalidLaunchTemplateId.VersionNotFound",
            "Could not find the specified version 9 for the launch template with ID "
            f"{with_image['LaunchTemplateId']}.",
        ),
        (
            {"LaunchTemplateId": without_image["LaunchTemplateId"]},
            "MissingParameter",
            "The request must contain the parameter ImageId",
        ),
    ]
    for specification, code, message in cases:
        with pytest.raises(ClientError) as refused:
            ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate=specification)
        error = refused.value.response["Error"]
        assert (refused.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"]) == (
            400,
            code,
        )
        assert error["Message"] == message
    assert instance_ids(ec2) == before
    assert container_names(docker_client) <= containers
