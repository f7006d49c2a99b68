"""Where the milliseconds of one round trip go.

The command stamps the moment it starts and the moment it ends (the modification time of a file it
touches: the container shares the host's real-time clock, at the kernel's file-time granularity
of one tick, 1-4 ms), so that the round trip splits into:

- send: the client's SendCommand until its reply;
- reply → process start: from the reply until the command's first line runs in the container;
- process: the command itself;
- process end → status visible: from its last line until the client's GetCommandInvocation
  reply that shows Success (the polling interval and one request included).

Beside them: one GetCommandInvocation's own cost, and the Engine API floor's three calls
(exec_create, exec_start until the output ended, exec_inspect) in the same container.
"""

import statistics
import time
from datetime import datetime

import docker

from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.exec_stream import exec_output

STAMP = ': > "/tmp/bench-{0}"; stat -c %y "/tmp/bench-{0}"'
SCRIPT = "\n".join([STAMP.format("start"), "cat /proc/uptime", STAMP.format("end")])
POLL_INTERVAL = 0.005


def _parse_stamp(line: str) -> float:
    """`stat -c %y` (``2026-11-27 13:39:34.580002532 +0000``) as seconds since the epoch."""
    date, clock, zone = line.split()
    whole, _, fraction = clock.partition(".")
    moment = datetime.strptime(f"{date} {whole} {zone}", "%Y-%m-%d %H:%M:%S %z")
    return moment.timestamp() + float(f"0.{fraction or 0}")


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _one_round(ssm, instance_id: str) -> dict[str, float]:
    before = time.time()
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": [SCRIPT]},
    )["Command"]["CommandId"]
    replied = time.time()
    while True:
        result = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        if result["Status"] not in ("Pending", "InProgress", "Delayed"):
            seen = time.time()
            break
        time.sleep(POLL_INTERVAL)
    if result["Status"] != "Success":
        raise RuntimeError(f"unexpected result: {result}")
    lines = result["StandardOutputContent"].splitlines()
    started, ended = _parse_stamp(lines[0]), _parse_stamp(lines[-1])
    return {
        "send": replied - before,
        "reply → process start": started - replied,
        "process": ended - started,
        "process end → status visible": seen - ended,
        "total": seen - before,
    }


def _engine_calls(api, container: str) -> dict[str, float]:
    t0 = time.perf_counter()
    exec_id = api.exec_create(container, ["sh", "-c", "cat /proc/uptime"])["Id"]
    t1 = time.perf_counter()
    for _ in exec_output(api, exec_id):
        pass
    t2 = time.perf_counter()
    api.exec_inspect(exec_id)
    t3 = time.perf_counter()
    return {
        "exec_create": t1 - t0,
        "exec_start (until output ended)": t2 - t1,
        "exec_inspect": t3 - t2,
        "total": t3 - t0,
    }


def breakdown(localstack: LocalStack, ami_id: str, rounds: int) -> dict:
    """Medians (ms) of each part of ours, of one GetCommandInvocation, and of the floor's calls,
    interleaved round by round."""
    ssm = localstack.client("ssm")
    api = docker.from_env(version="1.41").api
    reservation = localstack.client("ec2").run_instances(ImageId=ami_id, MinCount=1, MaxCount=1)
    instance_id = reservation["Instances"][0]["InstanceId"]
    container = f"localstack-ec2.{instance_id}"
    ours: list[dict[str, float]] = []
    floor: list[dict[str, float]] = []
    gets: list[float] = []
    try:
        _one_round(ssm, instance_id)  # warm both
        _engine_calls(api, container)
        for _ in range(rounds):
            ours.append(_one_round(ssm, instance_id))
            floor.append(_engine_calls(api, container))
            command_id = ssm.list_commands(MaxResults=1)["Commands"][0]["CommandId"]
            start = time.perf_counter()
            ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
            gets.append(time.perf_counter() - start)
    finally:
        api.close()
        localstack.client("ec2").terminate_instances(InstanceIds=[instance_id])
    return {
        "rounds": rounds,
        "poll_interval_ms": POLL_INTERVAL * 1000,
        "ours_ms": {part: _median_ms([r[part] for r in ours]) for part in ours[0]},
        "get_command_invocation_ms": _median_ms(gets),
        "engine_api_floor_ms": {part: _median_ms([r[part] for r in floor]) for part in floor[0]},
    }
