"""Finds documents: AWS's own, or Command and Session documents created in this LocalStack's
SSM."""

import json

from localstack.aws.api.ssm import InvalidDocument, InvalidDocumentVersion
from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.documents.aws_owned import AWS_DOCUMENTS
from localstack_ssm_docker.ssm.documents.plan import Document, document_name_of
from localstack_ssm_docker.ssm.documents.session_documents import RUN_SHELL, SESSION_DOCUMENTS

AWS_DOCUMENT_VERSIONS = frozenset({"", "$LATEST", "$DEFAULT", "1"})


def load_document(account_id: str, region: str, name_or_arn: str, version: str | None) -> Document:
    """The document at `version` (default: its default version); InvalidDocument when it does
    not exist or is not a Command document, InvalidDocumentVersion for a version it lacks."""
    name = document_name_of(name_or_arn)
    if name in AWS_DOCUMENTS:
        if (version or "") not in AWS_DOCUMENT_VERSIONS:
            raise InvalidDocumentVersion(f"Document {name} does not have a version {version}.")
        return Document(name, "1", AWS_DOCUMENTS[name])
    ssm = connect_to(aws_access_key_id=account_id, region_name=region).ssm
    asked = {} if version in (None, "", "$DEFAULT") else {"DocumentVersion": version}
    try:
        found = ssm.get_document(Name=name, DocumentFormat="JSON", **asked)
    except ssm.exceptions.InvalidDocument:
        if asked and _exists(ssm, name):
            raise InvalidDocumentVersion(
                f"Document {name} does not have a version {version}."
            ) from None
        raise InvalidDocument(f"Document with name {name} does not exist.") from None
    if found.get("DocumentType") != "Command":
        raise InvalidDocument(f"Document {name} is not a Command document.")
    return Document(name, found["DocumentVersion"], json.loads(found["Content"]))


def _exists(ssm, name: str) -> bool:
    try:
        ssm.describe_document(Name=name)
    except ssm.exceptions.InvalidDocument:
        return False
    return True


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
