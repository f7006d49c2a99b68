"""Images that boot like machines: their own init when asked, or no shell at all."""

import io
import tarfile

import pytest

from tests.integration.helpers import finished, run_command

NO_SHELL_AMI = "ami-0000000000000a0b1"
SELF_BOOT_AMI = "ami-0000000000000a0b2"


def build(docker_client, tag: str, dockerfile: str, files: dict[str, bytes]) -> None:
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in {"Dockerfile": dockerfile.encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    docker_client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True)


@pytest.fixture(scope="module")
def images(docker_client):
    from tests.integration.conftest import AMI_ID

    tags = {
        "no-shell": f"localstack-ec2/no-shell:{NO_SHELL_AMI}",
        "self-boot": f"localstack-ec2/self-boot:{SELF_BOOT_AMI}",
    }
    with open("/bin/busybox", "rb") as f:
        busybox = f.read()
    build(
        docker_client,
        tags["no-shell"],
        'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox", "sleep", "3600"]\n',
        {"busybox": busybox},
    )
    build(
        docker_client,
        tags["self-boot"],
        f"FROM localstack-ec2/busybox:{AMI_ID}\n"
        "LABEL localstack-ssm-docker.boot=image\n"
        'ENTRYPOINT ["/bin/sh", "-c", "echo booted by its own init > /booted; exec sleep 3600"]\n',
        {},
    )
    yield tags
    for tag in tags.values():
        docker_client.images.remove(tag, force=True)


def test_image_without_shell_is_listed_but_commands_fail_clearly(ec2, ssm, images):
    instance_id = ec2.run_instances(ImageId=NO_SHELL_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        info = ssm.describe_instance_information(
            Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
        )["InstanceInformationList"]
        assert [i["PingStatus"] for i in info] == ["Online"]
        result = finished(ssm, run_command(ssm, instance_id, ["echo hi"]), instance_id)
        assert result["Status"] == "Failed"
        assert "sh" in result["StandardOutputContent"] + result["StandardErrorContent"]
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def test_image_that_boots_itself_keeps_its_entrypoint(ec2, ssm, images, docker_client):
    instance_id = ec2.run_instances(ImageId=SELF_BOOT_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
        assert container.attrs["Config"]["Entrypoint"][0] == "/bin/sh"
        command_id = run_command(ssm, instance_id, ["cat /booted"])
        assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == (
            "booted by its own init\n"
        )
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def test_containers_carry_labels_of_this_run(launch, docker_client):
    (instance_id,) = launch()
    labels = docker_client.containers.get(f"localstack-ec2.{instance_id}").labels
    assert labels["localstack-ssm-docker.instance-id"] == instance_id
    assert labels["localstack-ssm-docker.account-id"] == "000000000000"
    assert len(labels["localstack-ssm-docker.run-id"]) == 12
