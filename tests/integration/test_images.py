"""Images that boot like machines (their own init when asked, or no shell at all), and images
CreateImage captures from instances (boot, list, deregister, bad input, restarts)."""

import contextlib
import io
import tarfile
import uuid

import docker
import pytest
from botocore.exceptions import ClientError, WaiterError

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, finished, ping_status, poll, run_command

NO_SHELL_AMI = "ami-0000000000000a0b1"
SELF_BOOT_AMI = "ami-0000000000000a0b2"
AWAIT_BOOTED = "for i in $(seq 300); do [ -f /booted ] && break; sleep 0.1; done"
"""Waits (30 s at most) until the self-booting image's init has written /booted."""


def build(docker_client, tag: str, dockerfile: str, files: dict[str, bytes]) -> None:
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in {"Dockerfile": dockerfile.encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    docker_client.images.build(fileobj=context, custom_context=True, tag=tag, rm=True, forcerm=True)


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
        # the image's init writes /booted once it runs, which RunInstances does not wait for
        command_id = run_command(ssm, instance_id, [AWAIT_BOOTED, "cat /booted"])
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


# CreateImage: an instance's container captured as an AMI


def wait_available(ec2, ami_id: str) -> dict:
    ec2.get_waiter("image_available").wait(
        ImageIds=[ami_id], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return ec2.describe_images(ImageIds=[ami_id])["Images"][0]


def tags_of(described: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in described.get("Tags") or []}


def image_tags(docker_client) -> set[str]:
    return {t for i in docker_client.images.list("localstack-ec2/*") for t in i.tags}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def deregister(ec2):
    """Deregisters the AMIs a test made, whatever state the test left them in."""
    made: list[str] = []
    yield made.append
    for ami_id in made:
        with contextlib.suppress(ClientError):
            ec2.deregister_image(ImageId=ami_id)


def test_new_image_boots_with_the_change_a_command_made(
    ec2, ssm, launch, docker_client, deregister
):
    (source,) = launch()
    wrote = run_command(ssm, source, ["echo golden > /root/golden"])
    assert finished(ssm, wrote, source)["Status"] == "Success"
    name = unique("golden")
    ami_id = ec2.create_image(
        InstanceId=source,
        Name=name,
        Description="made by a test",
        NoReboot=True,
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "team", "Value": "qa"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "kind", "Value": "root"}]},
        ],
    )["ImageId"]
    deregister(ami_id)
    image = wait_available(ec2, ami_id)
    assert (image["Name"], image["Description"], image["OwnerId"]) == (
        name,
        "made by a test",
        "000000000000",
    )
    assert (image["Architecture"], image["PlatformDetails"], image["RootDeviceType"]) == (
        "x86_64",
        "Linux/UNIX",
        "ebs",
    )
    assert image["SourceInstanceId"] == source
    assert image["BlockDeviceMappings"][0]["DeviceName"] == image["RootDeviceName"]
    assert tags_of(image) == {"team": "qa"}
    snapshot_id = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    snapshot = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]
    assert tags_of(snapshot) == {"kind": "root"}
    assert f"localstack-ec2/{name}:{ami_id}" in image_tags(docker_client)

    booted = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)["Instances"][0]
    try:
        assert booted["ImageId"] == ami_id
        read = run_command(ssm, booted["InstanceId"], ["cat /root/golden"])
        assert finished(ssm, read, booted["InstanceId"])["StandardOutputContent"] == "golden\n"
    finally:
        ec2.terminate_instances(InstanceIds=[booted["InstanceId"]])


def started_at(docker_client, instance_id: str) -> str:
    return container_of(docker_client, instance_id).attrs["State"]["StartedAt"]


def test_create_image_reboots_the_instance_unless_no_reboot(
    ec2, ssm, launch, docker_client, deregister
):
    (instance_id,) = launch()
    before = started_at(docker_client, instance_id)
    quiet = ec2.create_image(InstanceId=instance_id, Name=unique("quiet"), NoReboot=True)
    deregister(quiet["ImageId"])
    wait_available(ec2, quiet["ImageId"])
    assert started_at(docker_client, instance_id) == before

    rebooted = ec2.create_image(InstanceId=instance_id, Name=unique("rebooted"))
    deregister(rebooted["ImageId"])
    wait_available(ec2, rebooted["ImageId"])
    container = container_of(docker_client, instance_id)
    assert container.status == "running"
    assert container.attrs["State"]["StartedAt"] != before
    assert poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online") == "Online"
    again = run_command(ssm, instance_id, ["echo up"])
    assert finished(ssm, again, instance_id)["StandardOutputContent"] == "up\n"


def test_image_of_a_stopped_instance_is_captured(ec2, launch, deregister):
    (instance_id,) = launch()
    ec2.stop_instances(InstanceIds=[instance_id])
    ami_id = ec2.create_image(InstanceId=instance_id, Name=unique("stopped"))["ImageId"]
    deregister(ami_id)
    assert wait_available(ec2, ami_id)["State"] == "available"
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    assert described["Instances"][0]["State"]["Name"] == "stopped"


def test_own_images_are_listed_by_owner_and_filters_and_only_in_their_account(
    ec2, localstack, launch, deregister
):
    (instance_id,) = launch()
    name = unique("listed")
    ami_id = ec2.create_image(
        InstanceId=instance_id,
        Name=name,
        NoReboot=True,
        TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "role", "Value": "web"}]}],
    )["ImageId"]
    deregister(ami_id)
    wait_available(ec2, ami_id)

    def ids(**kwargs) -> set[str]:
        return {i["ImageId"] for i in ec2.describe_images(**kwargs)["Images"]}

    assert ami_id in ids(Owners=["self"])
    assert ami_id in ids(Filters=[{"Name": "name", "Values": [name]}])
    assert ami_id in ids(Filters=[{"Name": "state", "Values": ["available"]}])
    assert ami_id not in ids(Filters=[{"Name": "state", "Values": ["pending"]}])
    assert ami_id in ids(Filters=[{"Name": "tag:role", "Values": ["web"]}])
    assert ami_id not in ids(Filters=[{"Name": "tag:role", "Values": ["db"]}])
    assert ids(Filters=[{"Name": "image-id", "Values": [ami_id]}]) == {ami_id}

    other = localstack.client("ec2", account="111111111111")
    assert ami_id not in {i["ImageId"] for i in other.describe_images()["Images"]}
    with pytest.raises(ClientError) as refused:
        other.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)
    assert refused.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_deregistered_image_goes_from_docker_once_no_instance_uses_it(ec2, launch, docker_client):
    (source,) = launch()
    unused = ec2.create_image(InstanceId=source, Name=unique("unused"), NoReboot=True)["ImageId"]
    used = ec2.create_image(InstanceId=source, Name=unique("used"), NoReboot=True)["ImageId"]
    wait_available(ec2, unused)
    wait_available(ec2, used)
    used_tag = next(t for t in image_tags(docker_client) if t.endswith(f":{used}"))
    used_image_id = docker_client.images.get(used_tag).id

    ec2.deregister_image(ImageId=unused)
    assert not any(t.endswith(f":{unused}") for t in image_tags(docker_client))

    user = ec2.run_instances(ImageId=used, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.deregister_image(ImageId=used)
    assert ec2.describe_images(Filters=[{"Name": "image-id", "Values": [used]}])["Images"] == []
    assert docker_client.images.get(used_image_id).id == used_image_id  # the instance runs on it
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(ImageId=used, MinCount=1, MaxCount=1)
    assert refused.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"

    ec2.terminate_instances(InstanceIds=[user])
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(used_image_id)


@pytest.mark.parametrize(
    ("name", "code"),
    [("ab", "InvalidAMIName.Malformed"), ("bad|name", "InvalidAMIName.Malformed")],
)
def test_malformed_image_name_is_refused(ec2, launch, name, code):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as refused:
        ec2.create_image(InstanceId=instance_id, Name=name)
    assert refused.value.response["Error"]["Code"] == code
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_bad_create_and_deregister_requests_get_aws_errors(ec2, launch, deregister):
    (instance_id,) = launch()
    name = unique("taken")
    ami_id = ec2.create_image(InstanceId=instance_id, Name=name, NoReboot=True)["ImageId"]
    deregister(ami_id)

    def code_of(call, **kwargs) -> str:
        with pytest.raises(ClientError) as refused:
            call(**kwargs)
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        return refused.value.response["Error"]["Code"]

    assert code_of(ec2.create_image, InstanceId=instance_id, Name=name) == (
        "InvalidAMIName.Duplicate"
    )
    assert code_of(ec2.create_image, InstanceId="i-0123456789abcdef0", Name=unique("x")) == (
        "InvalidInstanceID.NotFound"
    )
    assert code_of(ec2.deregister_image, ImageId="ami-0123456789abcdef0") == (
        "InvalidAMIID.NotFound"
    )
    (gone,) = launch()
    ec2.terminate_instances(InstanceIds=[gone])
    assert code_of(ec2.create_image, InstanceId=gone, Name=unique("gone")) == (
        "IncorrectInstanceState"
    )
    assert wait_available(ec2, ami_id)["Name"] == name


def test_capture_that_fails_in_the_engine_leaves_a_failed_image_and_no_docker_image(
    ec2, launch, docker_client, deregister
):
    (instance_id,) = launch()
    container_of(docker_client, instance_id).remove(force=True)  # the engine loses it
    ami_id = ec2.create_image(InstanceId=instance_id, Name=unique("lost"), NoReboot=True)["ImageId"]
    deregister(ami_id)
    with pytest.raises(WaiterError):
        ec2.get_waiter("image_available").wait(
            ImageIds=[ami_id], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
    image = ec2.describe_images(ImageIds=[ami_id])["Images"][0]
    assert image["State"] == "failed"
    assert image["StateReason"]["Code"] == "Server.InternalError"
    assert image["StateReason"]["Message"]
    assert not any(t.endswith(f":{ami_id}") for t in image_tags(docker_client))
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)
    assert refused.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_images_and_their_records_survive_a_restart_with_persistence(tmp_path, docker_client):
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ec2, ssm = first.client("ec2"), first.client("ssm")
        source = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        wrote = run_command(ssm, source, ["echo kept > /root/kept"])
        assert finished(ssm, wrote, source)["Status"] == "Success"
        name = unique("persisted")
        ami_id = ec2.create_image(
            InstanceId=source,
            Name=name,
            NoReboot=True,
            TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "k", "Value": "v"}]}],
        )["ImageId"]
        before = wait_available(ec2, ami_id)
        ec2.terminate_instances(InstanceIds=[source])
    finally:
        assert first.stop() == 0

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        ec2, ssm = second.client("ec2"), second.client("ssm")
        after = [
            i for i in ec2.describe_images(Owners=["self"])["Images"] if i["ImageId"] == ami_id
        ]
        assert [(i["Name"], i["State"], tags_of(i), i.get("Description")) for i in after] == [
            (name, "available", {"k": "v"}, "")
        ]
        assert after[0]["CreationDate"] == before["CreationDate"]
        other = second.client("ec2", account="111111111111")
        assert ami_id not in {i["ImageId"] for i in other.describe_images()["Images"]}
        booted = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        read = run_command(ssm, booted, ["cat /root/kept"])
        assert finished(ssm, read, booted)["StandardOutputContent"] == "kept\n"
        ec2.terminate_instances(InstanceIds=[booted])
        ec2.deregister_image(ImageId=ami_id)
        assert not any(t.endswith(f":{ami_id}") for t in image_tags(docker_client))
    finally:
        assert second.stop() == 0


def test_create_image_without_a_name_or_an_instance_is_refused_with_aws_codes(localstack, launch):
    (instance_id,) = launch()
    raw = localstack.client("ec2", validate=False)
    for kwargs, code in (
        ({"InstanceId": instance_id}, "MissingParameter"),
        ({"Name": unique("no-instance")}, "MissingParameter"),
    ):
        with pytest.raises(ClientError) as refused:
            raw.create_image(**kwargs)
        assert refused.value.response["Error"]["Code"] == code
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
