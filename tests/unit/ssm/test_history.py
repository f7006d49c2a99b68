from dataclasses import replace

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
    store.invocations[cmd.command_id] = {
        "i-00000001": replace(base, status="Success", status_details="Success", stdout="ok\n"),
        "i-00000002": replace(
            base,
            instance_id="i-00000002",
            status="InProgress",
            status_details="InProgress",
            started_at=1.0,
        ),
        "i-00000003": replace(base, instance_id="i-00000003"),
    }
    save_history(state)
    store.commands.clear()
    store.invocations.clear()

    restore_history(state, ended_at=99.0)
    restored = store.invocations[cmd.command_id]
    assert store.commands[cmd.command_id] == cmd
    assert restored["i-00000001"].stdout == "ok\n"
    running, pending = restored["i-00000002"], restored["i-00000003"]
    assert (running.status, running.status_details, running.ended_at) == ("Failed", "Failed", 99.0)
    assert running.stderr == "LocalStack stopped while the command was running."
    assert (pending.status, pending.status_details) == ("Failed", "Undeliverable")
    store.commands.clear()
    store.invocations.clear()


def test_no_snapshot_restores_nothing(tmp_path):
    restore_history(StateDirectory(tmp_path / "empty"), ended_at=1.0)
    assert run_command_stores["333333333333"]["us-west-2"].commands == {}
