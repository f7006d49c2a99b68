"""Activation by installation alone, the user's override winning, and cleanup at shutdown."""

import uuid

import docker
import pytest
from botocore.exceptions import ClientError

from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.imds_network import METADATA_NETWORK, RESPONDER
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import finished, poll, run_command


def test_installed_package_is_active_without_configuration(localstack, ssm):
    ssm.describe_instance_information()
    localstack.client("ec2").describe_images(ImageIds=[AMI_ID])
    loaded = localstack.loaded_providers()
    assert {"ssm:docker", "ec2:docker"} <= loaded
    assert not {"ssm:default", "ec2:default"} & loaded


def test_the_providers_and_the_metadata_route_are_up_when_localstack_says_ready(tmp_path):
    client = docker.from_env()
    runtime = LocalStack(tmp_path)
    try:
        poll(runtime.log_path.read_bytes, lambda log: b"Ready." in log)
        # started before Ready: the first request finds them running, and the route made
        assert {"ssm:docker", "ec2:docker"} <= runtime.loaded_providers()
        assert client.containers.get(RESPONDER).status == "running"
        assert client.networks.get(METADATA_NETWORK).attrs["Internal"]
    finally:
        assert runtime.stop() == 0


def test_user_override_wins_and_containers_go_at_shutdown(tmp_path):
    client = docker.from_env()
    runtime = LocalStack(tmp_path, env={"PROVIDER_OVERRIDE_SSM": "default"})
    try:
        ec2, ssm = runtime.client("ec2"), runtime.client("ssm")
        instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        command_id = run_command(ssm, instance_id, ["hostname"])
        # LocalStack's own SSM answers from moto: nothing ran in the container
        assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == ""
        loaded = runtime.loaded_providers()
        assert {"ssm:default", "ec2:docker"} <= loaded
        assert "ssm:docker" not in loaded
        assert client.containers.get(f"localstack-ec2.{instance_id}").status == "running"
        # an instance container of another emulator on the same engine (another run id)
        neighbour = client.containers.run(
            f"localstack-ec2/busybox:{AMI_ID}",
            ["sleep", "3600"],
            name="localstack-ec2.i-0000000000000beef",
            labels={"localstack-ssm-docker.run-id": "neighbour"},
            detach=True,
        )
    finally:
        assert runtime.stop() == 0
    names = {c.name for c in client.containers.list(all=True)}
    assert f"localstack-ec2.{instance_id}" not in names
    assert "localstack-ec2.i-0000000000000beef" in names
    neighbour.remove(force=True)


def test_containers_of_another_ec2_backend_are_adopted(tmp_path):
    client = docker.from_env()
    runtime = LocalStack(tmp_path, env={"PROVIDER_OVERRIDE_EC2": "default"})
    container = None
    try:
        ec2, ssm = runtime.client("ec2"), runtime.client("ssm")
        instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)[
            "Instances"
        ][0]["InstanceId"]
        # what another backend (LocalStack Pro's, say) would have started for the instance
        container = client.containers.run(
            f"localstack-ec2/busybox:{AMI_ID}",
            ["sleep", "infinity"],
            name=f"localstack-ec2.{instance_id}",
            detach=True,
            init=True,
        )
        info = ssm.describe_instance_information()["InstanceInformationList"]
        assert [(i["InstanceId"], i["PingStatus"], i["PlatformName"]) for i in info] == [
            (instance_id, "Online", "BusyBox")
        ]
        command_id = run_command(ssm, instance_id, ["echo adopted"])
        assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "adopted\n"
        other_region = runtime.client("ssm", region="eu-west-1").describe_instance_information()
        assert other_region["InstanceInformationList"] == []
    finally:
        if container is not None:
            container.remove(force=True)
        assert runtime.stop() == 0


def test_instance_container_configuration(tmp_path):
    client = docker.from_env()
    network = client.networks.create(f"ssm-docker-test-{uuid.uuid4().hex[:8]}")
    mapped_ami = "ami-0aaaaaaaaaaaaaaaa"
    runtime = LocalStack(
        tmp_path,
        env={
            "EC2_DOCKER_FLAGS": "-e TEAM=blue --add-host db.internal:10.9.8.7",
            "EC2_DOCKER_NETWORK": network.name,
            "EC2_AMI_IMAGES": f"{mapped_ami}=localstack-ec2/busybox:{AMI_ID}",
            "EC2_REMOVE_CONTAINERS": "0",
        },
    )
    try:
        ec2, ssm = runtime.client("ec2"), runtime.client("ssm")
        assert ec2.describe_images(ImageIds=[mapped_ami])["Images"][0]["ImageId"] == mapped_ami
        instance_id = ec2.run_instances(ImageId=mapped_ami, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        container = client.containers.get(f"localstack-ec2.{instance_id}")
        # the configured network, and the metadata network that serves 169.254.169.254
        assert sorted(container.attrs["NetworkSettings"]["Networks"]) == sorted(
            [network.name, METADATA_NETWORK]
        )
        info = ssm.describe_instance_information()["InstanceInformationList"][0]
        address = container.attrs["NetworkSettings"]["Networks"][network.name]["IPAddress"]
        assert info["IPAddress"] == address
        command_id = run_command(ssm, instance_id, ["echo $TEAM", "grep db.internal /etc/hosts"])
        output = finished(ssm, command_id, instance_id)["StandardOutputContent"]
        assert output.startswith("blue\n10.9.8.7")
    finally:
        assert runtime.stop() == 0
    kept = client.containers.get(f"localstack-ec2.{instance_id}")  # EC2_REMOVE_CONTAINERS=0
    kept.remove(force=True)
    network.remove()


def test_without_a_docker_engine_localstack_starts_and_says_why_it_cannot_run(tmp_path):
    runtime = LocalStack(tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"})
    try:
        ec2, ssm = runtime.client("ec2"), runtime.client("ssm")
        with pytest.raises(ClientError) as raised:
            ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)
        error = raised.value.response["Error"]
        assert error["Code"] == "Unavailable"
        assert "Docker engine" in error["Message"]
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        with pytest.raises(ClientError) as raised:
            run_command(ssm, "i-0123456789abcdef0", ["id"])
        assert raised.value.response["Error"]["Code"] == "Unavailable"
        assert "Docker engine" in raised.value.response["Error"]["Message"]
        assert ec2.describe_instances()["Reservations"] == []
        assert ssm.describe_instance_information()["InstanceInformationList"] == []
        assert ssm.list_commands()["Commands"] == []
    finally:
        assert runtime.stop() == 0
