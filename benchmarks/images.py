"""CreateImage until the AMI is available, against a plain `docker commit` of the same container,
interleaved (the order alternates per round) so that machine noise hits both sides."""

import functools
import subprocess
import time

from benchmarks.scenarios import POLL_INTERVAL, launch, row, send, terminate, timed, wait_command
from harness.localstack_process import LocalStack

_PAYLOAD = "head -c 8388608 /dev/urandom > /root/payload"
"""8 MB written once, so every capture has a real layer to copy."""


def _available(ec2, ami_id: str) -> None:
    while True:
        state = ec2.describe_images(ImageIds=[ami_id])["Images"][0]["State"]
        if state == "available":
            return
        if state == "failed":
            raise RuntimeError(f"{ami_id} failed")
        time.sleep(POLL_INTERVAL)


def capture_to_available(localstack: LocalStack, ami_id: str, rounds: int) -> dict:
    """CreateImage(NoReboot=True) -> available, against `docker commit` of the same container."""
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    (instance_id,) = launch(localstack, ami_id, 1)
    container = f"localstack-ec2.{instance_id}"
    made: list[str] = []
    committed: list[str] = []
    try:
        wait_command(ssm, send(ssm, [instance_id], _PAYLOAD), 1)
        ours, floor = [], []

        def capture(round_: int) -> None:
            image = ec2.create_image(
                InstanceId=instance_id, Name=f"bench-capture-{round_}", NoReboot=True
            )["ImageId"]
            made.append(image)
            _available(ec2, image)

        def commit(round_: int) -> None:
            tag = f"bench-floor-commit:{round_}"
            subprocess.run(["docker", "commit", container, tag], capture_output=True, check=True)
            committed.append(tag)

        for round_ in range(rounds):
            ours_first = round_ % 2 == 0
            for side in ("ours", "floor") if ours_first else ("floor", "ours"):
                if side == "ours":
                    ours.append(timed(functools.partial(capture, round_)))
                else:
                    floor.append(timed(functools.partial(commit, round_)))
        return row("CreateImage to available", ours, floor)
    finally:
        for image in made:
            ec2.deregister_image(ImageId=image)
        if committed:
            subprocess.run(["docker", "rmi", "-f", *committed], capture_output=True, check=False)
        terminate(localstack, [instance_id])
