"""Associations whose document is a runbook: each run is one StartAutomationExecution, made
with the association's Parameters, its AutomationTargetParameterName with Targets (or
TargetMaps) and its MaxConcurrency/MaxErrors, so the Automation engine rate-controls the run
over the targets as it does for the API. The checks and the start are the Automation API's
own (`ssm/automation/starter.py`); its errors are turned into those CreateAssociation and
UpdateAssociation answer with."""

from collections.abc import Mapping
from typing import Any, Protocol

from localstack.aws.api.ssm import (
    AutomationDefinitionNotFoundException,
    AutomationDefinitionVersionNotFoundException,
    InvalidAutomationExecutionParametersException,
    InvalidDocument,
    InvalidDocumentVersion,
    InvalidParameters,
)

from localstack_ssm_docker.ssm.automation.starter import AutomationStarter

ASSOCIATION_EXECUTOR = "arn:aws:iam::{account}:role/aws-service-role/ssm.amazonaws.com/" + (
    "AWSServiceRoleForAmazonSSM"
)
"""Who an association's executions are run by (ExecutedBy): State Manager's service role."""


class Automations(Protocol):
    """What State Manager needs from Automation."""

    def is_runbook(self, account_id: str, region: str, name: str, version: str | None) -> bool:
        """Whether the document is an Automation document."""
        ...

    def check(self, account_id: str, region: str, settings: Mapping[str, Any]) -> None:
        """Raises the association's error when a run of these settings would be refused."""
        ...

    def start(
        self, account_id: str, region: str, settings: Mapping[str, Any], association_id: str
    ) -> str:
        """Starts one run of the association; the automation execution's id."""
        ...


def start_request(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The StartAutomationExecution request a run of the association makes."""
    names = {
        "Name": "DocumentName",
        "DocumentVersion": "DocumentVersion",
        "Parameters": "Parameters",
        "AutomationTargetParameterName": "TargetParameterName",
        "Targets": "Targets",
        "TargetMaps": "TargetMaps",
        "MaxConcurrency": "MaxConcurrency",
        "MaxErrors": "MaxErrors",
    }
    request = {api: settings[key] for key, api in names.items() if settings.get(key) is not None}
    if request.get("DocumentVersion") == "$DEFAULT":
        request.pop("DocumentVersion")
    return request


class StarterAutomations:
    """`Automations` over the Automation API's starter."""

    def __init__(self, starter: AutomationStarter):
        self._starter = starter

    def is_runbook(self, account_id: str, region: str, name: str, version: str | None) -> bool:
        # a document's type is that of every version: its default's says it, whatever the
        # version asked (a version it lacks is the check's error)
        try:
            self._starter.runbook(account_id, region, name, None)
        except AutomationDefinitionNotFoundException:
            return False
        return True

    def check(self, account_id: str, region: str, settings: Mapping[str, Any]) -> None:
        try:
            self._starter.prepare(
                account_id,
                region,
                start_request(settings),
                ASSOCIATION_EXECUTOR.format(account=account_id),
            )
        except AutomationDefinitionVersionNotFoundException as e:
            raise InvalidDocumentVersion(e.message) from None
        except AutomationDefinitionNotFoundException as e:
            raise InvalidDocument(e.message) from None
        except InvalidAutomationExecutionParametersException as e:
            raise InvalidParameters(e.message) from None

    def start(
        self, account_id: str, region: str, settings: Mapping[str, Any], association_id: str
    ) -> str:
        prepared = self._starter.prepare(
            account_id,
            region,
            start_request(settings),
            ASSOCIATION_EXECUTOR.format(account=account_id),
            association_id,
        )
        return self._starter.start(prepared)
