"""Faults during a command: the container killed, removed or paused, the Docker engine restarted.
Every invocation ends in a terminal status whose StatusDetails and stderr say what happened, and
commands work again once the engine is back, without restarting LocalStack."""

import os
import signal
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import (
    container_of,
    finished,
    ping_status,
    poll,
    reaches,
    run_command,
    without_metadata,
)

REPOSITORY = Path(__file__).resolve().parents[2]
DOCKERD_PID_FILE = Path("/var/run/docker.pid")
LONG_SCRIPT = ["echo started", "touch /tmp/started", "sleep 60"]


def started(docker_client, instance_id: str):
    """The instance's container once the long script is running in it."""
    container = container_of(docker_client, instance_id)
    poll(lambda: container.exec_run(["test", "-f", "/tmp/started"]).exit_code, lambda c: c == 0)
    return container


def failed_by_its_container(ssm, command_id: str, instance_id: str) -> dict:
    """The invocation once ended: Failed, ResponseCode -1 (the script did not end by itself)."""
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["StatusDetails"], ended["ResponseCode"]) == (
        "Failed",
        "Failed",
        -1,
    )
    return ended


@pytest.mark.parametrize("fault", ["kill", "remove"])
def test_container_killed_or_removed_mid_command(ssm, launch, docker_client, fault):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, LONG_SCRIPT)
    container = started(docker_client, instance_id)
    container.kill() if fault == "kill" else container.remove(force=True)

    ended = failed_by_its_container(ssm, command_id, instance_id)
    assert "container stopped while the command was running" in ended["StandardErrorContent"]
    assert ended["StandardOutputContent"] == "started\n"
    command = ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert (command["Status"], command["CompletedCount"], command["ErrorCount"]) == ("Failed", 1, 1)
    if fault == "kill":
        assert ping_status(ssm, instance_id) == "ConnectionLost"


def test_container_paused_mid_command_times_out_and_is_killed_when_resumed(
    ssm, launch, docker_client
):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, LONG_SCRIPT, executionTimeout="5")
    container = started(docker_client, instance_id)
    container.pause()
    try:
        ended = reaches(ssm, command_id, instance_id, "TimedOut")
    finally:
        container.unpause()
    assert (ended["StatusDetails"], ended["ResponseCode"]) == ("ExecutionTimedOut", -1)
    assert "paused" in ended["StandardErrorContent"]
    poll(lambda: container.exec_run(["ps"]).output.decode(), lambda ps: "sleep 60" not in ps)
    after_resume = finished(ssm, command_id, instance_id)
    assert without_metadata(after_resume) == without_metadata(ended)
    fresh = run_command(ssm, instance_id, ["echo still here"])
    assert finished(ssm, fresh, instance_id)["StandardOutputContent"] == "still here\n"


def stop_dockerd() -> None:
    """SIGTERM to the engine (it stops the containers, as a host's Docker restart does)."""
    pid = int(DOCKERD_PID_FILE.read_text())
    os.kill(pid, signal.SIGTERM)

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    poll(gone, bool, deadline=90)


def test_docker_engine_restart_mid_command(ssm, launch, docker_client):
    """Runs last in this module: it restarts the engine every other test uses."""
    assert DOCKERD_PID_FILE.exists(), "this test restarts the dockerd that make docker started"
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, LONG_SCRIPT)
    started(docker_client, instance_id)
    stop_dockerd()
    try:
        ended = failed_by_its_container(ssm, command_id, instance_id)
        assert "while the command was running" in ended["StandardErrorContent"]
        with pytest.raises(ClientError) as raised:
            run_command(ssm, instance_id, ["id"])
        assert raised.value.response["Error"]["Code"] == "Unavailable"
        assert "Docker engine" in raised.value.response["Error"]["Message"]
    finally:
        subprocess.run([REPOSITORY / "scripts" / "ensure-docker.sh"], check=True)

    poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", deadline=60)
    fresh = run_command(ssm, instance_id, ["echo engine is back"])
    assert finished(ssm, fresh, instance_id)["StandardOutputContent"] == "engine is back\n"
