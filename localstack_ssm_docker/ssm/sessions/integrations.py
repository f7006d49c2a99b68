"""What sessions need from other LocalStack services: the caller's identity (STS) and the
Session documents users created (SSM's own document store)."""

import json

from localstack.aws.api import RequestContext
from localstack.aws.api.ssm import InvalidDocument
from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.documents.plan import document_name_of
from localstack_ssm_docker.ssm.documents.session_documents import RUN_SHELL, SESSION_DOCUMENTS


def caller_arn(context: RequestContext) -> str:
    """The ARN of the caller (the session's Owner), as STS reports it for the caller's key."""
    root = f"arn:aws:iam::{context.account_id}:root"
    access_key = _access_key(context)
    if not access_key:
        return root
    try:
        sts = connect_to(aws_access_key_id=access_key, region_name=context.region).sts
        return sts.get_caller_identity()["Arn"]
    except Exception:
        return root


def _access_key(context: RequestContext) -> str:
    authorization = context.request.headers.get("Authorization", "")
    _, _, rest = authorization.partition("Credential=")
    return rest.split("/", 1)[0] if rest else ""


def load_session_document(account_id: str, region: str, name_or_arn: str) -> tuple[str, dict]:
    """A Session document's name and content; InvalidDocument when there is no such Session
    document. SSM-SessionManagerRunShell (the account's session preferences) is the account's
    own once it created one (CreateDocument/UpdateDocument), AWS's defaults before."""
    name = document_name_of(name_or_arn)
    if name in SESSION_DOCUMENTS and name != RUN_SHELL:
        return name, SESSION_DOCUMENTS[name]
    ssm = connect_to(aws_access_key_id=account_id, region_name=region).ssm
    try:
        found = ssm.get_document(Name=name, DocumentFormat="JSON")
    except ssm.exceptions.InvalidDocument:
        if name == RUN_SHELL:
            # the account's preferences document, until it saves its own: AWS's defaults
            return name, SESSION_DOCUMENTS[name]
        raise InvalidDocument(f"Document with name {name} does not exist.") from None
    if found.get("DocumentType") != "Session":
        raise InvalidDocument(
            f"Document type {found.get('DocumentType')} is not supported by StartSession."
        )
    try:
        return name, json.loads(found["Content"])
    except ValueError:
        raise InvalidDocument(f"Document {name} is not valid JSON.") from None
