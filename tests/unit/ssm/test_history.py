from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.history import restore_history, save_history
from localstack_ssm_docker.ssm.models import Invocation, run_command_stores
from tests.unit.builders import command

ACCOUNT, REGION = "222222222222", "ap-south-1"


def test_history_survives_and_unfinished_invocations_end_failed(tmp_path):
    state = StateDirectory(tmp_path)
    store = run_command_stores[ACCOUNT][REGION]
    cmd = command()
    base = Invocation(cmd.command_id, "i-00000001", cmd.requested_at)
    store.commands[cmd.command_id] = cmd
    finished = base.with_result(
        status=CommandInvocationStatus.Success,
        status_details=CommandInvocationStatus.Success,
        stdout="ok\n",
    )
    store.invocations[cmd.command_id] = {
        "i-00000001": finished,
        "i-00000002": Invocation(cmd.command_id, "i-00000002", cmd.requested_at).with_result(
            status=CommandInvocationStatus.InProgress,
            status_details=CommandInvocationStatus.InProgress,
            started_at=1.0,
        ),
        "i-00000003": Invocation(cmd.command_id, "i-00000003", cmd.requested_at),
    }
    save_history(state)
    store.commands.clear()
    store.invocations.clear()

    restore_history(state, ended_at=99.0)
    restored = store.invocations[cmd.command_id]
    assert store.commands[cmd.command_id] == cmd
    assert restored["i-00000001"].result.stdout == "ok\n"
    running, pending = restored["i-00000002"], restored["i-00000003"]
    ended = running.result
    assert (ended.status, ended.status_details, ended.ended_at) == ("Failed", "Failed", 99.0)
    assert ended.stderr == "LocalStack stopped while the command was running."
    assert (pending.result.status, pending.result.status_details) == ("Failed", "Undeliverable")
    assert restored["i-00000001"] == finished  # what had ended comes back as it was saved
    store.commands.clear()
    store.invocations.clear()


def test_no_snapshot_restores_nothing(tmp_path):
    restore_history(StateDirectory(tmp_path / "empty"), ended_at=1.0)
    assert run_command_stores["333333333333"]["us-west-2"].commands == {}
