"""Run Command as AWS has it when things go wrong: timeouts, cancel, exit codes, rate control."""

import itertools
import uuid

import pytest
from botocore.exceptions import ClientError, WaiterError

from tests.integration.helpers import container_of, finished, invocation, poll, reaches, run_command

GATE_WAIT = "while [ ! -e /tmp/{gate} ]; do sleep 0.05; done"


def processes(docker_client, instance_id: str) -> str:
    return (
        container_of(docker_client, instance_id).exec_run(["ps", "-o", "pid,args"]).output.decode()
    )


def open_gate(docker_client, instance_id: str, gate: str) -> None:
    container_of(docker_client, instance_id).exec_run(["touch", f"/tmp/{gate}"])


def send(ssm, instance_ids: list[str], commands: list[str], **kwargs) -> dict:
    return ssm.send_command(
        InstanceIds=instance_ids,
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": commands, **kwargs.pop("parameters", {})},
        **kwargs,
    )["Command"]


def expiry(command: dict) -> float:
    """Seconds from the request to ExpiresAfter."""
    return (command["ExpiresAfter"] - command["RequestedDateTime"]).total_seconds()


def command_of(ssm, command_id: str) -> dict:
    return ssm.list_commands(CommandId=command_id)["Commands"][0]


def wait_fails(ssm, command_id: str, instance_id: str) -> str:
    """The command_executed waiter's verdict: the status it stopped on, as a failure."""
    waiter = ssm.get_waiter("command_executed")
    with pytest.raises(WaiterError) as raised:
        waiter.wait(CommandId=command_id, InstanceId=instance_id, WaiterConfig={"Delay": 1})
    return raised.value.last_response["Status"]


def test_execution_timeout_kills_the_whole_process_tree(ssm, launch, docker_client):
    (instance_id,) = launch()
    command = send(
        ssm,
        [instance_id],
        ["echo started", "sleep 300 &", "sh -c 'sleep 301; echo never'"],
        parameters={"executionTimeout": ["5"]},
        TimeoutSeconds=60,
    )
    assert expiry(command) == pytest.approx(65, abs=1)
    result = finished(ssm, command["CommandId"], instance_id)
    assert (result["Status"], result["StatusDetails"], result["ResponseCode"]) == (
        "TimedOut",
        "ExecutionTimedOut",
        137,
    )
    assert result["StandardOutputContent"] == "started\n"
    left = processes(docker_client, instance_id)
    assert "sleep 300" not in left and "sleep 301" not in left
    assert wait_fails(ssm, command["CommandId"], instance_id) == "TimedOut"
    summary = command_of(ssm, command["CommandId"])
    assert (summary["Status"], summary["ErrorCount"]) == ("TimedOut", 1)


def test_execution_timeout_out_of_range_means_an_hour(ssm, launch):
    (instance_id,) = launch()
    command = send(ssm, [instance_id], ["true"], parameters={"executionTimeout": ["2"]})
    assert expiry(command) == pytest.approx(7200, abs=1)
    assert finished(ssm, command["CommandId"], instance_id)["Status"] == "Success"


def test_paused_instance_delays_then_times_out_delivery(ssm, launch, docker_client):
    first, second = launch(count=2)
    gate = uuid.uuid4().hex
    command = send(
        ssm,
        [first, second],
        [GATE_WAIT.format(gate=gate) + " 2>/dev/null || true", "echo ran"],
        MaxConcurrency="1",
        TimeoutSeconds=30,
    )
    command_id = command["CommandId"]
    running = poll(
        lambda: [invocation(ssm, command_id, i)["Status"] for i in (first, second)],
        lambda s: "InProgress" in s,
    )
    assert sorted(running) == ["InProgress", "Pending"]
    waiting = second if running[0] == "InProgress" else first
    busy = first if waiting == second else second
    container_of(docker_client, waiting).pause()
    try:
        open_gate(docker_client, busy, gate)
        assert finished(ssm, command_id, busy)["Status"] == "Success"
        reaches(ssm, command_id, waiting, "Delayed")
        timed_out = reaches(ssm, command_id, waiting, "TimedOut", deadline=60)
    finally:
        container_of(docker_client, waiting).unpause()
    assert (timed_out["StatusDetails"], timed_out["ResponseCode"]) == ("DeliveryTimedOut", -1)
    summary = command_of(ssm, command_id)
    assert (summary["DeliveryTimedOutCount"], summary["ErrorCount"]) == (1, 0)
    assert summary["StatusDetails"] == "Incomplete"


def test_cancel_shows_cancelling_until_the_process_group_is_killed(ssm, launch, docker_client):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["echo started", "sleep 302 & sleep 303"])
    reaches(ssm, command_id, instance_id, "InProgress")
    poll(lambda: processes(docker_client, instance_id), lambda ps: "sleep 303" in ps)
    container_of(docker_client, instance_id).pause()
    try:
        ssm.cancel_command(CommandId=command_id)
        cancelling = invocation(ssm, command_id, instance_id)
        assert (cancelling["Status"], cancelling["StatusDetails"]) == ("Cancelling", "Cancelling")
        assert command_of(ssm, command_id)["Status"] == "Cancelling"
    finally:
        container_of(docker_client, instance_id).unpause()
    cancelled = reaches(ssm, command_id, instance_id, "Cancelled")
    assert (cancelled["StatusDetails"], cancelled["ResponseCode"]) == ("Cancelled", 137)
    assert cancelled["StandardOutputContent"] == "started\n"
    left = processes(docker_client, instance_id)
    assert "sleep 302" not in left and "sleep 303" not in left
    assert command_of(ssm, command_id)["Status"] == "Cancelled"
    assert wait_fails(ssm, command_id, instance_id) == "Cancelled"


def test_cancel_of_one_waiting_instance_never_starts_it(ssm, launch, docker_client):
    first, second = launch(count=2)
    gate = uuid.uuid4().hex
    command_id = send(ssm, [first, second], [GATE_WAIT.format(gate=gate)], MaxConcurrency="1")[
        "CommandId"
    ]
    statuses = poll(
        lambda: {i: invocation(ssm, command_id, i)["Status"] for i in (first, second)},
        lambda s: "InProgress" in s.values(),
    )
    waiting = next(i for i, s in statuses.items() if s == "Pending")
    busy = first if waiting == second else second
    ssm.cancel_command(CommandId=command_id, InstanceIds=[waiting])
    cancelled = invocation(ssm, command_id, waiting)
    assert (cancelled["Status"], cancelled["StatusDetails"], cancelled["ResponseCode"]) == (
        "Cancelled",
        "Cancelled",
        -1,
    )
    open_gate(docker_client, busy, gate)
    assert finished(ssm, command_id, busy)["Status"] == "Success"
    listing = container_of(docker_client, waiting).exec_run(
        ["ls", f"/var/lib/amazon/ssm/{waiting}/document/orchestration/"]
    )
    assert command_id not in listing.output.decode()


def test_cancel_of_a_finished_command_changes_nothing(ssm, launch):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["echo done"])
    before = finished(ssm, command_id, instance_id)
    ssm.cancel_command(CommandId=command_id)
    after = invocation(ssm, command_id, instance_id)
    before.pop("ResponseMetadata"), after.pop("ResponseMetadata")
    assert (after["Status"], after["StandardOutputContent"]) == ("Success", "done\n")
    assert after == before


def test_cancel_errors(ssm, launch):
    with pytest.raises(ClientError) as raised:
        ssm.cancel_command(CommandId=str(uuid.uuid4()))
    assert raised.value.response["Error"]["Code"] == "InvalidCommandId"
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["true"])
    with pytest.raises(ClientError) as raised:
        ssm.cancel_command(CommandId=command_id, InstanceIds=["i-0123456789abcdef0"])
    assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"


@pytest.mark.parametrize(
    ("exit_code", "status", "details"),
    [
        (137, "TimedOut", "ExecutionTimedOut"),
        (168, "Success", "Success"),
        (169, "Failed", "Failed"),
    ],
)
def test_special_exit_codes(ssm, launch, exit_code, status, details):
    (instance_id,) = launch()
    command_id = run_command(ssm, instance_id, ["echo out", f"exit {exit_code}"])
    result = finished(ssm, command_id, instance_id)
    assert (result["Status"], result["StatusDetails"], result["ResponseCode"]) == (
        status,
        details,
        exit_code,
    )
    assert result["StandardOutputContent"].startswith("out\n")
    if status == "Success":
        ssm.get_waiter("command_executed").wait(
            CommandId=command_id, InstanceId=instance_id, WaiterConfig={"Delay": 1}
        )
    else:
        assert wait_fails(ssm, command_id, instance_id) == status


def test_exit_194_reboots_the_instance_and_runs_the_step_again(ssm, launch, docker_client):
    (instance_id,) = launch()
    booted = container_of(docker_client, instance_id).attrs["State"]["StartedAt"]
    script = [
        "if [ -e /root/rebooted ]; then echo after reboot; exit 0; fi",
        "touch /root/rebooted",
        "exit 194",
    ]
    result = finished(ssm, run_command(ssm, instance_id, script), instance_id)
    assert (result["Status"], result["ResponseCode"]) == ("Success", 0)
    assert result["StandardOutputContent"] == "after reboot\n"
    assert container_of(docker_client, instance_id).attrs["State"]["StartedAt"] != booted


def test_max_concurrency_runs_one_at_a_time(ssm, launch):
    ids = launch(count=3)
    command_id = send(ssm, ids, ["sleep 0.3"], MaxConcurrency="1")["CommandId"]
    results = [finished(ssm, command_id, i) for i in ids]
    spans = sorted((r["ExecutionStartDateTime"], r["ExecutionEndDateTime"]) for r in results)
    for (_, previous_end), (next_start, _) in itertools.pairwise(spans):
        assert next_start >= previous_end


def test_spent_error_budget_terminates_the_rest(ssm, launch):
    ids = launch(count=4)
    command_id = send(ssm, ids, ["exit 1"], MaxConcurrency="1", MaxErrors="1")["CommandId"]
    results = [finished(ssm, command_id, i) for i in ids]
    details = sorted(r["StatusDetails"] for r in results)
    assert details == ["Failed", "Failed", "Terminated", "Terminated"]
    summary = command_of(ssm, command_id)
    assert (summary["Status"], summary["StatusDetails"]) == ("Failed", "Failed")
    assert (summary["ErrorCount"], summary["CompletedCount"], summary["TargetCount"]) == (2, 4, 4)


def test_error_budget_in_percent(ssm, launch):
    ids = launch(count=2)
    failing = ids[0]
    command_id = send(ssm, ids, [f'[ "$AWS_SSM_INSTANCE_ID" != {failing} ]'], MaxErrors="50%")[
        "CommandId"
    ]
    for i in ids:
        finished(ssm, command_id, i)
    summary = command_of(ssm, command_id)
    assert (summary["ErrorCount"], summary["Status"], summary["StatusDetails"]) == (
        1,
        "Failed",
        "Failed",
    )
