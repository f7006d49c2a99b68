"""Commands and their invocations, per account and region, in a LocalStack store.

Invocations are immutable: the executor replaces one as it moves on, so a reader always sees a
whole invocation, and a command's status and counters are derived from its invocations.
"""

from dataclasses import dataclass, field

from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

PENDING = "Pending"
DELAYED = "Delayed"
IN_PROGRESS = "InProgress"
CANCELLING = "Cancelling"
SUCCESS = "Success"
FAILED = "Failed"
TIMED_OUT = "TimedOut"
CANCELLED = "Cancelled"
TERMINAL_STATUSES = frozenset({SUCCESS, FAILED, TIMED_OUT, CANCELLED})


@dataclass(frozen=True)
class Command:
    """A SendCommand request as accepted."""

    command_id: str
    document_name: str
    document_version: str
    comment: str
    parameters: dict[str, list[str]]
    instance_ids: list[str]
    targets: list[dict]
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
class PluginResult:
    """How one step (plugin) of an invocation went."""

    name: str
    status: str
    status_details: str
    response_code: int = -1
    started_at: float | None = None
    ended_at: float | None = None
    stdout: str = ""
    stderr: str = ""
    stdout_url: str = ""
    stderr_url: str = ""


@dataclass(frozen=True)
class Invocation:
    """One command on one instance: its status and, once it has run, its result."""

    command_id: str
    instance_id: str
    requested_at: float
    status: str = PENDING
    status_details: str = PENDING
    response_code: int = -1
    started_at: float | None = None
    ended_at: float | None = None
    stdout: str = ""
    stderr: str = ""
    stdout_url: str = ""
    stderr_url: str = ""
    plugins: tuple[PluginResult, ...] = ()

    @property
    def is_terminal(self) -> bool:
        """Whether the invocation has ended."""
        return self.status in TERMINAL_STATUSES


class RunCommandStore(BaseStore):
    """Commands by id (in the order they came) and their invocations by command id, instance id."""

    commands: dict[str, Command] = LocalAttribute(default=dict)
    order: list[str] = LocalAttribute(default=list)
    """Command ids in the order the commands came (append-only)."""
    invocations: dict[str, dict[str, Invocation]] = LocalAttribute(default=dict)


run_command_stores: AccountRegionBundle[RunCommandStore] = AccountRegionBundle(
    "ssm", RunCommandStore
)
