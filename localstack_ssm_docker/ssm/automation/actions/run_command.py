"""aws:runCommand: a Command document sent through this emulator's Run Command, awaited.

The step's inputs are SendCommand's parameters. The step ends with the command: Success gives
the outputs AWS gives (CommandId, Status, and for a command on one instance its ResponseCode and
Output); any other end fails the step with the invocation's result. When the step is cancelled
or times out, the command is cancelled (which kills its script in the instance's container) and
the step waits for that before it ends, so nothing it started is still running.
"""

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from localstack_ssm_docker.ssm.automation.actions import input_checks, waiting
from localstack_ssm_docker.ssm.automation.actions.base import InvalidStep, StepContext, StepFailed

TERMINAL = frozenset({"Success", "Failed", "TimedOut", "Cancelled"})
CANCEL_GRACE_SECONDS = 30.0


def _send_parameters(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """SendCommand's request: document parameters as the lists of strings SendCommand takes."""
    request = dict(inputs)
    parameters = request.get("Parameters")
    if isinstance(parameters, Mapping):
        request["Parameters"] = {
            key: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for key, value in parameters.items()
        }
    if "TimeoutSeconds" in request:
        request["TimeoutSeconds"] = input_checks.integer(request["TimeoutSeconds"], 3600)
    return request


class RunCommand:
    """SendCommand, then the command's end."""

    name: ClassVar[str] = "aws:runCommand"

    def __init__(self, interval: float = 0.25) -> None:
        self._interval = interval

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "DocumentName")
        input_checks.kinds(
            self.name,
            step_name,
            inputs,
            DocumentName="String",
            InstanceIds="StringList",
            Targets="MapList",
            Parameters="StringMap",
        )
        if not inputs.get("InstanceIds") and not inputs.get("Targets"):
            raise InvalidStep(
                f"Step {step_name}: action {self.name} requires input InstanceIds or Targets."
            )

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        ssm = context.clients.client("ssm")
        try:
            command = ssm.send_command(**_send_parameters(inputs))["Command"]
        except Exception as error:  # botocore's ClientError and parameter validation alike
            raise StepFailed(str(error)) from None
        command_id = command["CommandId"]

        def ended() -> str | None:
            status = ssm.list_commands(CommandId=command_id)["Commands"][0]["Status"]
            return status if status in TERMINAL else None

        try:
            status = waiting.until(context, ended, self._interval)
        except waiting.Interrupted:
            ssm.cancel_command(CommandId=command_id)
            self._await_cancel(ended)
            raise
        outputs: dict[str, Any] = {"CommandId": command_id, "Status": status}
        targets = command.get("InstanceIds") or []
        invocation = None
        if len(targets) == 1:
            invocation = ssm.get_command_invocation(CommandId=command_id, InstanceId=targets[0])
            outputs["ResponseCode"] = invocation["ResponseCode"]
            outputs["Output"] = invocation["StandardOutputContent"]
        if status != "Success":
            raise StepFailed(_failure(command_id, status, invocation))
        return outputs

    def _await_cancel(self, ended: Any) -> None:
        """Waits (at most CANCEL_GRACE_SECONDS) for the cancelled command to end."""
        end = time.monotonic() + CANCEL_GRACE_SECONDS
        while ended() is None and time.monotonic() < end:
            time.sleep(self._interval)


def _failure(command_id: str, status: str, invocation: Mapping[str, Any] | None) -> str:
    if invocation is None:
        return f"Command {command_id} returns unexpected status: {status}."
    return (
        f"Command {command_id} returns unexpected invocation result: \n"
        f"{{Status=[{status}], ResponseCode=[{invocation['ResponseCode']}], "
        f"Output=[\n{invocation['StandardOutputContent']}\n{invocation['StandardErrorContent']}\n]}}."
    )
