"""The step actions by name: what the engine runs and what CreateDocument accepts."""

from localstack_ssm_docker.ssm.automation.actions.aws_api import (
    AssertAwsResourceProperty,
    ExecuteAwsApi,
    WaitForAwsResourceProperty,
)
from localstack_ssm_docker.ssm.automation.actions.base import Action
from localstack_ssm_docker.ssm.automation.actions.images import CreateImage, DeleteImage
from localstack_ssm_docker.ssm.automation.actions.instances import (
    ChangeInstanceState,
    RunInstances,
)
from localstack_ssm_docker.ssm.automation.actions.lambda_invoke import InvokeLambdaFunction
from localstack_ssm_docker.ssm.automation.actions.run_command import RunCommand
from localstack_ssm_docker.ssm.automation.actions.tags import CreateTags

ACTIONS: tuple[Action, ...] = (
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
