"""Command history across LocalStack restarts (PERSISTENCE=1): what was unfinished when
LocalStack stopped ends as Failed, so that nothing stays InProgress forever.

What is saved is the stored values themselves (`Command`, `Invocation` with its `Result`), so
`restore_history` brings back exactly what `save_history` wrote. The saved shape is those values'
shape: a saved history of another shape is not read back.
"""

from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.models import Invocation, RunCommandStore, run_command_stores
from localstack_ssm_docker.ssm.run.messages import INTERRUPTED, NOT_DELIVERED
from localstack_ssm_docker.ssm.run.status import UNDELIVERABLE

STATE_NAME = "run-command-history"


def save_history(state: StateDirectory) -> None:
    """Writes every account's and region's commands and invocations."""
    state.save(
        STATE_NAME,
        {
            (account_id, region): (dict(store.commands), dict(store.invocations))
            for account_id, region, store in run_command_stores.iter_stores()
            if store.commands
        },
    )


def restore_history(state: StateDirectory, ended_at: float) -> None:
    """Brings the history back, ending what had not ended."""
    snapshot = state.load(STATE_NAME) or {}
    for (account_id, region), (commands, invocations) in snapshot.items():
        store: RunCommandStore = run_command_stores[account_id][region]
        store.commands.update(commands)
        store.order.extend(sorted(commands, key=lambda cid: commands[cid].requested_at))
        for command_id, by_instance in invocations.items():
            store.invocations[command_id] = {
                instance_id: _ended(invocation, ended_at)
                for instance_id, invocation in by_instance.items()
            }


def _ended(invocation: Invocation, ended_at: float) -> Invocation:
    result = invocation.result
    if result.is_terminal:
        return invocation
    delivered = result.status == CommandInvocationStatus.InProgress or result.started_at is not None
    return invocation.with_result(
        status=CommandInvocationStatus.Failed,
        status_details=CommandInvocationStatus.Failed if delivered else UNDELIVERABLE,
        ended_at=ended_at,
        stderr=(result.stderr + "\n" if result.stderr else "")
        + (INTERRUPTED if delivered else NOT_DELIVERED),
    )
