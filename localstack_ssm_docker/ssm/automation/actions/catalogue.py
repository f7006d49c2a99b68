"""The actions a runbook's steps may name, by `action`: what the engine runs and what
CreateDocument's validation knows."""

from localstack_ssm_docker.ssm.automation.actions.aws_api import (
    AssertAwsResourceProperty,
    ExecuteAwsApi,
    WaitForAwsResourceProperty,
)
from localstack_ssm_docker.ssm.automation.actions.base import Action
from localstack_ssm_docker.ssm.automation.actions.control import (
    ApproveAction,
    BranchAction,
    ExecuteAutomationAction,
    PauseAction,
    SleepAction,
)
from localstack_ssm_docker.ssm.automation.actions.execute_script import ExecuteScript, ScriptHost
from localstack_ssm_docker.ssm.automation.actions.images import CreateImage, DeleteImage
from localstack_ssm_docker.ssm.automation.actions.instances import (
    ChangeInstanceState,
    RunInstances,
)
from localstack_ssm_docker.ssm.automation.actions.lambda_invoke import InvokeLambdaFunction
from localstack_ssm_docker.ssm.automation.actions.run_command import RunCommand
from localstack_ssm_docker.ssm.automation.actions.tags import CreateTags


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
    ExecuteAwsApi(),
    WaitForAwsResourceProperty(),
    AssertAwsResourceProperty(),
    RunCommand(),
    RunInstances(),
    ChangeInstanceState(),
    CreateImage(),
    DeleteImage(),
    CreateTags(),
    InvokeLambdaFunction(),
)


def actions_by_name() -> dict[str, Action]:
    """The catalogue as a table."""
    return {action.name: action for action in ACTIONS}
