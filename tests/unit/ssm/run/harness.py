"""Drives a real CommandExecutor against a FakeRunner for the tests of `ssm/run/`: the roles
(delivery, steps, kills) are observed through the store, as the API would see them."""

import time

from localstack_ssm_docker.ssm.documents.aws_owned import RUN_SHELL_SCRIPT_CONTENT
from localstack_ssm_docker.ssm.documents.plan import CommandPlan, Document, StepPlan, plan_command
from localstack_ssm_docker.ssm.models import Command, Invocation, RunCommandStore
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from localstack_ssm_docker.ssm.run.request import CommandRequest, Scope, Target
from tests.unit.builders import CID, command

DEADLINE = 10
SCOPE = Scope("111111111111", "eu-west-1")
DOCUMENT = Document("AWS-RunShellScript", "1", RUN_SHELL_SCRIPT_CONTENT)
PLAN = plan_command(DOCUMENT, {"commands": ["echo hi"], "workingDirectory": ["/w"]})


def shell_plan(script: str, timeout: float) -> CommandPlan:
    step = StepPlan("aws:runShellScript", "aws:runShellScript", "0.x", script, "", timeout)
    return CommandPlan((step,))


def steps_plan(*steps: tuple[str, str, bool]) -> CommandPlan:
    return CommandPlan(
        tuple(
            StepPlan(name, action, name, f"echo {name}\n", "", 60, exit_on_failure)
            for name, action, exit_on_failure in steps
        )
    )


def targets(count: int) -> list[Target]:
    return [Target(f"i-{n:08d}", f"container-{n}") for n in range(count)]


def request(
    store: RunCommandStore, command_: Command, plan: CommandPlan = PLAN, count: int = 1
) -> CommandRequest:
    return CommandRequest(store, SCOPE, command_, DOCUMENT, plan, tuple(targets(count)))


def start(
    executors, runner, store, count=1, plan=PLAN, lookup=None, options=None, **changes
) -> CommandExecutor:
    """An executor (shut down after the test) running `plan` for a command with `changes`;
    `options` go to the executor."""
    executor = CommandExecutor(
        runner, workers=8, parameter_lookup=lookup, retry_interval=0.05, **(options or {})
    )
    executors.append(executor)
    executor.submit(request(store, command(**changes), plan, count))
    return executor


def invocation(store: RunCommandStore, instance_id: str = "i-00000000") -> Invocation:
    return store.invocations[CID][instance_id]


def wait_for(store, instance_id="i-00000000", until=lambda i: i.is_terminal) -> Invocation:
    """Polls the store (with a deadline) until the invocation satisfies `until`."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if until(current := invocation(store, instance_id)):
            return current
        time.sleep(0.001)
    raise AssertionError(f"{instance_id}: condition not met; last {invocation(store, instance_id)}")
