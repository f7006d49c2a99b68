"""The first RunInstances after LocalStack starts: how long LocalStack takes to be Ready, and then
how long the first instance takes to be Online, with the start-up warm-up on and off (the
warm-up must make the first launch fast without making the start slower)."""

import statistics
import time
from pathlib import Path

from harness.localstack_process import LocalStack

POLL_INTERVAL = 0.005
READY_POLL = 0.01


def _first_launch(localstack: LocalStack, ami_id: str) -> float:
    """Seconds from RunInstances until DescribeInstanceInformation shows the instance Online."""
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    start = time.perf_counter()
    reservation = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)
    instance_id = reservation["Instances"][0]["InstanceId"]
    while True:
        found = ssm.describe_instance_information(
            Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
        )["InstanceInformationList"]
        if found and found[0]["PingStatus"] == "Online":
            break
        time.sleep(POLL_INTERVAL)
    elapsed = time.perf_counter() - start
    ec2.terminate_instances(InstanceIds=[instance_id])
    return elapsed


def _once(workdir: Path, ami_id: str, warm_up: bool) -> tuple[float, float]:
    env = {"SSM_DOCKER_WARM_UP": "1" if warm_up else "0"}
    start = time.perf_counter()
    localstack = LocalStack(workdir, env=env, ready_poll=READY_POLL)
    ready = time.perf_counter() - start
    try:
        return ready, _first_launch(localstack, ami_id)
    finally:
        localstack.stop()


def cold_start(workdir: Path, ami_id: str, repeats: int) -> dict:
    """`repeats` starts with the warm-up and as many without, alternating; medians in seconds."""
    runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for n in range(repeats):
        for warm_up in (True, False):
            runs[warm_up].append(_once(workdir / f"cold-{n}-{int(warm_up)}", ami_id, warm_up))
    return {
        ("with warm-up" if warm_up else "without warm-up"): {
            "repeats": len(samples),
            "ready_s": round(statistics.median(s[0] for s in samples), 2),
            "first_online_s": round(statistics.median(s[1] for s in samples), 2),
            "first_online_all_s": [round(s[1], 2) for s in samples],
        }
        for warm_up, samples in runs.items()
    }
