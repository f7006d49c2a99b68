"""A gigabyte of output, endless output and a fork bomb: LocalStack's memory stays bounded (output
is streamed and capped), the flood ends at its timeout, and other instances' commands still run."""

import threading
import time

import psutil

from tests.integration.helpers import container_of, finished, poll, reaches, run_command

MEMORY_BUDGET = 200 * 1024 * 1024
"""How much LocalStack's resident memory may grow while the flood runs."""
GIGABYTE = 1024**3


def resident_bytes(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


class PeakMemory:
    """Samples a process's resident memory in the background; `peak` is the largest seen."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.baseline = self.peak = resident_bytes(pid)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.peak = max(self.peak, resident_bytes(self.pid))

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def ended_before(first: dict, second: dict) -> bool:
    return first["ExecutionEndDateTime"] < second["ExecutionEndDateTime"]


def test_a_gigabyte_of_output_is_streamed_and_capped(localstack, ssm, launch):
    flooded, other = launch(2)
    with PeakMemory(localstack.process.pid) as memory:
        started = time.monotonic()
        flood = run_command(
            ssm, flooded, [f"yes 0123456789abcdef | head -c {GIGABYTE}", "echo flood done >&2"]
        )
        quiet = run_command(ssm, other, ["echo other"])
        quiet_result = finished(ssm, quiet, other)
        flood_result = poll(
            lambda: ssm.get_command_invocation(CommandId=flood, InstanceId=flooded),
            lambda r: r["Status"] not in ("Pending", "InProgress"),
            deadline=300,
        )
        elapsed = time.monotonic() - started
    assert (quiet_result["Status"], quiet_result["StandardOutputContent"]) == ("Success", "other\n")
    assert ended_before(quiet_result, flood_result)
    assert flood_result["Status"] == "Success"
    assert flood_result["StandardOutputContent"].endswith("--output truncated--")
    assert len(flood_result["StandardOutputContent"]) <= 24000
    assert flood_result["StandardErrorContent"] == "flood done\n"
    print(f"1 GiB streamed in {elapsed:.1f} s; LocalStack RSS grew {memory.growth / 2**20:.1f} MiB")
    assert memory.growth < MEMORY_BUDGET


def test_endless_output_and_a_fork_bomb_end_at_their_timeout(
    localstack, ssm, launch, docker_client
):
    endless, bomb, other = launch(3)
    with PeakMemory(localstack.process.pid) as memory:
        loud = run_command(ssm, endless, ["yes"], executionTimeout="10")
        forks = run_command(ssm, bomb, ["f() { f | f; }; f"], executionTimeout="10")
        quiet = run_command(ssm, other, ["echo other"])
        quiet_result = finished(ssm, quiet, other)
        loud_result = reaches(ssm, loud, endless, "TimedOut", deadline=120)
        forks_result = reaches(ssm, forks, bomb, "TimedOut", deadline=120)
    assert (quiet_result["Status"], quiet_result["StandardOutputContent"]) == ("Success", "other\n")
    assert ended_before(quiet_result, loud_result) and ended_before(quiet_result, forks_result)
    for result in (loud_result, forks_result):
        assert (result["StatusDetails"], result["ResponseCode"]) == ("ExecutionTimedOut", 137)
    assert loud_result["StandardOutputContent"].endswith("--output truncated--")
    container = container_of(docker_client, bomb)
    processes = poll(
        lambda: container.exec_run(["ps", "-o", "comm"]).output.decode().split()[1:],
        lambda names: "sh" not in names,
    )
    assert sorted(processes) == ["docker-init", "ps", "sleep"]
    print(f"LocalStack RSS grew {memory.growth / 2**20:.1f} MiB")
    assert memory.growth < MEMORY_BUDGET
    fresh = run_command(ssm, bomb, ["echo recovered"])
    assert finished(ssm, fresh, bomb)["StandardOutputContent"] == "recovered\n"
