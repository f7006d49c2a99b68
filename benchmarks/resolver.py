"""Name lookups inside a Debian instance: `getent hosts localhost.localstack.cloud` in a loop
(the instance resolver at 169.254.169.253, through the responder to LocalStack) against the same
loop resolving a name from the instance's /etc/hosts (no DNS at all), interleaved (the order
alternates per round) so that machine noise hits both sides. Each loop runs in one exec; its
time is the loop's own, read inside the instance."""

import os
import time

import docker

from benchmarks.scenarios import POLL_INTERVAL, row, terminate
from harness.localstack_process import LocalStack

DEBIAN_AMI = os.environ.get("DEBIAN_AMI_ID", "ami-0d3b1a2c3d4e5f607")
NAME = "localhost.localstack.cloud"
HOSTS_NAME = "localhost"
"""In every container's /etc/hosts (Docker writes it)."""


def _loop(container, name: str, lookups: int) -> float:
    """Seconds for `lookups` lookups of `name`, each of which must resolve."""
    script = (
        f"s=$(date +%s%N); i=0; while [ $i -lt {lookups} ]; do "
        f"getent hosts {name} >/dev/null || exit 1; i=$((i+1)); done; "
        "echo $(( $(date +%s%N) - s ))"
    )
    done = container.exec_run(["sh", "-c", script])
    if done.exit_code != 0:
        raise RuntimeError(f"getent hosts {name} failed: {done.output!r}")
    return int(done.output) / 1e9


def _running(engine: docker.DockerClient, instance_id: str, deadline: float):
    """The instance's container once it runs (its resolver is set when it is created)."""
    while time.monotonic() < deadline:
        try:
            container = engine.containers.get(f"localstack-ec2.{instance_id}")
            if container.status == "running":
                return container
        except docker.errors.NotFound:
            pass
        time.sleep(POLL_INTERVAL)
    raise RuntimeError(f"{instance_id} never ran")


def name_lookups(localstack: LocalStack, lookups: int, rounds: int) -> dict:
    """`lookups` lookups of LocalStack's name against as many of a name in /etc/hosts, per
    round (medians of the rounds; the row's name gives the lookups per second of both)."""
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        container = _running(docker.from_env(), instance_id, time.monotonic() + 120)
        _loop(container, NAME, 1)  # the first lookup: Docker's embedded DNS warms up too
        ours: list[float] = []
        floor: list[float] = []
        for round_ in range(rounds):
            sides = ((ours, NAME), (floor, HOSTS_NAME))
            for samples, name in sides if round_ % 2 == 0 else reversed(sides):
                samples.append(_loop(container, name, lookups))
        result = row(f"{lookups} name lookups (resolver)", ours, floor)
        result["ours_lookups_per_s"] = round(lookups / (result["ours_median_ms"] / 1000), 1)
        result["floor_lookups_per_s"] = round(lookups / (result["floor_median_ms"] / 1000), 1)
        return result
    finally:
        terminate(localstack, [instance_id])
