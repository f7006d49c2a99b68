"""Name lookups inside a Debian instance: `getent hosts localhost.localstack.cloud` in a loop
(the instance resolver at 169.254.169.253, through the responder to LocalStack) against two
floors: the same loop resolving a name from the instance's /etc/hosts (no DNS at all), and one
resolving the responder's container name, which Docker's embedded DNS answers itself (the same
DNS over TCP to 127.0.0.11, without our relay). The three alternate in a rotating order per round
so that machine noise hits every side. Each loop runs in one exec; its time is the loop's own,
read inside the instance."""

import os
import time

import docker

from benchmarks.scenarios import POLL_INTERVAL, row, terminate
from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.imds_network import RESPONDER

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


def name_lookups(localstack: LocalStack, lookups: int, rounds: int) -> list[dict]:
    """`lookups` lookups of LocalStack's name against as many of a name in /etc/hosts and of a
    name Docker's DNS answers, per round (medians of the rounds, and lookups per second)."""
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        container = _running(docker.from_env(), instance_id, time.monotonic() + 120)
        sides: list[tuple[str, list[float]]] = [(NAME, []), (HOSTS_NAME, []), (RESPONDER, [])]
        for name, _ in sides:
            _loop(container, name, 1)  # each name's first lookup, outside the samples
        for round_ in range(rounds):
            for k in range(len(sides)):
                name, samples = sides[(round_ + k) % len(sides)]
                samples.append(_loop(container, name, lookups))
        (_, ours), *floors = sides
        rows = []
        for floor_name, floor in floors:
            result = row(f"{lookups} lookups vs {floor_name}", ours, floor)
            result["ours_lookups_per_s"] = round(lookups / (result["ours_median_ms"] / 1000), 1)
            result["floor_lookups_per_s"] = round(lookups / (result["floor_median_ms"] / 1000), 1)
            rows.append(result)
        return rows
    finally:
        terminate(localstack, [instance_id])
