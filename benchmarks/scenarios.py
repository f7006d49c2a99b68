"""The benchmark scenarios: each measures ours next to the Docker floor it stands on, interleaved
so that machine noise hits both sides."""

import functools
import multiprocessing
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime

import boto3
import docker
import psutil
from botocore.config import Config

from benchmarks.floors import SCRIPT, EngineApiFloor, cli_exec, cli_exec_parallel
from harness.localstack_process import DEFAULT_ACCOUNT, LocalStack

POLL_INTERVAL = 0.005
TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def row(name: str, ours: list[float], floor: list[float], cli: list[float] | None = None) -> dict:
    """A result line: medians of ours and the floor (ms) and their ratio; with `cli`, the Docker
    CLI's median and ours against it as a second floor."""
    result = {
        "name": name,
        "samples": len(ours),
        "ours_median_ms": _median_ms(ours),
        "floor_median_ms": _median_ms(floor),
        "ratio": round(statistics.median(ours) / statistics.median(floor), 2),
    }
    if cli:
        result["cli_median_ms"] = _median_ms(cli)
        result["cli_ratio"] = round(statistics.median(ours) / statistics.median(cli), 2)
    return result


def launch(localstack: LocalStack, ami_id: str, count: int) -> list[str]:
    ec2 = localstack.client("ec2")
    reservation = ec2.run_instances(ImageId=ami_id, MinCount=count, MaxCount=count)
    return [i["InstanceId"] for i in reservation["Instances"]]


def terminate(localstack: LocalStack, instance_ids: list[str]) -> None:
    localstack.client("ec2").terminate_instances(InstanceIds=instance_ids)


def send(ssm, instance_ids: list[str], script: str = SCRIPT) -> str:
    return ssm.send_command(
        InstanceIds=instance_ids,
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": [script]},
    )["Command"]["CommandId"]


def wait_invocation(ssm, command_id: str, instance_id: str) -> dict:
    while True:
        result = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        if result["Status"] in TERMINAL:
            if result["Status"] != "Success":
                raise RuntimeError(f"unexpected result: {result}")
            return result
        time.sleep(POLL_INTERVAL)


def wait_command(ssm, command_id: str, count: int) -> None:
    while True:
        command = ssm.list_commands(CommandId=command_id)["Commands"][0]
        if command["CompletedCount"] == count:
            if command["Status"] != "Success":
                raise RuntimeError(f"unexpected result: {command}")
            return
        time.sleep(POLL_INTERVAL)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


FIRST_COMMAND_INSTANCES = 5


def _round_trip(ssm, instance_id: str) -> None:
    wait_invocation(ssm, send(ssm, [instance_id]), instance_id)


def first_and_tenth(localstack: LocalStack, ami_id: str, instances: int) -> dict:
    """The round trip of the first command sent to a new instance (right after RunInstances
    returned) and of its tenth, on `instances` instances launched one after the other: a new
    instance must not make its first command wait (medians, ms)."""
    ssm = localstack.client("ssm")
    first, tenth = [], []
    for _ in range(instances):
        (instance_id,) = launch(localstack, ami_id, 1)
        try:
            command = functools.partial(_round_trip, ssm, instance_id)
            rounds = [timed(command) for _ in range(10)]
        finally:
            terminate(localstack, [instance_id])
        first.append(rounds[0])
        tenth.append(rounds[9])
    return {
        "new_instances": instances,
        "first_command_ms": _median_ms(first),
        "tenth_command_ms": _median_ms(tenth),
        "first_vs_tenth": round(statistics.median(first) / statistics.median(tenth), 2),
    }


def single_round_trip(localstack: LocalStack, ami_id: str, rounds: int) -> dict:
    """SendCommand → GetCommandInvocation Success, against the Engine API's exec of the same
    command in the same container (and `docker exec`), interleaved; then the first command on
    new instances against their tenth."""
    first = first_and_tenth(localstack, ami_id, FIRST_COMMAND_INSTANCES)
    ssm = localstack.client("ssm")
    (instance_id,) = launch(localstack, ami_id, 1)
    container = f"localstack-ec2.{instance_id}"
    engine = EngineApiFloor()

    def ours() -> None:
        wait_invocation(ssm, send(ssm, [instance_id]), instance_id)

    try:
        for warm in (ours, lambda: engine.exec(container), lambda: cli_exec(container)):
            warm()  # every path once before measuring
        samples = [
            (timed(ours), timed(lambda: engine.exec(container)), timed(lambda: cli_exec(container)))
            for _ in range(rounds)
        ]
    finally:
        engine.close()
        terminate(localstack, [instance_id])
    result = row("single round trip", *(list(side) for side in zip(*samples, strict=True)))
    return {**result, "first_command": first}


def fan_out(localstack: LocalStack, ami_id: str, count: int, rounds: int) -> dict:
    """One SendCommand to `count` instances until all ended, against as many parallel Engine API
    execs (and `docker exec`s) into the same containers."""
    ssm = localstack.client("ssm")
    ids = launch(localstack, ami_id, count)
    containers = [f"localstack-ec2.{i}" for i in ids]
    engine = EngineApiFloor(pool_size=count)

    def ours() -> None:
        wait_command(ssm, send(ssm, ids), count)

    try:
        for warm in (
            ours,
            lambda: engine.exec_parallel(containers),
            lambda: cli_exec_parallel(containers),
        ):
            warm()
        samples = [
            (
                timed(ours),
                timed(lambda: engine.exec_parallel(containers)),
                timed(lambda: cli_exec_parallel(containers)),
            )
            for _ in range(rounds)
        ]
    finally:
        engine.close()
        terminate(localstack, ids)
    return row(f"fan-out to {count}", *(list(side) for side in zip(*samples, strict=True)))


def _online(ssm, instance_ids: set[str]) -> bool:
    pages = ssm.get_paginator("describe_instance_information").paginate(
        Filters=[{"Key": "PingStatus", "Values": ["Online"]}]
    )
    online = {i["InstanceId"] for page in pages for i in page["InstanceInformationList"]}
    return instance_ids <= online


def _docker_run(image: str, names: list[str]) -> None:
    def run(name: str) -> None:
        command = ["docker", "run", "-d", "--init", "--name", name]
        command += ["--entrypoint", "sleep", image, "infinity"]
        subprocess.run(command, capture_output=True, check=True)

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        list(pool.map(run, names))


def _docker_rm(names: list[str]) -> None:
    subprocess.run(["docker", "rm", "-f", *names], capture_output=True, check=True)


LAUNCH_PHASES = (
    "request → first created",
    "first → last created",
    "created → started (median)",
    "created → started (max)",
    "last started → reply",
    "reply → all Online",
)


def engine_time(stamp: str) -> float:
    """An engine timestamp (RFC 3339, nanoseconds) as seconds since the epoch: the engine runs
    on this host, so its clock is ours."""
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(whole + "+00:00").timestamp() + float(f"0.{fraction or 0}")


def _launch_phases(
    engine: docker.APIClient, ids: set[str], sent: float, replied: float, online: float
) -> list[float]:
    """Where one launch's time went, from the engine's Created and StartedAt of each container."""
    stamps = []
    for instance_id in ids:
        attrs = engine.inspect_container(f"localstack-ec2.{instance_id}")
        stamps.append((engine_time(attrs["Created"]), engine_time(attrs["State"]["StartedAt"])))
    created = sorted(c for c, _ in stamps)
    to_start = [s - c for c, s in stamps]
    return [
        created[0] - sent,
        created[-1] - created[0],
        statistics.median(to_start),
        max(to_start),
        replied - max(s for _, s in stamps),
        online - replied,
    ]


def launch_to_online(
    localstack: LocalStack, ami_id: str, image: str, count: int, rounds: int
) -> list[dict]:
    """RunInstances until all are Online, against `docker run` of as many containers; with where
    our time went (medians over the rounds, from the engine's timestamps)."""
    ssm, ec2 = localstack.client("ssm"), localstack.client("ec2")
    engine = docker.from_env().api
    rows = []
    for n in (1, count):
        ours, floor, phases = [], [], []
        for round_ in range(rounds):
            sent, start = time.time(), time.perf_counter()
            reservation = ec2.run_instances(ImageId=ami_id, MinCount=n, MaxCount=n)
            replied = time.time()
            ids = {i["InstanceId"] for i in reservation["Instances"]}
            while not _online(ssm, ids):
                time.sleep(POLL_INTERVAL)
            ours.append(time.perf_counter() - start)
            phases.append(_launch_phases(engine, ids, sent, replied, time.time()))
            names = [f"bench-floor-{round_}-{k}" for k in range(n)]
            floor.append(timed(functools.partial(_docker_run, image, names)))
            terminate(localstack, list(ids))
            _docker_rm(names)
        result = row(f"launch {n} to Online", ours, floor)
        result["breakdown_ms"] = {
            name: _median_ms([p[k] for p in phases]) for k, name in enumerate(LAUNCH_PHASES)
        }
        rows.append(result)
    return rows


def throughput(
    localstack: LocalStack,
    ami_id: str,
    instances: int,
    clients: int,
    seconds: float,
    floor_calls: int = 60,
) -> dict:
    """`clients` processes (as many AWS CLIs) sending one command after another to `instances`
    instances, each polling GetCommandInvocation every 5 ms until the invocation ended (as the
    CLI's waiter does).

    The floor is LocalStack's request pipeline: `sts get-caller-identity` (an idle call, same
    client settings), interleaved with GetCommandInvocation of an ended invocation, before the
    load and (from one probe thread) during it. LocalStack's RSS and CPU time are read before and
    after the load; the first pass over every instance (helpers start, pools fill) comes before.
    """
    ids = launch(localstack, ami_id, instances)
    ssm, sts = localstack.client("ssm"), localstack.client("sts")
    process = psutil.Process(localstack.process.pid)
    probe = {"sts": [], "get": []}
    stop = threading.Event()

    def call_pair(command_id: str, into: dict[str, list[float]]) -> None:
        into["sts"].append(timed(sts.get_caller_identity))
        into["get"].append(
            timed(lambda: ssm.get_command_invocation(CommandId=command_id, InstanceId=ids[0]))
        )

    def prober(command_id: str) -> None:
        while not stop.wait(0.05):
            call_pair(command_id, probe)

    try:
        with ThreadPoolExecutor(max_workers=clients) as pool:  # every instance once, in parallel
            list(pool.map(lambda i: wait_invocation(ssm, send(ssm, [i]), i), ids))
        ended = send(ssm, [ids[0]])
        wait_invocation(ssm, ended, ids[0])
        idle: dict[str, list[float]] = {"sts": [], "get": []}
        for _ in range(floor_calls):
            call_pair(ended, idle)
        rss_before, cpu_before = process.memory_info().rss, process.cpu_times()
        probe_thread = threading.Thread(target=prober, args=(ended,), daemon=True)
        probe_thread.start()
        with ProcessPoolExecutor(clients, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_ready, [localstack.endpoint] * clients))
            started = time.monotonic()
            runs = pool.map(
                _client,
                [localstack.endpoint] * clients,
                [ids] * clients,
                range(clients),
                [clients] * clients,
                [started + seconds] * clients,
            )
            commands = [command for run in runs for command in run]
        latencies = [latency for latency, _, _ in commands]
        sends = [sent for _, sent, _ in commands]
        polls = [poll for _, _, each in commands for poll in each]
        duration = time.monotonic() - started
        stop.set()
        probe_thread.join()
        rss_after, cpu_after = process.memory_info().rss, process.cpu_times()
    finally:
        terminate(localstack, ids)
    latencies.sort()
    busy = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    return {
        "name": f"throughput {clients} clients x {instances} instances",
        "samples": len(latencies),
        "commands_per_s": round(len(latencies) / duration, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        "send_median_ms": _median_ms(sends),
        "poll_median_ms": _median_ms(polls),
        "polls_per_command": round(len(polls) / len(commands), 1),
        "idle_floor": row("GetCommandInvocation vs sts, idle", idle["get"], idle["sts"]),
        "loaded_floor": row("GetCommandInvocation vs sts, loaded", probe["get"], probe["sts"]),
        "localstack_cpu_ms_per_command": round(1000 * busy / max(len(latencies), 1), 2),
        "localstack_cpu_percent": round(100 * busy / duration, 1),
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
    }


@functools.cache
def _ssm_client(endpoint: str):
    """This process's SSM client, as `LocalStack.client` makes it."""
    return boto3.client(
        "ssm",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=DEFAULT_ACCOUNT,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def _ready(endpoint: str) -> None:
    """Starts a client process (imports, its client) before the measured window."""
    _ssm_client(endpoint)
    time.sleep(0.5)  # holds this worker so that each of the pool's processes gets one call


def _client(
    endpoint: str, ids: list[str], index: int, clients: int, end: float
) -> list[tuple[float, float, list[float]]]:
    """One client of `throughput`, a process of its own as each AWS CLI is: commands one after
    another to every `clients`-th instance from `index`, each polled until it ended, until `end`
    (the system's monotonic clock). For each command: its latency, SendCommand's and every
    GetCommandInvocation's."""
    ssm = _ssm_client(endpoint)
    runs = []
    k = index
    while time.monotonic() < end:
        instance_id = ids[k % len(ids)]
        k += clients
        start = time.perf_counter()
        command_id = send(ssm, [instance_id])
        sent = time.perf_counter()
        polls = []
        while True:
            before = time.perf_counter()
            status = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
            polls.append(time.perf_counter() - before)
            if status["Status"] in TERMINAL:
                break
            time.sleep(POLL_INTERVAL)
        if status["Status"] != "Success":
            raise RuntimeError(f"unexpected result: {status}")
        runs.append((time.perf_counter() - start, sent - start, polls))
    return runs


def store_growth(localstack: LocalStack, ami_id: str, commands: int, rounds: int) -> dict:
    """Get and list (full pages of 50) with 60 recent commands in the store, then with `commands`
    older ones (to no instance) beneath 60 recent ones: a page must cost the same."""
    ssm = localstack.client("ssm")
    (instance_id,) = launch(localstack, ami_id, 1)

    def recent() -> str:
        sent = [send(ssm, [instance_id]) for _ in range(60)]
        wait_invocation(ssm, sent[-1], instance_id)
        return sent[-1]

    def operations(probe: str) -> list[float]:
        return [
            timed(lambda: ssm.get_command_invocation(CommandId=probe, InstanceId=instance_id)),
            timed(lambda: ssm.list_commands(MaxResults=50)),
            timed(lambda: ssm.list_command_invocations(MaxResults=50)),
        ]

    def filler(_: int) -> None:
        ssm.send_command(
            Targets=[{"Key": "tag:bench", "Values": ["nobody"]}],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": ["true"]},
        )

    try:
        probe = recent()
        few = [operations(probe) for _ in range(rounds)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(filler, range(commands)))
        probe = recent()
        many = [operations(probe) for _ in range(rounds)]
    finally:
        terminate(localstack, [instance_id])
    names = ("get invocation", "list commands", "list invocations")
    return {
        name: row(name, [m[k] for m in many], [f[k] for f in few]) for k, name in enumerate(names)
    }
