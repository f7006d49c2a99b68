"""The AWS-owned documents this emulator runs, with the content AWS publishes for them."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, cast

from localstack.aws.api.ssm import (
    DocumentDescription,
    DocumentFilter,
    DocumentFormat,
    DocumentHashType,
    DocumentIdentifier,
    DocumentKeyValuesFilter,
    DocumentParameter,
    DocumentParameterType,
    DocumentStatus,
    DocumentType,
    PlatformType,
)

from localstack_ssm_docker.ssm.documents.automation_runbooks import RUNBOOKS
from localstack_ssm_docker.ssm.documents.session_documents import RUN_SHELL, SESSION_DOCUMENTS

RUN_SHELL_SCRIPT = "AWS-RunShellScript"

RUN_SHELL_SCRIPT_CONTENT: dict[str, Any] = {
    "schemaVersion": "1.2",
    "description": "Run a shell script or specify the commands to run.",
    "parameters": {
        "commands": {
            "type": "StringList",
            "description": "(Required) Specify a shell script or a command to run.",
            "minItems": 1,
            "displayType": "textarea",
        },
        "workingDirectory": {
            "type": "String",
            "default": "",
            "description": "(Optional) The path to the working directory on your instance.",
            "maxChars": 4096,
        },
        "executionTimeout": {
            "type": "String",
            "default": "3600",
            "description": (
                "(Optional) The time in seconds for a command to complete before it is "
                "considered to have failed. Default is 3600 (1 hour). Maximum is 172800 (48 hours)."
            ),
            "allowedPattern": (
                "([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)"
            ),
        },
    },
    "runtimeConfig": {
        "aws:runShellScript": {
            "properties": [
                {
                    "id": "0.aws:runShellScript",
                    "runCommand": "{{ commands }}",
                    "workingDirectory": "{{ workingDirectory }}",
                    "timeoutSeconds": "{{ executionTimeout }}",
                }
            ]
        }
    },
}

# SSM-SessionManagerRunShell is the account's own document on AWS (its Session Manager
# preferences): it is not served as AWS's, so that the one an account creates is the one it sees.
AWS_DOCUMENTS: dict[str, dict[str, Any]] = {
    RUN_SHELL_SCRIPT: RUN_SHELL_SCRIPT_CONTENT,
    **{name: content for name, content in SESSION_DOCUMENTS.items() if name != RUN_SHELL},
    **RUNBOOKS,
}
CREATED = datetime(2017, 8, 23, tzinfo=UTC)


def content_json(name: str) -> str:
    """An AWS document's content as GetDocument returns it."""
    return json.dumps(AWS_DOCUMENTS[name], indent=2)


def _hash(name: str) -> str:
    return hashlib.sha256(content_json(name).encode()).hexdigest()


def _parameter(key: str, spec: dict[str, Any]) -> DocumentParameter:
    # runbooks' parameters have more types (Boolean, Integer, MapList...) than the model's enum
    # lists; AWS's DescribeDocument shows them as they are
    parameter = DocumentParameter(
        Name=key,
        Type=cast(DocumentParameterType, spec["type"]),
        Description=spec.get("description", ""),
    )
    if "default" in spec:
        default = spec["default"]
        parameter["DefaultValue"] = default if isinstance(default, str) else json.dumps(default)
    return parameter


def _parameters(name: str) -> list[DocumentParameter]:
    return [
        _parameter(key, spec) for key, spec in AWS_DOCUMENTS[name].get("parameters", {}).items()
    ]


def document_type(name: str) -> DocumentType:
    """Session for session documents (they name a sessionType), Automation for runbooks (schema
    0.3), else Command."""
    if "sessionType" in AWS_DOCUMENTS[name]:
        return DocumentType.Session
    if name in RUNBOOKS:
        return DocumentType.Automation
    return DocumentType.Command


def _platforms(name: str) -> list[PlatformType]:
    """Runbooks run in Automation, not on an instance: AWS lists every platform for them."""
    if name in RUNBOOKS:
        return [PlatformType.Windows, PlatformType.Linux, PlatformType.MacOS]
    return [PlatformType.Linux, PlatformType.MacOS]


def identifier(name: str) -> DocumentIdentifier:
    """ListDocuments' DocumentIdentifier for an AWS document."""
    return DocumentIdentifier(
        Name=name,
        Owner="Amazon",
        DocumentVersion="1",
        DocumentType=document_type(name),
        SchemaVersion=AWS_DOCUMENTS[name]["schemaVersion"],
        DocumentFormat=DocumentFormat.JSON,
        PlatformTypes=_platforms(name),
        CreatedDate=CREATED,
    )


def description(name: str) -> DocumentDescription:
    """DescribeDocument's Document for an AWS document: its identifier and more."""
    found = identifier(name)
    return DocumentDescription(
        Name=name,
        Owner=found["Owner"],
        DocumentVersion=found["DocumentVersion"],
        DocumentType=found["DocumentType"],
        SchemaVersion=found["SchemaVersion"],
        DocumentFormat=found["DocumentFormat"],
        PlatformTypes=found["PlatformTypes"],
        CreatedDate=CREATED,
        DefaultVersion="1",
        LatestVersion="1",
        Status=DocumentStatus.Active,
        Parameters=_parameters(name),
        Hash=_hash(name),
        HashType=DocumentHashType.Sha256,
        Description=AWS_DOCUMENTS[name]["description"],
    )


def listed(
    name: str, filters: list[DocumentKeyValuesFilter], legacy_filters: list[DocumentFilter]
) -> bool:
    """Whether ListDocuments' filters (both forms) keep an AWS document."""
    pairs = [(f.get("Key") or "", f.get("Values") or []) for f in filters]
    pairs += [(f["key"], [f["value"]]) for f in legacy_filters]
    return all(_keeps(name, key, values) for key, values in pairs)


def _keeps(name: str, key: str, values: list[str]) -> bool:
    lowered = {v.lower() for v in values}
    if key == "Owner":
        return bool(lowered & {"amazon", "public", "all"})
    if key == "Name":
        return any(name.startswith(v) for v in values)
    if key == "DocumentType":
        return document_type(name).lower() in lowered
    if key == "PlatformTypes":
        return bool(lowered & {"linux", "macos"})
    if key == "SearchKeyword":
        return any(v.lower() in name.lower() for v in values)
    return not key.startswith("tag")
