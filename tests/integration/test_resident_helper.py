"""Run Command through the resident helper (SSM_DOCKER_RESIDENT_HELPER=1): the same results as an
exec per command, a helper that dies mid-command, and a reboot; the helper started with each
instance (and again after a reboot or start), a job too large for it, a killed job's helper.
(The helper is on by default: the rest of the integration tests run with it; the exec per
command is tested in test_exec_per_command.py.)"""

from collections.abc import Iterator

import pytest

from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.shell import RESIDENT_SCRIPT_LIMIT
from tests.integration.helper_processes import RUN_BY, helpers
from tests.integration.helpers import (
    container_of,
    finished,
    invocation,
    ping_status,
    poll,
    run_command,
)

HELPER_MARK = ".localstack-ssm-helper"


@pytest.fixture(scope="module")
def localstack(tmp_path_factory) -> Iterator[LocalStack]:
    runtime = LocalStack(
        tmp_path_factory.mktemp("resident"), env={"SSM_DOCKER_RESIDENT_HELPER": "1"}
    )
    yield runtime
    runtime.stop()


def processes(container) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of each process in the container."""
    output = container.exec_run(["ps", "-o", "pid,ppid,args"]).output.decode()
    rows = [line.split(None, 2) for line in output.splitlines()[1:]]
    return [(int(r[0]), int(r[1]), r[2] if len(r) > 2 else "") for r in rows]


def helper_loops(container) -> list[int]:
    """Pids of the helpers' main loops (started by an exec: no parent in the container)."""
    return [pid for pid, ppid, args in processes(container) if HELPER_MARK in args and ppid == 0]


def test_a_command_runs_through_a_resident_helper(ssm, launch, docker_client):
    (instance_id,) = launch()
    script = ['echo "$AWS_SSM_INSTANCE_ID $SSM_COMMAND_ID"; pwd', "echo oops >&2", "exit 3"]
    command_id = run_command(ssm, instance_id, script, workingDirectory="/tmp")
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["ResponseCode"]) == ("Failed", 3)
    assert ended["StandardOutputContent"] == f"{instance_id} {command_id}\n/tmp\n"
    assert ended["StandardErrorContent"] == "oops\nfailed to run commands: exit status 3"
    assert helper_loops(container_of(docker_client, instance_id))


def test_a_helper_killed_mid_command_still_ends_it_with_its_own_exit_code(
    ssm, launch, docker_client
):
    """The script waits for /tmp/go, which the test makes only once the helpers are killed:
    the helper always dies while the script runs."""
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    script = [
        "echo started",
        "touch /tmp/started",
        "while [ ! -e /tmp/go ]; do sleep 0.05; done",
        "echo done",
        "exit 4",
    ]
    command_id = run_command(ssm, instance_id, script)
    poll(lambda: container.exec_run(["test", "-f", "/tmp/started"]).exit_code, lambda c: c == 0)
    killed = helper_loops(container)
    assert killed
    for pid in killed:
        container.exec_run(["kill", "-9", str(pid)])
    assert invocation(ssm, command_id, instance_id)["Status"] == "InProgress"
    container.exec_run(["touch", "/tmp/go"])

    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["ResponseCode"]) == ("Failed", 4)
    # what the script wrote before its helper died; Docker stops delivering an exec's output once
    # its main process (the helper) has ended, so what came after may be missing
    assert ended["StandardOutputContent"].startswith("started\n")
    fresh = run_command(ssm, instance_id, ["echo again"])
    assert finished(ssm, fresh, instance_id)["StandardOutputContent"] == "again\n"


def test_a_reboot_asked_by_exit_194_runs_the_script_again(ssm, launch):
    (instance_id,) = launch()
    script = ["if [ ! -f /root/rebooted ]; then touch /root/rebooted; exit 194; fi", "echo again"]
    command_id = run_command(ssm, instance_id, script)
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["StandardOutputContent"]) == ("Success", "again\n")


def test_a_new_instance_has_its_resident_helper_before_its_first_command_which_runs_in_it(
    ssm, launch, docker_client
):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    started_with_it = poll(lambda: helpers(container), bool)
    assert len(started_with_it) == 1
    command_id = run_command(ssm, instance_id, [RUN_BY])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "helper\n"
    assert helpers(container) == started_with_it


def test_a_rebooted_or_restarted_instance_gets_a_new_resident_helper(
    ssm, ec2, launch, docker_client
):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    before = poll(lambda: helpers(container), bool)
    ec2.reboot_instances(InstanceIds=[instance_id])
    after_reboot = poll(lambda: helpers(container), lambda found: bool(found) and found != before)
    ec2.stop_instances(InstanceIds=[instance_id])
    poll(lambda: ping_status(ssm, instance_id), lambda s: s != "Online")
    ec2.start_instances(InstanceIds=[instance_id])
    poll(lambda: helpers(container), lambda found: bool(found) and found != after_reboot)
    command_id = run_command(ssm, instance_id, [RUN_BY])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "helper\n"


def test_a_job_the_helper_cannot_take_runs_through_an_exec_of_its_own(ssm, launch):
    (instance_id,) = launch()
    padding = "#" + "x" * (RESIDENT_SCRIPT_LIMIT + 1)
    command_id = run_command(ssm, instance_id, [padding, RUN_BY])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == "exec\n"


def test_a_killed_command_retires_its_helper_and_the_next_one_starts_another(
    ssm, launch, docker_client
):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    before = poll(lambda: helpers(container), bool)
    command_id = run_command(ssm, instance_id, ["sleep 30"], executionTimeout="5")
    assert finished(ssm, command_id, instance_id)["Status"] == "TimedOut"
    poll(lambda: helpers(container), lambda found: not found & before)
    fresh = run_command(ssm, instance_id, [RUN_BY])
    assert finished(ssm, fresh, instance_id)["StandardOutputContent"] == "helper\n"
