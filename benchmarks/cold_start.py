"""The first RunInstances after LocalStack prints `Ready.`: how long LocalStack takes to say
Ready, how long the first instance then takes to be Online and where that time goes, against the
second launch in the same LocalStack; and the first SendCommand against the tenth. With the
start-up warm-up on and off (it must make the first launch fast without making Ready much
later).

The commands go through one client made before the first launch, so that botocore's own first
call of a client (its connection, its per-operation caches: about 1.6 ms for a SendCommand and a
GetCommandInvocation) is not counted as the first command's. Beside them, one command to the
first instance (ten jobs behind it) right after the second launch: the first request after other
work, on an instance that has no first job left to pay.

Where a launch's time goes comes from the engine's own timestamps of the instance's container
(Created, StartedAt: the engine runs on this host, so its clock is ours):

- request → created: LocalStack's request path and ours up to the engine's create;
- created → started: the engine's create, network connection and start;
- started → reply: what follows the start (inspect, the per-image checks, the metadata
  registration) and the reply;
- reply → Online: DescribeInstanceInformation until it shows the instance Online.
"""

import statistics
import time
from pathlib import Path

import docker

from benchmarks.scenarios import engine_time, send, wait_invocation
from harness.localstack_process import LocalStack

POLL_INTERVAL = 0.005
READY_POLL = 0.005
READY_MARKER = b"Ready."
COMMANDS = 10
PHASES = ("request → created", "created → started", "started → reply", "reply → Online")


def _wait_ready_marker(localstack: LocalStack) -> None:
    while READY_MARKER not in localstack.log_path.read_bytes():
        time.sleep(READY_POLL)


def _launch(localstack: LocalStack, client: docker.DockerClient, ami_id: str) -> tuple[str, dict]:
    """One instance from RunInstances until Online: its id and the seconds of each phase."""
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    sent = time.time()
    reservation = ec2.run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)
    replied = time.time()
    instance_id = reservation["Instances"][0]["InstanceId"]
    while True:
        found = ssm.describe_instance_information(
            Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
        )["InstanceInformationList"]
        if found and found[0]["PingStatus"] == "Online":
            break
        time.sleep(POLL_INTERVAL)
    online = time.time()
    attrs = client.api.inspect_container(f"localstack-ec2.{instance_id}")
    created, started = engine_time(attrs["Created"]), engine_time(attrs["State"]["StartedAt"])
    parts = (created - sent, started - created, replied - started, online - replied)
    return instance_id, {"total": online - sent, **dict(zip(PHASES, parts, strict=True))}


def _commands(ssm, instance_id: str, count: int = COMMANDS) -> list[float]:
    """SendCommand → GetCommandInvocation Success, `count` times: seconds each."""
    took = []
    for _ in range(count):
        start = time.perf_counter()
        wait_invocation(ssm, send(ssm, [instance_id]), instance_id)
        took.append(time.perf_counter() - start)
    return took


def _once(workdir: Path, ami_id: str, warm_up: bool, client: docker.DockerClient) -> dict:
    env = {"SSM_DOCKER_WARM_UP": "1" if warm_up else "0"}
    start = time.perf_counter()
    localstack = LocalStack(workdir, env=env, ready_poll=READY_POLL)
    try:
        _wait_ready_marker(localstack)
        ready = time.perf_counter() - start
        ssm = localstack.client("ssm")
        first_id, first = _launch(localstack, client, ami_id)
        commands = _commands(ssm, first_id)
        second_id, second = _launch(localstack, client, ami_id)
        (after_launch,) = _commands(ssm, first_id, 1)
        localstack.client("ec2").terminate_instances(InstanceIds=[first_id, second_id])
        return {
            "ready": ready,
            "first": first,
            "second": second,
            "commands": commands,
            "after_launch": after_launch,
        }
    finally:
        localstack.stop()


def _median_ms(values) -> float:
    return round(statistics.median(values) * 1000, 1)


def cold_start(workdir: Path, ami_id: str, repeats: int) -> dict:
    """`repeats` starts with the warm-up and as many without, alternating; medians."""
    client = docker.from_env()
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for n in range(repeats):
        for warm_up in (True, False):
            runs[warm_up].append(
                _once(workdir / f"cold-{n}-{int(warm_up)}", ami_id, warm_up, client)
            )
    return {
        ("with warm-up" if warm_up else "without warm-up"): {
            "repeats": len(samples),
            "ready_s": round(statistics.median(s["ready"] for s in samples), 2),
            "ready_all_s": [round(s["ready"], 2) for s in samples],
            "first_online_s": round(statistics.median(s["first"]["total"] for s in samples), 2),
            "first_online_all_s": [round(s["first"]["total"], 2) for s in samples],
            "second_online_s": round(statistics.median(s["second"]["total"] for s in samples), 2),
            "first_launch_ms": {p: _median_ms(s["first"][p] for s in samples) for p in PHASES},
            "second_launch_ms": {p: _median_ms(s["second"][p] for s in samples) for p in PHASES},
            "first_command_ms": _median_ms(s["commands"][0] for s in samples),
            "tenth_command_ms": _median_ms(s["commands"][-1] for s in samples),
            "later_commands_ms": _median_ms(c for s in samples for c in s["commands"][1:]),
            "warm_instance_after_launch_ms": _median_ms(s["after_launch"] for s in samples),
        }
        for warm_up, samples in runs.items()
    }


def print_cold_start(results: dict) -> None:
    """The cold-start lines of `make bench`'s table."""
    for name, c in results.items():
        print(
            f"cold start {name}: Ready in {c['ready_s']} s {c['ready_all_s']}, first instance "
            f"Online {c['first_online_s']} s after (medians of {c['repeats']}: "
            f"{c['first_online_all_s']}), the second {c['second_online_s']} s"
        )
        for phase in PHASES:
            print(
                f"  {phase:<22} first launch {c['first_launch_ms'][phase]:>7} ms, "
                f"second {c['second_launch_ms'][phase]:>7} ms"
            )
        print(
            f"  first SendCommand → Success {c['first_command_ms']} ms, tenth "
            f"{c['tenth_command_ms']} ms (second to tenth: {c['later_commands_ms']} ms); "
            f"to the first instance right after the second launch "
            f"{c['warm_instance_after_launch_ms']} ms"
        )
