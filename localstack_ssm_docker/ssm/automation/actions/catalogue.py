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
from localstack_ssm_docker.ssm.automation.actions.execute_script import ExecuteScript, ScriptHost


def _script_host() -> ScriptHost:
    """The wiring's, at a step's run: importing the catalogue starts nothing."""
    from localstack_ssm_docker import wiring

    return wiring.script_host()


ACTIONS: tuple[Action, ...] = (
    SleepAction(),
    PauseAction(),
    ApproveAction(),
    BranchAction(),
    ExecuteAutomationAction(),
    ExecuteScript(_script_host),
)


def actions_by_name() -> dict[str, Action]:
    """The catalogue as a table."""
    return {action.name: action for action in ACTIONS}
