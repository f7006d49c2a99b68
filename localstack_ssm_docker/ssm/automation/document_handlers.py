"""CreateDocument and UpdateDocument of Automation documents: checked by `validation.py` before
LocalStack (moto) stores them, so a runbook that can never run is refused when it is written,
not when it is started. Documents of every other type go to LocalStack unchecked."""

from collections.abc import Mapping

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    CreateDocumentRequest,
    CreateDocumentResult,
    InvalidDocumentContent,
    UpdateDocumentRequest,
    UpdateDocumentResult,
)
from localstack.services.moto import call_moto

from localstack_ssm_docker.ssm.automation.actions.base import Action
from localstack_ssm_docker.ssm.automation.runbook import MalformedRunbook, content_of
from localstack_ssm_docker.ssm.automation.validation import validate_runbook

AUTOMATION = "Automation"


class AutomationDocumentHandlers:
    """Automation documents checked on their way in."""

    def __init__(self, actions: Mapping[str, Action]):
        self._actions = actions

    @handler("CreateDocument", expand=False)
    def create_document(
        self, context: RequestContext, request: CreateDocumentRequest
    ) -> CreateDocumentResult:
        if request.get("DocumentType") == AUTOMATION:
            self._check(request["Content"], request.get("DocumentFormat"))
        return call_moto(context)

    @handler("UpdateDocument", expand=False)
    def update_document(
        self, context: RequestContext, request: UpdateDocumentRequest
    ) -> UpdateDocumentResult:
        if self._type_of(context, request["Name"]) == AUTOMATION:
            self._check(request["Content"], request.get("DocumentFormat"))
        return call_moto(context)

    def _check(self, text: str, content_format: str | None) -> None:
        try:
            content = content_of(text, content_format or "JSON")
        except MalformedRunbook as e:
            raise InvalidDocumentContent(str(e)) from None
        validate_runbook(content, self._actions)

    @staticmethod
    def _type_of(context: RequestContext, name: str) -> str | None:
        from localstack.aws.connect import connect_to

        ssm = connect_to(aws_access_key_id=context.account_id, region_name=context.region).ssm
        try:
            return ssm.describe_document(Name=name)["Document"].get("DocumentType")
        except ssm.exceptions.InvalidDocument:
            return None
