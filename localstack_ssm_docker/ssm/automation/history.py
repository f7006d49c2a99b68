"""Automation executions across LocalStack restarts (PERSISTENCE=1): what had not ended when
LocalStack stopped ends as Failed (its running step too), so that nothing stays InProgress or
Waiting forever. What is saved is the records themselves."""

from localstack.aws.api.ssm import AutomationExecutionStatus as Status

from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.automation.records import Execution, automation_stores

STATE_NAME = "automation-history"
INTERRUPTED = "LocalStack stopped while the automation ran."


def save_executions(state: StateDirectory) -> None:
    """Writes every account's and region's executions."""
    state.save(
        STATE_NAME,
        {
            (account_id, region): dict(store.executions)
            for account_id, region, store in automation_stores.iter_stores()
            if store.executions
        },
    )


def restore_executions(state: StateDirectory, ended_at: float) -> None:
    """Brings the executions back, ending what had not ended."""
    snapshot = state.load(STATE_NAME) or {}
    for (account_id, region), executions in snapshot.items():
        store = automation_stores[account_id][region]
        for execution_id, record in executions.items():
            store.executions[execution_id] = _ended(record, ended_at)


def _ended(record: Execution, ended_at: float) -> Execution:
    if record.is_terminal:
        return record
    steps = tuple(
        s
        if s.is_terminal
        else s.but(status=Status.Failed, ended_at=ended_at, failure_message=INTERRUPTED)
        for s in record.steps
    )
    return record.but(
        status=Status.Failed,
        ended_at=ended_at,
        failure_message=INTERRUPTED,
        steps=steps,
        current_step_name="",
        current_action="",
    )
