"""EC2 on Docker: AMIs from image tags, one container per instance, lifecycle kept in step."""

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, finished, ping_status, poll, run_command

LABEL_INSTANCE = "localstack-ssm-docker.instance-id"


def test_docker_images_tagged_as_amis_are_listed(ec2):
    images = ec2.describe_images(ImageIds=[AMI_ID])["Images"]
    assert [(i["ImageId"], i["Name"], i["State"]) for i in images] == [
        (AMI_ID, "busybox", "available")
    ]


def test_run_instances_starts_one_labelled_container_per_instance(ec2, launch, docker_client):
    ids = launch(
        count=2,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}],
    )
    assert len(ids) == 2
    for instance_id in ids:
        container = container_of(docker_client, instance_id)
        assert container.status == "running"
        assert container.labels[LABEL_INSTANCE] == instance_id
        assert container.image.tags == [f"localstack-ec2/busybox:{AMI_ID}"]
    described = ec2.describe_instances(InstanceIds=ids)["Reservations"][0]["Instances"]
    assert {i["State"]["Name"] for i in described} == {"running"}
    assert all({"Key": "team", "Value": "a"} in i["Tags"] for i in described)


def test_container_outlives_an_image_without_entrypoint(launch, docker_client):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    assert container.attrs["HostConfig"]["Init"] is True
    assert container.attrs["Config"]["Entrypoint"] == ["sleep", "infinity"]


def test_unknown_ami_is_refused_and_nothing_is_created(ec2, docker_client):
    before_containers = {c.name for c in docker_client.containers.list(all=True)}
    before_instances = _instance_ids(ec2)
    with pytest.raises(ClientError) as raised:
        ec2.run_instances(ImageId="ami-00000000000000bad", MinCount=1, MaxCount=1)
    assert raised.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    assert "ami-00000000000000bad" in raised.value.response["Error"]["Message"]
    assert {c.name for c in docker_client.containers.list(all=True)} == before_containers
    assert _instance_ids(ec2) == before_instances


def test_stop_and_start_keep_the_filesystem(ec2, ssm, launch, docker_client):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["echo kept > /root/state"])
    assert finished(ssm, command_id, instance_id)["Status"] == "Success"

    ec2.stop_instances(InstanceIds=[instance_id])
    assert container_of(docker_client, instance_id).status == "exited"
    assert _state(ec2, instance_id) == "stopped"
    with pytest.raises(ClientError) as raised:
        run_command(ssm, instance_id, ["true"])
    assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"

    ec2.start_instances(InstanceIds=[instance_id])
    assert container_of(docker_client, instance_id).status == "running"
    assert _state(ec2, instance_id) == "running"
    command_id = run_command(ssm, instance_id, ["cat /root/state"])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "kept\n"


def test_reboot_restarts_the_container_and_keeps_its_files(ec2, ssm, launch, docker_client):
    (instance_id,) = launch()
    started_at = container_of(docker_client, instance_id).attrs["State"]["StartedAt"]
    command_id = run_command(ssm, instance_id, ["echo kept > /root/state"])
    assert finished(ssm, command_id, instance_id)["Status"] == "Success"
    running = run_command(ssm, instance_id, ["sleep 300"])
    poll(
        lambda: ssm.get_command_invocation(CommandId=running, InstanceId=instance_id),
        lambda r: r["Status"] == "InProgress",
    )
    ec2.reboot_instances(InstanceIds=[instance_id])

    assert ping_status(ssm, instance_id) == "ConnectionLost"
    poll(lambda: ping_status(ssm, instance_id), lambda status: status == "Online")
    container = container_of(docker_client, instance_id)
    assert container.attrs["State"]["StartedAt"] != started_at
    interrupted = finished(ssm, running, instance_id)
    assert (interrupted["Status"], interrupted["StandardErrorContent"]) == (
        "Failed",
        "The instance rebooted while the command was running.",
    )
    command_id = run_command(ssm, instance_id, ["cat /root/state"])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "kept\n"


def test_terminate_removes_the_container(ec2, ssm, localstack, docker_client):
    instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    ec2.terminate_instances(InstanceIds=[instance_id])
    assert f"localstack-ec2.{instance_id}" not in {
        c.name for c in docker_client.containers.list(all=True)
    }
    assert _state(ec2, instance_id) == "terminated"
    listed = ssm.describe_instance_information()["InstanceInformationList"]
    assert instance_id not in {i["InstanceId"] for i in listed}


def _instance_ids(ec2) -> set[str]:
    reservations = ec2.describe_instances()["Reservations"]
    return {i["InstanceId"] for r in reservations for i in r["Instances"]}


def _state(ec2, instance_id: str) -> str:
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["State"]["Name"]
