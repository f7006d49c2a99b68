"""examples/packer built by Debian's Packer (1.6.6, `make deployment-tools` installs it) against a
real LocalStack, unchanged but for the endpoint: the amazon-ebs builder launches the Debian AMI,
reaches it over SSH through a Session Manager port-forwarding session (AWS's plugin), provisions
it, stops it and creates the AMI; an instance launched from that AMI has what the provisioner
installed, and Packer's clean-up leaves no instance, container, key pair, security group or
session behind."""

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from harness.instance_profiles import make_instance_profile
from harness.session_clients import cli_env
from tests.integration.helpers import finished, ping_status, poll, run_command

EXAMPLE = Path(__file__).parents[2] / "examples" / "packer"
TEMPLATE = "debian-hello.pkr.hcl"
ACCOUNT = "350000000001"  # its instances, key pairs, groups and sessions are only its own
PROFILE = "packer-ssm"
CHECK = [
    "cat /etc/hello.txt",
    "readlink /etc/systemd/system/multi-user.target.wants/hello.service",
    "/usr/local/bin/hello-service --once && cat /run/hello.last",
]


@pytest.fixture(scope="module")
def packer() -> str:
    binary = shutil.which("packer")
    assert binary, "packer is not on PATH: `make deployment-tools` installs Debian's"
    return binary


@pytest.fixture(scope="module")
def instance_profile(localstack) -> str:
    """The instance profile the template names, as a user makes it once."""
    iam = localstack.client("iam", account=ACCOUNT)
    make_instance_profile(iam, PROFILE)
    return PROFILE


def _build(packer: str, endpoint: str, work: Path, ami_name: str) -> subprocess.CompletedProcess:
    env = {
        **cli_env(ACCOUNT),
        "CHECKPOINT_DISABLE": "1",
        "PACKER_CACHE_DIR": str(work / "cache"),
        "PACKER_LOG": "1",
        "PACKER_LOG_PATH": str(work / "packer.log"),
    }
    return subprocess.run(
        [
            *(packer, "build", "-color=false"),
            *(f"-var=endpoint={endpoint}", f"-var=ami_name={ami_name}"),
            str(EXAMPLE / TEMPLATE),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_packer_builds_the_example_ami_and_cleans_up(
    packer, instance_profile, localstack, docker_client, tmp_path
):
    ec2 = localstack.client("ec2", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    ami_name = f"debian-hello-{uuid.uuid4().hex[:8]}"
    launched: list[str] = []
    try:
        built = _build(packer, localstack.endpoint, tmp_path, ami_name)
        assert built.returncode == 0, f"packer build failed:\n{built.stdout}\n{built.stderr}"
        [image] = ec2.describe_images(
            Owners=["self"], Filters=[{"Name": "name", "Values": [ami_name]}]
        )["Images"]
        assert f"us-east-1: {image['ImageId']}" in built.stdout
        assert image["State"] == "available"
        assert image["Description"] == "Debian 13 with the hello service"
        assert {"Key": "Builder", "Value": "packer"} in image["Tags"]

        # Packer's clean-up: its instance terminated (no container), its key pair and security
        # group deleted, its port-forwarding session ended
        reservations = ec2.describe_instances()["Reservations"]
        builders = [i for r in reservations for i in r["Instances"]]
        assert [i["State"]["Name"] for i in builders] == ["terminated"]
        assert not docker_client.containers.list(
            all=True, filters={"name": f"localstack-ec2.{builders[0]['InstanceId']}"}
        )
        assert ec2.describe_key_pairs()["KeyPairs"] == []
        groups = ec2.describe_security_groups()["SecurityGroups"]
        assert [g["GroupName"] for g in groups] == ["default"]
        assert (
            poll(lambda: ssm.describe_sessions(State="Active")["Sessions"], lambda s: s == []) == []
        )
        ended = ssm.describe_sessions(State="History")["Sessions"]
        assert ended and all(s["Target"] == builders[0]["InstanceId"] for s in ended)

        instance_id = ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1)[
            "Instances"
        ][0]["InstanceId"]
        launched.append(instance_id)
        poll(lambda: ping_status(ssm, instance_id), lambda status: status == "Online")
        result = finished(ssm, run_command(ssm, instance_id, CHECK), instance_id)
        assert result["Status"] == "Success", result["StandardErrorContent"]
        assert result["StandardOutputContent"].splitlines() == [
            "hello from packer",
            "/etc/systemd/system/hello.service",
            "hello from packer",
        ]
    finally:
        if launched:
            ec2.terminate_instances(InstanceIds=launched)
        for image in ec2.describe_images(Owners=["self"])["Images"]:
            ec2.deregister_image(ImageId=image["ImageId"])
