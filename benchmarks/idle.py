"""Idle cost: LocalStack's CPU share and RSS with instances left alone, against a LocalStack
without the extension measured in the same windows.

The windows open only once the launch has settled, as observed: every instance has run a
command, has its resident helper (as `docker top` shows) and is Online, and each LocalStack's
own CPU use stayed under SETTLED_PERCENT for SETTLED_SAMPLES one-second samples in a row. Both
LocalStacks run at the same time, so each window measures both: the same machine noise hits
both sides.
"""

import os
import statistics
import time
from pathlib import Path

import docker
import psutil

from benchmarks.scenarios import POLL_INTERVAL, _online, launch, send, terminate, wait_command
from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.shell import RESIDENT_HELPER

HELPER_COMMAND = f"sh -c {RESIDENT_HELPER[:40]}"
SETTLED_PERCENT = 2.0
SETTLED_SAMPLES = 3
SETTLE_DEADLINE = 120.0
WINDOWS = 3
OURS = "with extension"
BASELINE = "without extension"


def idle_comparison(
    localstack: LocalStack, workdir: Path, ami_id: str, instances: int, seconds: float
) -> dict:
    """Each LocalStack's CPU share (median of WINDOWS windows over `seconds` in all) and RSS,
    ours with `instances` idle instances (each of which has run one command) and the
    baseline's with none; the resident helpers' own CPU share and RSS per instance, read from
    /proc for the processes `docker top` names in each container."""
    baseline = LocalStack(
        workdir / "without",
        env={"PROVIDER_OVERRIDE_EC2": "default", "PROVIDER_OVERRIDE_SSM": "default"},
    )
    docker_api = docker.from_env(version="1.41").api
    ids: list[str] = []
    try:
        baseline.client("ec2").describe_instances()
        baseline.client("ssm").describe_parameters()
        ids = launch(localstack, ami_id, instances)
        ssm = localstack.client("ssm")
        wait_command(ssm, send(ssm, ids), len(ids))
        helpers = _helpers_up(docker_api, ids)
        while not _online(ssm, set(ids)):
            time.sleep(POLL_INTERVAL)
        processes = {
            OURS: psutil.Process(localstack.process.pid),
            BASELINE: psutil.Process(baseline.process.pid),
        }
        settled = {name: _settled_after(process) for name, process in processes.items()}
        helper_cpu = {pid: _cpu_seconds(pid) for pids in helpers.values() for pid in pids}
        windows: dict[str, list[float]] = {name: [] for name in processes}
        for _ in range(WINDOWS):
            before = {name: _busy(process) for name, process in processes.items()}
            time.sleep(seconds / WINDOWS)  # the window itself: both LocalStacks are left alone
            for name, process in processes.items():
                windows[name].append(100 * (_busy(process) - before[name]) / (seconds / WINDOWS))
        rss = {name: process.memory_info().rss for name, process in processes.items()}
        helper_cpu = {pid: _cpu_seconds(pid) - used for pid, used in helper_cpu.items()}
        helper_rss = [sum(_rss_kb(pid) for pid in pids) for pids in helpers.values()]
    finally:
        docker_api.close()
        if ids:
            terminate(localstack, ids)
        baseline.stop()
    results = {
        name: {
            "cpu_percent": round(statistics.median(windows[name]), 2),
            "cpu_percent_windows": [round(w, 2) for w in windows[name]],
            "rss_mb": round(rss[name] / 2**20, 1),
            "settled_after_s": settled[name],
        }
        for name in processes
    }
    per_instance = [sum(helper_cpu[pid] for pid in pids) for pids in helpers.values()]
    results[OURS]["instances"] = instances
    results[OURS]["helpers"] = {
        "instances_with_a_helper": sum(1 for pids in helpers.values() if pids),
        "helpers_per_instance": statistics.median(len(pids) for pids in helpers.values()),
        "cpu_percent_per_instance_max": round(100 * max(per_instance) / seconds, 3),
        "cpu_percent_all_instances": round(100 * sum(per_instance) / seconds, 3),
        "rss_kb_per_instance_median": statistics.median(helper_rss),
        "rss_kb_per_instance_max": max(helper_rss),
    }
    return results


def _helpers_up(docker_api, ids: list[str]) -> dict[str, list[int]]:
    """Each instance's helper pids, once every instance has one (the helper starts in the
    background at launch)."""
    deadline = time.monotonic() + SETTLE_DEADLINE
    while True:
        helpers = {i: _helper_pids(docker_api, f"localstack-ec2.{i}") for i in ids}
        if all(helpers.values()) or time.monotonic() > deadline:
            return helpers
        time.sleep(POLL_INTERVAL)


def _settled_after(process: psutil.Process) -> float | None:
    """Seconds until the process used under SETTLED_PERCENT of a core for SETTLED_SAMPLES
    one-second samples in a row (None when it did not within SETTLE_DEADLINE)."""
    start = time.monotonic()
    quiet = 0
    while quiet < SETTLED_SAMPLES:
        if time.monotonic() - start > SETTLE_DEADLINE:
            return None
        before = _busy(process)
        time.sleep(1.0)  # one sample of the process's CPU time
        quiet = quiet + 1 if 100 * (_busy(process) - before) < SETTLED_PERCENT else 0
    return round(time.monotonic() - start, 1)


def _busy(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _helper_pids(docker_api, container: str) -> list[int]:
    """Host pids of the resident helpers in the container (`docker top`: the engine's view)."""
    top = docker_api.top(container, ps_args="-eo pid,args")
    return [int(row[0]) for row in top["Processes"] if row[1].startswith(HELPER_COMMAND)]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a host process, from /proc (the bench runs on the engine's
    host)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
