"""The actions a runbook's steps may name, by `action`: what the engine runs and what
CreateDocument's validation knows."""

from localstack_ssm_docker.ssm.automation.actions.base import Action
from localstack_ssm_docker.ssm.automation.actions.control import (
    ApproveAction,
    BranchAction,
    ExecuteAutomationAction,
    PauseAction,
    SleepAction,
)

ACTIONS: tuple[Action, ...] = (
    SleepAction(),
    PauseAction(),
    ApproveAction(),
    BranchAction(),
    ExecuteAutomationAction(),
)


def actions_by_name() -> dict[str, Action]:
    """The catalogue as a table."""
    return {action.name: action for action in ACTIONS}
