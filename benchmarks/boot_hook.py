"""The Debian AMI's boot hook (cloud-init's part: host keys, the key pair's key, sshd): what it
adds to RunInstances -> Online, and how soon after RunInstances `ssh admin@<instance>` logs in,
against the same image without its hook (a tag of it whose boot-hook label is empty),
interleaved (the order alternates per round) so that machine noise hits both sides."""

import io
import os
import subprocess
import tempfile
import time
from pathlib import Path

import docker

from benchmarks.scenarios import POLL_INTERVAL, row, terminate
from harness.localstack_process import LocalStack
from harness.session_clients import cli_env, ssh_options

DEBIAN_AMI = os.environ.get("DEBIAN_AMI_ID", "ami-0d3b1a2c3d4e5f607")
DEBIAN_IMAGE = f"localstack-ec2/debian-13:{DEBIAN_AMI}"
NO_HOOK_AMI = "ami-0d3b1a2c3d4e5f6ff"
NO_HOOK_IMAGE = f"localstack-ec2/debian-13-no-boot-hook:{NO_HOOK_AMI}"
KEY_NAME = "bench-boot-hook"


def _no_hook_image() -> None:
    dockerfile = f'FROM {DEBIAN_IMAGE}\nLABEL localstack-ssm-docker.boot-hook=""\n'
    docker.from_env().images.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=NO_HOOK_IMAGE, rm=True, forcerm=True
    )


def _launch_online(localstack: LocalStack, ami_id: str, **kwargs) -> tuple[str, float]:
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    start = time.perf_counter()
    reservation = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1, **kwargs)
    instance_id = reservation["Instances"][0]["InstanceId"]
    while not _is_online(ssm, instance_id):
        time.sleep(POLL_INTERVAL)
    return instance_id, start


def _is_online(ssm, instance_id: str) -> bool:
    listed = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
    )["InstanceInformationList"]
    return bool(listed) and listed[0]["PingStatus"] == "Online"


def _ssh_until_in(localstack: LocalStack, key: Path, instance_id: str, deadline: float) -> None:
    command = ["ssh", *ssh_options(localstack.endpoint, key), "-l", "admin", instance_id, "true"]
    while time.monotonic() < deadline:
        done = subprocess.run(command, env=cli_env(), capture_output=True, timeout=60)
        if done.returncode == 0:
            return
        time.sleep(0.05)
    raise RuntimeError(f"ssh admin@{instance_id} never got in")


def debian_boot(localstack: LocalStack, rounds: int) -> list[dict]:
    """Launch -> Online with and without the hook; launch -> ssh login with it."""
    ec2 = localstack.client("ec2")
    _no_hook_image()
    material = ec2.create_key_pair(KeyName=KEY_NAME, KeyType="ed25519")["KeyMaterial"]
    online_ours: list[float] = []
    online_floor: list[float] = []
    ssh_ours: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as workdir:
            key = Path(workdir) / "key.pem"
            key.write_text(material)
            key.chmod(0o600)

            def ours() -> None:
                instance_id, start = _launch_online(localstack, DEBIAN_AMI, KeyName=KEY_NAME)
                online_ours.append(time.perf_counter() - start)
                _ssh_until_in(localstack, key, instance_id, time.monotonic() + 120)
                ssh_ours.append(time.perf_counter() - start)
                terminate(localstack, [instance_id])

            def floor() -> None:
                instance_id, start = _launch_online(localstack, NO_HOOK_AMI)
                online_floor.append(time.perf_counter() - start)
                terminate(localstack, [instance_id])

            for round_ in range(rounds):
                sides = (ours, floor) if round_ % 2 == 0 else (floor, ours)
                for side in sides:
                    side()
        return [
            row("Debian launch to Online", online_ours, online_floor),
            row("Debian launch to ssh admin", ssh_ours, online_floor),
        ]
    finally:
        ec2.delete_key_pair(KeyName=KEY_NAME)
        docker.from_env().images.remove(NO_HOOK_IMAGE, force=True)
