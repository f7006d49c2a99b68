"""An AWS API call named as a runbook names it, made through the execution's botocore clients.

AWS accepts the operation as the API reference spells it (`DescribeInstances`) or as boto3 does
(`describe_instances`); botocore's service model is the list of what exists, so a misspelt
service or operation is refused at CreateDocument, not when the step runs.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, UnknownServiceError

from localstack_ssm_docker.ssm.automation.actions.base import AwsClients, InvalidStep, StepFailed
from localstack_ssm_docker.ssm.automation.actions.input_checks import is_reference


@cache
def _operations(service: str) -> dict[str, str]:
    """Every way a runbook may name an operation of `service` → the boto3 method name."""
    model = botocore.session.get_session().get_service_model(service)
    names: dict[str, str] = {}
    for operation in model.operation_names:
        method = xform_name(operation)
        names[operation] = method
        names[method] = method
    return names


def method_name(service: str, api: str) -> str:
    """The boto3 method for `api` of `service`; ValueError names what does not exist."""
    try:
        operations = _operations(service)
    except UnknownServiceError:
        raise ValueError(f"Service {service!r} is not a valid AWS service namespace.") from None
    if api not in operations:
        raise ValueError(f"Api {api!r} is not an operation of service {service!r}.")
    return operations[api]


def check_call(action: str, step_name: str, service: Any, api: Any) -> None:
    """InvalidStep for a Service/Api pair that botocore does not know (references pass)."""
    if is_reference(service) or is_reference(api):
        return
    if not isinstance(service, str) or not isinstance(api, str):
        raise InvalidStep(f"Step {step_name}: inputs Service and Api of {action} must be Strings.")
    try:
        method_name(service, api)
    except ValueError as error:
        raise InvalidStep(f"Step {step_name}: {error}") from None


def call(clients: AwsClients, service: str, api: str, parameters: Mapping[str, Any]) -> Any:
    """The operation's response; StepFailed with AWS's error text when the call fails."""
    try:
        method = method_name(service, api)
    except ValueError as error:
        raise StepFailed(str(error)) from None
    client = clients.client(service)
    try:
        return getattr(client, method)(**parameters)
    except ClientError as error:
        raise StepFailed(str(error)) from None
    except BotoCoreError as error:
        raise StepFailed(f"{type(error).__name__}: {error}") from None
