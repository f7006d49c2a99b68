"""What the engine needs from the rest of LocalStack, as interfaces (`runbook_source.py`,
`clients.py`, `events.py` and `targets.py` implement them over LocalStack's services, unit tests
with fakes), and the request it is given. The engine never imports a LocalStack client."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from localstack_ssm_docker.ssm.automation.actions.base import AwsClients
from localstack_ssm_docker.ssm.automation.parameters import BoundParameters
from localstack_ssm_docker.ssm.automation.records import AUTO, Execution, StepRecord
from localstack_ssm_docker.ssm.automation.runbook import Runbook


@dataclass(frozen=True)
class LoadedRunbook:
    """A runbook as found by name: the name and version it is found at."""

    name: str
    version: str
    runbook: Runbook


class RunbookSource(Protocol):
    """Finds Automation documents by name (AWS's and the account's)."""

    def load(self, account_id: str, region: str, name: str, version: str | None) -> LoadedRunbook:
        """The runbook; AutomationDefinitionNotFoundException (or ...VersionNotFound) else."""
        ...


class ClientFactory(Protocol):
    """AWS clients for an execution's principal."""

    def clients(self, account_id: str, region: str, assume_role: str) -> AwsClients:
        """Clients as the account, or as `assume_role` when one is named."""
        ...


class AutomationObserver(Protocol):
    """Told of every status change (EventBridge's execution and step events)."""

    def execution_changed(self, account_id: str, region: str, execution: Execution) -> None: ...

    def step_changed(
        self, account_id: str, region: str, execution: Execution, step: StepRecord
    ) -> None: ...


class TargetResolver(Protocol):
    """The values rate control runs one child execution for, from StartAutomationExecution's
    Targets (ParameterValues, tag:, ResourceGroup)."""

    def resolve(
        self, account_id: str, region: str, targets: list[Mapping[str, Any]]
    ) -> list[str]: ...


@dataclass(frozen=True)
class StartRequest:
    """A StartAutomationExecution as the API accepted it."""

    account_id: str
    region: str
    loaded: LoadedRunbook
    parameters: BoundParameters
    executed_by: str
    mode: str = AUTO
    tags: tuple[Mapping[str, str], ...] = ()
    target_parameter_name: str = ""
    targets: tuple[Mapping[str, Any], ...] = ()
    target_maps: tuple[Mapping[str, list[str]], ...] = ()
    max_concurrency: str = ""
    max_errors: str = ""
    association_id: str = ""
    """The State Manager association that started it (AWS's AssociationId)."""
