"""Run Command with SSM_DOCKER_RESIDENT_HELPER=0: every command through an exec of its own (the
path images without a POSIX sh, and jobs a helper cannot take, use with the helper on), with the
same results, timeouts and reboots, and no process of ours left in the instance."""

from collections.abc import Iterator

import pytest

from harness.localstack_process import LocalStack
from tests.integration.helper_processes import RUN_BY, helpers
from tests.integration.helpers import container_of, finished, run_command


@pytest.fixture(scope="module")
def localstack(tmp_path_factory) -> Iterator[LocalStack]:
    runtime = LocalStack(tmp_path_factory.mktemp("exec"), env={"SSM_DOCKER_RESIDENT_HELPER": "0"})
    yield runtime
    runtime.stop()


def test_a_command_runs_through_an_exec_of_its_own_and_leaves_no_helper(ssm, launch, docker_client):
    (instance_id,) = launch()
    script = ['echo "$AWS_SSM_INSTANCE_ID $SSM_COMMAND_ID"; pwd', RUN_BY, "echo oops >&2", "exit 3"]
    command_id = run_command(ssm, instance_id, script, workingDirectory="/tmp")
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["ResponseCode"]) == ("Failed", 3)
    assert ended["StandardOutputContent"] == f"{instance_id} {command_id}\n/tmp\nexec\n"
    assert ended["StandardErrorContent"] == "oops\nfailed to run commands: exit status 3"
    assert helpers(container_of(docker_client, instance_id)) == set()


def test_an_execution_timeout_kills_a_script_run_by_exec(ssm, launch):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["echo started", "sleep 30"], executionTimeout="5")
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["StatusDetails"], ended["ResponseCode"]) == (
        "TimedOut",
        "ExecutionTimedOut",
        137,
    )
    assert ended["StandardOutputContent"] == "started\n"


def test_a_reboot_asked_by_exit_194_runs_the_script_again_by_exec(ssm, launch):
    (instance_id,) = launch()
    script = ["if [ ! -f /root/rebooted ]; then touch /root/rebooted; exit 194; fi", RUN_BY]
    command_id = run_command(ssm, instance_id, script)
    ended = finished(ssm, command_id, instance_id)
    assert (ended["Status"], ended["StandardOutputContent"]) == ("Success", "exec\n")
