"""Automation documents by name, as StartAutomationExecution and aws:executeAutomation find them:
AWS's own runbooks (a table given at construction) and the account's, from this LocalStack's
SSM documents."""

import json
from collections.abc import Mapping
from typing import Any

from localstack.aws.api.ssm import (
    AutomationDefinitionNotFoundException,
    AutomationDefinitionVersionNotFoundException,
    InvalidDocumentContent,
)

from localstack_ssm_docker.ssm.automation.ports import LoadedRunbook
from localstack_ssm_docker.ssm.automation.runbook import MalformedRunbook, parse_runbook
from localstack_ssm_docker.ssm.documents.plan import document_name_of

_DEFAULT_VERSIONS = frozenset({"", "$DEFAULT"})


class LocalStackRunbooks:
    """The engine's `RunbookSource`."""

    def __init__(self, aws_owned: Mapping[str, Mapping[str, Any]] | None = None):
        self._aws_owned = dict(aws_owned or {})

    def load(self, account_id: str, region: str, name: str, version: str | None) -> LoadedRunbook:
        name = document_name_of(name)
        if name in self._aws_owned:
            if (version or "") not in {*_DEFAULT_VERSIONS, "$LATEST", "1"}:
                raise AutomationDefinitionVersionNotFoundException(
                    f"Document {name} does not have a version {version}."
                )
            return LoadedRunbook(name, "1", _parsed(name, self._aws_owned[name]))
        from localstack.aws.connect import connect_to

        ssm = connect_to(aws_access_key_id=account_id, region_name=region).ssm
        asked = {} if (version or "") in _DEFAULT_VERSIONS else {"DocumentVersion": version}
        try:
            found = ssm.get_document(Name=name, DocumentFormat="JSON", **asked)
        except ssm.exceptions.InvalidDocument:
            if asked:
                try:
                    ssm.describe_document(Name=name)
                except ssm.exceptions.InvalidDocument:
                    pass
                else:
                    raise AutomationDefinitionVersionNotFoundException(
                        f"Document {name} does not have a version {version}."
                    ) from None
            raise AutomationDefinitionNotFoundException(
                f"Automation definition {name} was not found."
            ) from None
        if found.get("DocumentType") != "Automation":
            raise AutomationDefinitionNotFoundException(
                f"Document {name} is not an Automation document."
            )
        return LoadedRunbook(
            name, found["DocumentVersion"], _parsed(name, json.loads(found["Content"]))
        )


def _parsed(name: str, content: Mapping[str, Any]):
    try:
        return parse_runbook(content)
    except MalformedRunbook as e:
        raise InvalidDocumentContent(f"Document {name}: {e}") from None
