"""Key pairs and EC2 Instance Connect on the Debian AMI (`make ami-debian`), as on AWS's Debian
AMIs: the key pair named at launch is served by the metadata service and lands in admin's
authorized_keys at first boot, sshd starts at boot, admin may sudo without a password, and a key
sent with `aws ec2-instance-connect send-ssh-public-key` lets its holder in for 60 seconds. Logins
are real OpenSSH through Session Manager (AWS-StartSSHSession)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import poll, until_online
from tests.integration.ssh_helpers import new_key, run_shell, ssh, ssh_once_up

DEBIAN_AMI = os.environ.get("DEBIAN_AMI_ID", "ami-0d3b1a2c3d4e5f607")
WHO = "id -un; sudo -n id -un"


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("key-pairs")


def _private_key(directory: Path, name: str, material: str) -> Path:
    path = directory / f"{name}.pem"
    path.write_text(material)
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def key_pairs(localstack, keys_dir) -> Iterator[dict[str, tuple[Path, str]]]:
    """Key pairs by how they were made: private key path and public key (OpenSSH line, as
    DescribeKeyPairs' IncludePublicKey shows it)."""
    ec2 = localstack.client("ec2")
    made: dict[str, tuple[Path, str]] = {}
    for key_type in ("rsa", "ed25519"):
        name = f"created-{key_type}"
        created = ec2.create_key_pair(KeyName=name, KeyType=key_type)
        made[name] = (_private_key(keys_dir, name, created["KeyMaterial"]), "")
    imported = new_key(keys_dir, "imported")
    ec2.import_key_pair(
        KeyName="imported", PublicKeyMaterial=imported.with_suffix(".pub").read_bytes()
    )
    made["imported"] = (imported, "")
    for name in made:
        described = ec2.describe_key_pairs(KeyNames=[name], IncludePublicKey=True)["KeyPairs"][0]
        made[name] = (made[name][0], described["PublicKey"])
    yield made
    for name in made:
        ec2.delete_key_pair(KeyName=name)


@pytest.fixture(scope="module")
def instances(localstack, key_pairs) -> Iterator[dict[str, str]]:
    """One Debian instance per key pair, Online."""
    ec2 = localstack.client("ec2")
    ssm = localstack.client("ssm")
    launched = {
        name: ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, KeyName=name)[
            "Instances"
        ][0]["InstanceId"]
        for name in key_pairs
    }
    try:
        for instance_id in launched.values():
            until_online(ssm, instance_id)
        yield launched
    finally:
        ec2.terminate_instances(InstanceIds=list(launched.values()))


def _key_line(public_key: str, name: str) -> str:
    key_type, body = public_key.split()[:2]
    return f"{key_type} {body} {name}"


@pytest.mark.parametrize("name", ["created-rsa", "created-ed25519", "imported"])
def test_the_metadata_service_serves_the_key_pair_the_instance_was_launched_with(
    localstack, ssm, key_pairs, instances, name
):
    base = "http://169.254.169.254/latest/meta-data"
    out = run_shell(
        ssm,
        instances[name],
        [
            f"curl -sf {base}/public-keys/; echo",
            f"curl -sf {base}/public-keys/0/; echo",
            f"curl -sf {base}/public-keys/0/openssh-key; echo",
        ],
    )
    assert out.split("\n")[:3] == [f"0={name}", "openssh-key", _key_line(key_pairs[name][1], name)]


@pytest.mark.parametrize("name", ["created-rsa", "created-ed25519", "imported"])
def test_admin_logs_in_with_the_key_pairs_private_key_and_sudoes_without_a_password(
    localstack, ssm, key_pairs, instances, name
):
    private, public = key_pairs[name]
    result = ssh_once_up(localstack, private, "admin", instances[name], WHO)
    assert result.stdout == "admin\nroot\n"
    listed = run_shell(ssm, instances[name], ["cat /home/admin/.ssh/authorized_keys"])
    assert listed == _key_line(public, name) + "\n"


def test_another_key_and_another_user_are_refused(localstack, keys_dir, key_pairs, instances):
    instance_id = instances["created-ed25519"]
    private, _ = key_pairs["created-ed25519"]
    ssh_once_up(localstack, private, "admin", instance_id, "true")
    stranger = new_key(keys_dir, "stranger")
    refused = ssh(localstack, stranger, "admin", instance_id, "true")
    assert refused.returncode == 255 and "Permission denied" in refused.stderr
    as_root = ssh(localstack, private, "root", instance_id, "true")
    assert as_root.returncode == 255 and "Permission denied" in as_root.stderr


def test_an_unknown_key_name_is_refused_and_launches_nothing(localstack, ec2):
    before = ec2.describe_instances()["Reservations"]
    with pytest.raises(ClientError) as raised:
        ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, KeyName="no-such-key")
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidKeyPair.NotFound"
    assert error["Message"] == "The key pair 'no-such-key' does not exist"
    assert ec2.describe_instances()["Reservations"] == before


HOST_KEY = "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"


def test_the_boot_hook_runs_at_every_boot_and_keeps_the_instances_host_keys(
    localstack, ec2, ssm, key_pairs, instances
):
    instance_id = instances["created-rsa"]
    private, _ = key_pairs["created-rsa"]
    ssh_once_up(localstack, private, "admin", instance_id, "true")
    host_key = run_shell(ssm, instance_id, [HOST_KEY])
    ec2.reboot_instances(InstanceIds=[instance_id])
    until_online(ssm, instance_id)
    # sshd is started again; the host keys and the installed key are the first boot's
    assert ssh_once_up(localstack, private, "admin", instance_id, WHO).stdout == "admin\nroot\n"
    assert run_shell(ssm, instance_id, [HOST_KEY]) == host_key


def test_user_data_runs_after_the_boot_hook(localstack, ec2, ssm, key_pairs):
    script = (
        "#!/bin/sh\ncat /home/admin/.ssh/authorized_keys > /tmp/keys-at-user-data\n"
        "test -s /run/sshd.pid && echo sshd-up >> /tmp/keys-at-user-data\n"
    )
    instance_id = ec2.run_instances(
        ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, KeyName="created-ed25519", UserData=script
    )["Instances"][0]["InstanceId"]
    try:
        seen = poll(
            lambda: run_shell(ssm, instance_id, ["cat /tmp/keys-at-user-data 2>/dev/null || true"]),
            lambda out: out.endswith("sshd-up\n"),
        )
        public = key_pairs["created-ed25519"][1]
        assert seen == _key_line(public, "created-ed25519") + "\nsshd-up\n"
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def test_an_image_captured_from_an_instance_boots_with_new_host_keys_and_its_own_key_pair(
    localstack, ec2, ssm, key_pairs, instances
):
    source = instances["created-ed25519"]
    ssh_once_up(localstack, key_pairs["created-ed25519"][0], "admin", source, "true")
    source_host_key = run_shell(ssm, source, [HOST_KEY])
    ami_id = ec2.create_image(InstanceId=source, Name="golden-admin", NoReboot=True)["ImageId"]
    ec2.get_waiter("image_available").wait(
        ImageIds=[ami_id], WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )
    instance_id = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1, KeyName="imported")[
        "Instances"
    ][0]["InstanceId"]
    try:
        private, public = key_pairs["imported"]
        assert ssh_once_up(localstack, private, "admin", instance_id, WHO).stdout == (
            "admin\nroot\n"
        )
        assert run_shell(ssm, instance_id, [HOST_KEY]) != source_host_key
        # as cloud-init does: the new key pair's key is added to what the image had
        keys = run_shell(ssm, instance_id, ["cat /home/admin/.ssh/authorized_keys"])
        assert keys == (
            _key_line(key_pairs["created-ed25519"][1], "created-ed25519")
            + "\n"
            + _key_line(public, "imported")
            + "\n"
        )
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])
        ec2.deregister_image(ImageId=ami_id)
