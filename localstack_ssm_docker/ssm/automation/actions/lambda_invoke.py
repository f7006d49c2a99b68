"""aws:invokeLambdaFunction: LocalStack's Lambda Invoke, outputs as AWS names them.

InputPayload (a map) wins over Payload (a JSON string), as AWS documents. A function that
raises does not fail the step: AWS reports it in FunctionError with the error in Payload, and
the runbook decides (aws:branch, aws:assertAwsResourceProperty) what that means.
"""

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from localstack_ssm_docker.ssm.automation.actions import input_checks
from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed

INVOCATION_TYPES = ("Event", "RequestResponse", "DryRun")
LOG_TYPES = ("None", "Tail")


def invoke_request(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Lambda's Invoke request for an aws:invokeLambdaFunction step."""
    request: dict[str, Any] = {
        "FunctionName": inputs["FunctionName"],
        "InvocationType": inputs.get("InvocationType") or "RequestResponse",
    }
    for name in ("Qualifier", "LogType", "ClientContext"):
        if inputs.get(name):
            request[name] = inputs[name]
    if inputs.get("InputPayload") not in (None, ""):
        request["Payload"] = json.dumps(inputs["InputPayload"]).encode()
    elif inputs.get("Payload") not in (None, ""):
        payload = inputs["Payload"]
        request["Payload"] = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
    return request


class InvokeLambdaFunction:
    """Invokes the function; outputs StatusCode, FunctionError, LogResult and Payload."""

    name: ClassVar[str] = "aws:invokeLambdaFunction"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "FunctionName")
        input_checks.kinds(
            self.name,
            step_name,
            inputs,
            FunctionName="String",
            Qualifier="String",
            InputPayload="StringMap",
        )
        input_checks.one_of(self.name, step_name, inputs, "InvocationType", INVOCATION_TYPES)
        input_checks.one_of(self.name, step_name, inputs, "LogType", LOG_TYPES)

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        try:
            response = context.clients.client("lambda").invoke(**invoke_request(inputs))
            payload = response["Payload"].read().decode("utf-8", errors="replace")
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(str(error)) from None
        outputs: dict[str, Any] = {"StatusCode": response["StatusCode"], "Payload": payload}
        for name in ("FunctionError", "LogResult"):
            if response.get(name):
                outputs[name] = response[name]
        return outputs
