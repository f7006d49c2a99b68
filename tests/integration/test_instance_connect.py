"""EC2 Instance Connect as on AWS: `aws ec2-instance-connect send-ssh-public-key` makes a key
valid for 60 seconds for one OS user of one instance; the Debian AMI's sshd asks the metadata
service for it (AuthorizedKeysCommand, as AWS's ec2-instance-connect package sets it up). The
login is real OpenSSH through Session Manager; the 60 seconds are waited out for real."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from harness.session_clients import cli_env
from tests.integration.helpers import poll, until_online
from tests.integration.ssh_helpers import new_key, run_shell, ssh, ssh_once_up

DEBIAN_AMI = os.environ.get("DEBIAN_AMI_ID", "ami-0d3b1a2c3d4e5f607")
VALIDITY = 60


@pytest.fixture(scope="module")
def debian(localstack) -> Iterator[str]:
    """A Debian instance launched without a key pair, Online."""
    ec2 = localstack.client("ec2")
    ssm = localstack.client("ssm")
    instance_id = ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        until_online(ssm, instance_id)
        yield instance_id
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def _send(localstack, instance_id: str, user: str, public_key: Path) -> dict:
    """`aws ec2-instance-connect send-ssh-public-key`, as a user runs it."""
    aws = str(Path(sys.executable).parent / "aws")
    result = subprocess.run(
        [
            aws,
            "--endpoint-url",
            localstack.endpoint,
            "ec2-instance-connect",
            "send-ssh-public-key",
            "--instance-id",
            instance_id,
            "--instance-os-user",
            user,
            "--ssh-public-key",
            f"file://{public_key}",
        ],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_sent_key_lets_its_user_in_for_sixty_seconds_and_not_after(
    localstack, ssm, debian, tmp_path
):
    key = new_key(tmp_path, "connect")
    # refused by sshd itself (it starts at boot, after the instance is Online): the key's 60
    # seconds then start with sshd already answering
    refused = poll(
        lambda: ssh(localstack, key, "admin", debian, "true"),
        lambda result: "Permission denied" in result.stderr,
    )
    assert refused.returncode == 255
    sent_before = time.monotonic()
    reply = _send(localstack, debian, "admin", key.with_suffix(".pub"))
    sent_after = time.monotonic()
    assert reply["Success"] is True and reply["RequestId"]
    logged_in = ssh_once_up(localstack, key, "admin", debian, "id -un; sudo -n id -un")
    assert logged_in.stdout == "admin\nroot\n"
    assert time.monotonic() - sent_after < VALIDITY
    served = run_shell(
        ssm,
        debian,
        ["curl -sf http://169.254.169.254/latest/meta-data/managed-ssh-keys/active-keys/admin/"],
    )
    assert served.split() == key.with_suffix(".pub").read_text().split()[:2]
    # only for the user it was sent for
    assert ssh(localstack, key, "root", debian, "true").returncode == 255
    # refused once its 60 seconds are over, and not before
    poll(
        lambda: ssh(localstack, key, "admin", debian, "true"),
        lambda result: result.returncode == 255,
        deadline=VALIDITY + 30,
    )
    refused_at = time.monotonic()
    assert refused_at - sent_before >= VALIDITY
    assert refused_at - sent_after < VALIDITY + 15


def test_send_ssh_public_key_refuses_as_aws_does(localstack, launch, tmp_path):
    connect = localstack.client("ec2-instance-connect")
    public = new_key(tmp_path, "errors").with_suffix(".pub").read_text()

    def error(**request) -> dict:
        request = {"InstanceOSUser": "admin", "SSHPublicKey": public, **request}
        with pytest.raises(ClientError) as raised:
            connect.send_ssh_public_key(**request)
        return raised.value.response["Error"]

    assert error(InstanceId="i-0123456789abcdef0")["Code"] == "EC2InstanceNotFoundException"
    assert error(InstanceId="mi-048afb7f6460a110d") == {
        "Code": "InvalidArgsException",
        "Message": "1 validation error detected: Value 'mi-048afb7f6460a110d' at 'instanceId' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "^i-[a-f0-9]+$",
    }
    (instance_id,) = launch()
    not_a_key = "ssh-ed25519 " + "A" * 80
    assert error(InstanceId=instance_id, SSHPublicKey=not_a_key)["Code"] == ("InvalidArgsException")
    wrong_zone = error(InstanceId=instance_id, AvailabilityZone="us-east-1f")
    assert wrong_zone["Code"] == "EC2InstanceNotFoundException"
    with pytest.raises(ClientError) as serial:
        connect.send_serial_console_ssh_public_key(InstanceId=instance_id, SSHPublicKey=public)
    assert serial.value.response["Error"]["Code"] == "SerialConsoleAccessDisabledException"
    ec2 = localstack.client("ec2")
    ec2.stop_instances(InstanceIds=[instance_id])
    assert error(InstanceId=instance_id)["Code"] == "EC2InstanceStateInvalidException"
