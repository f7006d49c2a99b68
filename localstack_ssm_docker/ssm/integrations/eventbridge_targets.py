"""EventBridge rules whose target is Systems Manager, delivered as AWS delivers them.

A rule's target ARN names what runs: ``arn:aws:ssm:<region>:<account>:document/<name>`` is Run
Command (SendCommand of that document to the target's ``RunCommandParameters.RunCommandTargets``),
``arn:aws:ssm:<region>:<account>:automation-definition/<name>[:<version>]`` is an Automation
runbook (StartAutomationExecution). The event, after the target's Input, InputPath or
InputTransformer, is the document's parameters as a JSON object; a value that is not a list
becomes a one-element list, as SSM's parameters are lists of strings.

LocalStack's own sender for ``ssm`` targets raises NotImplementedError; its TargetSenderFactory
takes a sender per service (``register_target_sender``), and `register` puts ours there when this
package serves SSM, so the call goes through our Run Command like any other client's.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from localstack.services.events.target import TargetSender, TargetSenderFactory

DOCUMENT = "document/"
AUTOMATION = "automation-definition/"
_UNVERSIONED = ("", "$DEFAULT")


@dataclass(frozen=True)
class SsmCall:
    """One SSM API call: the operation's botocore method name and its arguments."""

    method: str
    arguments: Mapping[str, Any]


def document_parameters(event: Any) -> dict[str, list[str]]:
    """The event as SSM document parameters (an object of lists of strings)."""
    if isinstance(event, str):
        event = json.loads(event)
    if not isinstance(event, dict):
        raise ValueError(f"the input of an SSM target must be a JSON object, not {event!r}")
    return {
        name: [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
        for name, value in event.items()
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def ssm_call(target: Mapping[str, Any], event: Any) -> SsmCall:
    """What delivering `event` to `target` asks of SSM."""
    resource = target["Arn"].split(":", 5)[5]
    parameters = document_parameters(event)
    if resource.startswith(DOCUMENT):
        run_command = target.get("RunCommandParameters") or {}
        return SsmCall(
            "send_command",
            {
                "DocumentName": resource.removeprefix(DOCUMENT),
                "Targets": list(run_command.get("RunCommandTargets") or []),
                "Parameters": parameters,
            },
        )
    if resource.startswith(AUTOMATION):
        name, _, version = resource.removeprefix(AUTOMATION).partition(":")
        arguments: dict[str, Any] = {"DocumentName": name, "Parameters": parameters}
        if version not in _UNVERSIONED:
            arguments["DocumentVersion"] = version
        return SsmCall("start_automation_execution", arguments)
    raise ValueError(f"an SSM target is a document or an automation definition, not {resource}")


class SsmTargetSender(TargetSender):
    """Sends each event to SSM as `ssm_call` says, with EventBridge's client (the target's
    RoleArn assumed when it has one, as LocalStack's other senders do)."""

    def send_event(self, event: Any, trace_header: Any) -> None:
        call = ssm_call(self.target, event)
        getattr(self.client, call.method)(**call.arguments)


def register() -> None:
    """Makes `SsmTargetSender` EventBridge's sender for ``arn:aws:ssm:`` targets (idempotent)."""
    TargetSenderFactory.register_target_sender("ssm", SsmTargetSender)
