"""Commands and their invocations, per account and region, in a LocalStack store.

Invocations are immutable: the executor replaces one as it moves on, so a reader always sees a
whole invocation, and a command's status and counters are derived from its invocations.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from localstack.aws.api.ssm import CommandInvocationStatus
from localstack.aws.api.ssm import Target as TargetShape
from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

TERMINAL_STATUSES = frozenset(
    {
        CommandInvocationStatus.Success,
        CommandInvocationStatus.Failed,
        CommandInvocationStatus.TimedOut,
        CommandInvocationStatus.Cancelled,
    }
)


@dataclass(frozen=True)
class Command:
    """A SendCommand request as accepted."""

    command_id: str
    document_name: str
    document_version: str
    comment: str
    parameters: dict[str, list[str]]
    instance_ids: list[str]
    targets: list[TargetShape]
    requested_at: float
    timeout_seconds: int
    execution_timeout: int
    max_concurrency: str
    max_errors: str
    plugin_names: tuple[str, ...]
    output_s3_region: str = ""
    output_s3_bucket_name: str = ""
    output_s3_key_prefix: str = ""
    service_role: str = ""
    notification_config: dict = field(default_factory=dict)
    cloudwatch_output_config: dict = field(default_factory=dict)

    @property
    def expires_after(self) -> float:
        """When undelivered invocations time out: request time + delivery + execution timeout."""
        return self.requested_at + self.timeout_seconds + self.execution_timeout


@dataclass(frozen=True)
class Result:
    """How an invocation, or one step (plugin) of it, went: the one set of fields that
    GetCommandInvocation, CommandPlugins and the notifications read, whichever of the two it is.

    `status` is a `CommandInvocationStatus` for a step too (a step's `CommandPluginStatus` values
    are a subset; the API shapes convert); `status_details` a status or one of the details named
    in `ssm.run.status`.
    """

    status: CommandInvocationStatus
    status_details: str
    response_code: int = -1
    started_at: float | None = None
    ended_at: float | None = None
    stdout: str = ""
    stderr: str = ""
    stdout_url: str = ""
    stderr_url: str = ""

    @property
    def is_terminal(self) -> bool:
        """Whether it has ended."""
        return self.status in TERMINAL_STATUSES


NOT_STARTED = Result(CommandInvocationStatus.Pending, CommandInvocationStatus.Pending)
"""The result of what has not started yet."""


@dataclass(frozen=True)
class PluginResult:
    """One step (plugin) of an invocation, by name, and how it went."""

    name: str
    result: Result


@dataclass(frozen=True)
class Invocation:
    """One command on one instance: its status and, once it has run, its result."""

    command_id: str
    instance_id: str
    requested_at: float
    result: Result = NOT_STARTED
    plugins: tuple[PluginResult, ...] = ()

    @property
    def is_terminal(self) -> bool:
        """Whether the invocation has ended."""
        return self.result.is_terminal

    def with_result(self, **changes: Any) -> "Invocation":
        """The invocation with these fields of its result changed."""
        return replace(self, result=replace(self.result, **changes))


class RunCommandStore(BaseStore):
    """Commands by id (in the order they came) and their invocations by command id, instance id."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    commands: dict[str, Command] = LocalAttribute(default=dict)  # type: ignore[assignment]
    order: list[str] = LocalAttribute(default=list)  # type: ignore[assignment]
    """Command ids in the order the commands came (append-only)."""
    invocations: dict[str, dict[str, Invocation]] = LocalAttribute(default=dict)  # type: ignore[assignment]


run_command_stores: AccountRegionBundle[RunCommandStore] = AccountRegionBundle(
    "ssm", RunCommandStore
)
