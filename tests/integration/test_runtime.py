"""Activation by installation alone, the user's override winning, and cleanup at shutdown."""

import docker

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import finished, run_command
from tests.integration.localstack_process import LocalStack


def test_installed_package_is_active_without_configuration(localstack, ssm):
    ssm.describe_instance_information()
    localstack.client("ec2").describe_images(ImageIds=[AMI_ID])
    loaded = localstack.loaded_providers()
    assert {"ssm:docker", "ec2:docker"} <= loaded
    assert not {"ssm:default", "ec2:default"} & loaded


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
    finally:
        assert runtime.stop() == 0
    names = {c.name for c in client.containers.list(all=True)}
    assert f"localstack-ec2.{instance_id}" not in names
