"""AWS::SSM::Document (Command, Automation and the other types): CreateDocument, a new default
version on update, DeleteDocument. ``Ref`` is the document's name. A document SSM refuses (a
malformed runbook) fails the resource with SSM's error message, as CloudFormation reports it."""

import contextlib
import json
from typing import Any, TypedDict

import localstack.services.cloudformation.provider_utils as util
from botocore.exceptions import ClientError
from localstack.services.cloudformation.resource_provider import (
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceRequest,
)

from localstack_ssm_docker.cloudformation.handler_errors import client_error_failure


class SsmDocumentProperties(TypedDict, total=False):
    Content: Any
    Name: str
    DocumentType: str
    DocumentFormat: str
    TargetType: str
    VersionName: str
    Tags: list[dict[str, str]]
    Requires: list[dict[str, str]]
    Attachments: list[dict[str, Any]]
    UpdateMethod: str


SCHEMA: dict[str, Any] = {
    "typeName": "AWS::SSM::Document",
    "properties": {
        name: {}
        for name in (
            "Content",
            "Name",
            "DocumentType",
            "DocumentFormat",
            "TargetType",
            "VersionName",
            "Tags",
            "Requires",
            "Attachments",
            "UpdateMethod",
        )
    },
    "required": ["Content"],
    "primaryIdentifier": ["/properties/Name"],
    "createOnlyProperties": ["/properties/Name"],
}


def _content(model: SsmDocumentProperties) -> tuple[str, str]:
    """The content as the API takes it, and its format: objects (JSON or YAML in the template)
    are sent as JSON; strings as they are, in the format named (JSON by default)."""
    content = model["Content"]
    if isinstance(content, str):
        return content, model.get("DocumentFormat") or "JSON"
    return json.dumps(content), "JSON"


class SsmDocumentProvider(ResourceProvider[SsmDocumentProperties]):
    TYPE = "AWS::SSM::Document"
    SCHEMA = SCHEMA

    def create(
        self, request: ResourceRequest[SsmDocumentProperties]
    ) -> ProgressEvent[SsmDocumentProperties]:
        model = request.desired_state
        ssm = request.aws_client_factory.ssm
        if not model.get("Name"):
            model["Name"] = util.generate_default_name(
                stack_name=request.stack_name, logical_resource_id=request.logical_resource_id
            )
        content, content_format = _content(model)
        params = util.select_attributes(
            dict(model),
            ["Name", "DocumentType", "TargetType", "VersionName", "Requires", "Attachments"],
        )
        if tags := model.get("Tags"):
            params["Tags"] = tags
        try:
            ssm.create_document(Content=content, DocumentFormat=content_format, **params)
        except ClientError as e:  # a malformed document: InvalidDocumentContent's message
            return client_error_failure("Ssm", e, request.request_token)
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)

    def update(
        self, request: ResourceRequest[SsmDocumentProperties]
    ) -> ProgressEvent[SsmDocumentProperties]:
        model = request.desired_state
        previous = request.previous_state or {}
        model["Name"] = model.get("Name") or previous["Name"]
        ssm = request.aws_client_factory.ssm
        content, content_format = _content(model)
        if (previous.get("Content"), previous.get("DocumentFormat")) != (
            model.get("Content"),
            model.get("DocumentFormat"),
        ):
            try:
                version = ssm.update_document(
                    Name=model["Name"],
                    Content=content,
                    DocumentFormat=content_format,
                    DocumentVersion="$LATEST",
                )["DocumentDescription"]["DocumentVersion"]
            except ClientError as e:
                return client_error_failure("Ssm", e, request.request_token)
            ssm.update_document_default_version(Name=model["Name"], DocumentVersion=version)
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)

    def delete(
        self, request: ResourceRequest[SsmDocumentProperties]
    ) -> ProgressEvent[SsmDocumentProperties]:
        model = request.desired_state
        ssm = request.aws_client_factory.ssm
        with contextlib.suppress(ssm.exceptions.InvalidDocument):  # already gone
            ssm.delete_document(Name=model["Name"])
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)

    def read(
        self, request: ResourceRequest[SsmDocumentProperties]
    ) -> ProgressEvent[SsmDocumentProperties]:
        ssm = request.aws_client_factory.ssm
        name = request.desired_state["Name"]
        try:
            ssm.describe_document(Name=name)
        except ssm.exceptions.InvalidDocument:
            return ProgressEvent(
                status=OperationStatus.FAILED,
                message=f"Resource of type '{self.TYPE}' with identifier '{name}' was not found.",
                error_code="NotFound",
            )
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=request.desired_state)
