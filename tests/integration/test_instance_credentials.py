"""Instance-profile credentials from IMDS, the association operations, and IMDS across instance
and LocalStack restarts."""

import json

import boto3
import docker
import pytest
from botocore.exceptions import ClientError

from harness.instance_profiles import EC2_TRUST
from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, poll
from tests.integration.imds_helpers import MetadataClient


def container_names(client) -> set[str]:
    """Names of all containers (without inspecting each: other tests remove theirs meanwhile)."""
    return {n.lstrip("/") for c in client.api.containers(all=True) for n in c["Names"]}


def make_profile(localstack, name: str) -> dict:
    iam = localstack.client("iam")
    iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=EC2_TRUST)
    profile = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=f"{name}-role")
    return profile


def as_credentials(localstack, document: dict, service: str):
    return boto3.client(
        service,
        endpoint_url=localstack.endpoint,
        region_name="us-east-1",
        aws_access_key_id=document["AccessKeyId"],
        aws_secret_access_key=document["SecretAccessKey"],
        aws_session_token=document["Token"],
    )


def test_role_credentials_from_the_instance_profile(localstack, ec2, launch, docker_client):
    profile = make_profile(localstack, "app")
    (instance_id,) = launch(IamInstanceProfile={"Name": "app"})
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert described["IamInstanceProfile"]["Arn"] == profile["Arn"]
    client = MetadataClient(container_of(docker_client, instance_id))
    info = json.loads(client.text("/latest/meta-data/iam/info"))
    assert (info["InstanceProfileArn"], info["InstanceProfileId"]) == (
        profile["Arn"],
        profile["InstanceProfileId"],
    )
    assert client.text("/latest/meta-data/iam/security-credentials/") == "app-role"
    document = json.loads(client.text("/latest/meta-data/iam/security-credentials/app-role"))
    assert list(document) == [
        "Code",
        "LastUpdated",
        "Type",
        "AccessKeyId",
        "SecretAccessKey",
        "Token",
        "Expiration",
    ]
    assert (document["Code"], document["Type"]) == ("Success", "AWS-HMAC")
    identity = as_credentials(localstack, document, "sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::000000000000:assumed-role/app-role/{instance_id}"
    again = json.loads(client.text("/latest/meta-data/iam/security-credentials/app-role"))
    assert again["AccessKeyId"] == document["AccessKeyId"]  # kept until close to expiry


def test_profile_by_arn_and_a_missing_profile_refused(localstack, ec2, launch):
    profile = make_profile(localstack, "by-arn")
    (instance_id,) = launch(IamInstanceProfile={"Arn": profile["Arn"]})
    associations = ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [instance_id]}]
    )["IamInstanceProfileAssociations"]
    assert [a["IamInstanceProfile"]["Arn"] for a in associations] == [profile["Arn"]]
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(
            ImageId=AMI_ID, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "no-such-profile"}
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"] == (
        "Value (no-such-profile) for parameter iamInstanceProfile.name is invalid. "
        "Invalid IAM Instance Profile name"
    )


def test_associations_change_what_the_instance_gets(localstack, ec2, launch, docker_client):
    make_profile(localstack, "first")
    second = make_profile(localstack, "second")
    (instance_id,) = launch()
    client = MetadataClient(container_of(docker_client, instance_id))
    assert client.get("/latest/meta-data/iam/info").status == 404
    association = ec2.associate_iam_instance_profile(
        IamInstanceProfile={"Name": "first"}, InstanceId=instance_id
    )["IamInstanceProfileAssociation"]
    assert client.text("/latest/meta-data/iam/security-credentials/") == "first-role"
    with pytest.raises(ClientError) as twice:
        ec2.associate_iam_instance_profile(
            IamInstanceProfile={"Name": "first"}, InstanceId=instance_id
        )
    assert twice.value.response["Error"]["Code"] == "IncorrectState"
    replaced = ec2.replace_iam_instance_profile_association(
        IamInstanceProfile={"Arn": second["Arn"]}, AssociationId=association["AssociationId"]
    )["IamInstanceProfileAssociation"]
    assert client.text("/latest/meta-data/iam/security-credentials/") == "second-role"
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert described["IamInstanceProfile"]["Arn"] == second["Arn"]
    ec2.disassociate_iam_instance_profile(AssociationId=replaced["AssociationId"])
    assert client.get("/latest/meta-data/iam/").status == 404
    with pytest.raises(ClientError) as gone:
        ec2.disassociate_iam_instance_profile(AssociationId=replaced["AssociationId"])
    assert gone.value.response["Error"]["Code"] == "InvalidAssociationID.NotFound"


@pytest.fixture
def docker_leftovers():
    """Removes what a failed persistent run kept (instance containers, metadata networks)."""
    owners: list[str] = []
    yield owners
    client = docker.from_env()
    for owner in owners:
        for container in client.containers.list(
            all=True, filters={"label": f"localstack-ssm-docker.owner={owner}"}
        ):
            container.remove(force=True)
        for network in client.networks.list(
            filters={"label": f"localstack-ssm-docker.owner={owner}"}
        ):
            network.remove()


def test_imds_survives_reboot_stop_start_and_a_persistent_restart(tmp_path, docker_leftovers):
    client = docker.from_env()
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        make_profile(first, "kept")
        ec2 = first.client("ec2")
        instance_id = ec2.run_instances(
            ImageId=AMI_ID, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "kept"}
        )["Instances"][0]["InstanceId"]
        container = container_of(client, instance_id)
        docker_leftovers.append(container.labels["localstack-ssm-docker.owner"])
        metadata = MetadataClient(container)
        token = metadata.token(ttl=3600)
        started = metadata.container.attrs["State"]["StartedAt"]
        assert metadata.text("/latest/meta-data/instance-id", token) == instance_id
        ec2.reboot_instances(InstanceIds=[instance_id])
        poll(
            lambda: metadata.container.reload() or metadata.container.attrs["State"]["StartedAt"],
            lambda t: t != started,
            60,
        )
        metadata.wait_for_route()
        assert metadata.text("/latest/meta-data/instance-id", token) == instance_id
        ec2.stop_instances(InstanceIds=[instance_id])
        ec2.start_instances(InstanceIds=[instance_id])
        metadata.wait_for_route()
        assert metadata.text("/latest/meta-data/instance-id", token) == instance_id
    finally:
        assert first.stop() == 0
    # LocalStack down: the kept instance is still on the metadata network (on-link) but no
    # longer registered with the responder, so its requests get no answer at all
    kept = MetadataClient(container_of(client, instance_id))
    assert kept.raw(b"GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n", timeout=3) == b""
    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:  # EC2 (and IMDS) come back at start, before any EC2 request
        metadata = MetadataClient(container_of(client, instance_id))
        poll(
            lambda: metadata.get("/latest/meta-data/instance-id", token).status,
            lambda s: s == 200,
            60,
        )
        assert metadata.text("/latest/meta-data/instance-id", token) == instance_id
        assert metadata.text("/latest/meta-data/iam/security-credentials/") == "kept-role"
        second.client("ec2").terminate_instances(InstanceIds=[instance_id])
    finally:
        assert second.stop() == 0
    assert f"localstack-ec2.{instance_id}" not in container_names(client)


def test_two_localstacks_on_one_engine_each_serve_their_own(tmp_path, launch, docker_client):
    (ours,) = launch()
    mine = MetadataClient(container_of(docker_client, ours))
    assert mine.text("/latest/meta-data/instance-id") == ours
    other = LocalStack(tmp_path)
    try:
        theirs = other.client("ec2").run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)[
            "Instances"
        ][0]["InstanceId"]
        their_client = MetadataClient(container_of(docker_client, theirs))
        assert their_client.text("/latest/meta-data/instance-id") == theirs
        assert mine.text("/latest/meta-data/instance-id") == ours
        token = their_client.token()
        assert mine.get("/latest/meta-data/instance-id", token).status == 401
    finally:
        assert other.stop() == 0
    assert f"localstack-ec2.{theirs}" not in container_names(docker_client)
    assert mine.text("/latest/meta-data/instance-id") == ours  # the shared responder stays
