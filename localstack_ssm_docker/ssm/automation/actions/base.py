"""The contract between the runbook engine and its step actions.

An action gets its step's inputs with every `{{ }}` reference already resolved and a context; it
returns the step's outputs by name or raises `StepFailed`. It never reads or writes the execution's
records: the engine owns them, so retries, timeouts, cancellation and `onFailure` are decided in one
place. An action that starts something outside itself (a command, a script container, an instance)
watches `context.cancelled` and stops what it started when it is set, because the engine sets it
both on StopAutomationExecution and when the step's `timeoutSeconds` run out.
"""

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol


class AwsClients(Protocol):
    """LocalStack's APIs as the execution's principal: its AutomationAssumeRole, else the caller."""

    def client(self, service_name: str) -> Any:
        """A botocore client for `service_name` (e.g. "ec2", "ssm") in the execution's region."""
        ...


@dataclass(frozen=True)
class AwsCredentials:
    """The execution's principal as raw credentials, for what runs outside this process (an
    aws:executeScript container) and cannot use `AwsClients`."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True)
class DeclaredOutput:
    """One entry of a step's `outputs` list (aws:executeAwsApi, aws:executeScript): the value at
    `selector` in the action's result, of `type` (String, Integer, Boolean, StringList, StringMap,
    MapList), becomes output `name`."""

    name: str
    selector: str
    type: str


@dataclass(frozen=True)
class StepContext:
    """What a running step may know about the execution it belongs to."""

    execution_id: str
    step_name: str
    account_id: str
    region: str
    clients: AwsClients
    cancelled: threading.Event
    deadline: float | None
    """`time.monotonic()` value at which the step times out; None for no limit."""
    credentials: AwsCredentials | None = field(default=None, kw_only=True)
    """The credentials behind `clients`; None: the step runs without any (AWS runs a script
    without an AutomationAssumeRole with no permissions)."""
    outputs: tuple[DeclaredOutput, ...] = field(default=(), kw_only=True)
    """The step's declared outputs, for the actions whose outputs the runbook picks."""


class StepFailed(Exception):
    """The step ended in Failed; `message` becomes the step's FailureMessage as AWS shows it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidStep(Exception):
    """A step's inputs can never work; CreateDocument answers InvalidDocumentContent with this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Action(Protocol):
    """One `aws:*` action; `name` is the value of a step's `action` field."""

    name: ClassVar[str]

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        """Refuse inputs that can never work (missing required ones, wrong types) with InvalidStep.

        Called at CreateDocument and UpdateDocument; values may still be unresolved `{{ }}`
        strings, which pass any type check."""
        ...

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        """Do the step's work and return its outputs by name (e.g. {"InstanceIds": [...]})."""
        ...
