"""Load: 2,000 invocations over 20 instances from 8 concurrent clients. Every invocation is
accounted for exactly once, with its own output, and each command's counters match its
invocations."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.helpers import poll

CLIENTS = 8
COMMANDS_PER_CLIENT = 25
INSTANCES_PER_COMMAND = 10
INSTANCES = 20
FAILING_EVERY = 5  # every fifth command exits 3 on all its instances
TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}


def expected_output(token: str, instance_id: str) -> str:
    return f"{token} {instance_id}\n"


@pytest.mark.slow
def test_two_thousand_invocations_from_eight_clients(localstack, launch):
    instance_ids = launch(INSTANCES)
    sent: dict[str, tuple[str, list[str], bool]] = {}  # command id -> token, targets, fails
    lock = threading.Lock()

    def client(number: int) -> None:
        ssm = localstack.client("ssm")
        for n in range(COMMANDS_PER_CLIENT):
            token = f"c{number}-n{n}"
            start = (number * 3 + n) % INSTANCES
            targets = [instance_ids[(start + k) % INSTANCES] for k in range(INSTANCES_PER_COMMAND)]
            fails = n % FAILING_EVERY == 0
            script = [f'echo "{token} $AWS_SSM_INSTANCE_ID"'] + (["exit 3"] if fails else [])
            command = ssm.send_command(
                InstanceIds=targets,
                DocumentName="AWS-RunShellScript",
                Parameters={"commands": script},
                MaxErrors="100%",
            )["Command"]
            with lock:
                sent[command["CommandId"]] = (token, targets, fails)

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(client, number) for number in range(CLIENTS)]:
            future.result()
    assert len(sent) == CLIENTS * COMMANDS_PER_CLIENT

    ssm = localstack.client("ssm")

    def all_commands() -> dict[str, dict]:
        found: dict[str, dict] = {}
        for page in ssm.get_paginator("list_commands").paginate():
            for command in page["Commands"]:
                assert command["CommandId"] not in found, "a command listed twice"
                found[command["CommandId"]] = command
        return found

    commands = poll(
        all_commands,
        lambda found: all(found[c]["Status"] in TERMINAL for c in sent),
        deadline=600,
    )
    elapsed = time.monotonic() - started
    print(f"2,000 invocations ended in {elapsed:.1f} s ({2000 / elapsed:.1f}/s)")
    invocations = 0
    for command_id, (token, targets, fails) in sent.items():
        command = commands[command_id]
        listed = [
            invocation
            for page in ssm.get_paginator("list_command_invocations").paginate(
                CommandId=command_id, Details=True
            )
            for invocation in page["CommandInvocations"]
        ]
        assert sorted(i["InstanceId"] for i in listed) == sorted(targets)
        for invocation in listed:
            plugin = invocation["CommandPlugins"][0]
            assert plugin["Output"].startswith(expected_output(token, invocation["InstanceId"]))
            assert (invocation["Status"], plugin["ResponseCode"]) == (
                ("Failed", 3) if fails else ("Success", 0)
            )
        assert command["TargetCount"] == command["CompletedCount"] == INSTANCES_PER_COMMAND
        assert command["ErrorCount"] == (INSTANCES_PER_COMMAND if fails else 0)
        assert command["DeliveryTimedOutCount"] == 0
        assert command["Status"] == ("Failed" if fails else "Success")
        invocations += len(listed)
    assert invocations == 2000
