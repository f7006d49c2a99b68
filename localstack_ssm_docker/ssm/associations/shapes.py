"""API shapes of associations, built from the store and the commands' invocations."""

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from localstack.aws.api.ssm import (
    Association,
    AssociationDescription,
    AssociationExecution,
    AssociationExecutionTarget,
    AssociationOverview,
    AssociationVersionInfo,
    InstanceAssociationStatusInfo,
)

from localstack_ssm_docker.ssm.associations.models import (
    AssociationExecution as ExecutionRecord,
)
from localstack_ssm_docker.ssm.associations.models import AssociationRecord, AssociationVersion
from localstack_ssm_docker.ssm.associations.status import (
    ExecutionStatus,
    Overview,
    TargetResult,
)

DEFAULT_DOCUMENT_VERSION = "$DEFAULT"
_SETTINGS = (
    "Name",
    "InstanceId",
    "Parameters",
    "Targets",
    "ScheduleExpression",
    "OutputLocation",
    "AssociationName",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AssociationDispatchAssumeRole",
)
_VERSION_SETTINGS = tuple(
    k
    for k in _SETTINGS
    if k not in ("InstanceId", "AutomationTargetParameterName", "AlarmConfiguration")
)


def timestamp(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _settings(version: AssociationVersion, keys: tuple[str, ...]) -> dict:
    shown = {k: version.settings[k] for k in keys if version.settings.get(k) is not None}
    shown["DocumentVersion"] = version.get("DocumentVersion", DEFAULT_DOCUMENT_VERSION)
    if sync := version.get("SyncCompliance"):  # shown only when given, as AWS does
        shown["SyncCompliance"] = sync
    shown["ApplyOnlyAtCronInterval"] = bool(version.get("ApplyOnlyAtCronInterval", False))
    return shown


def overview_shape(overview: Overview) -> AssociationOverview:
    return AssociationOverview(
        Status=overview.status,
        DetailedStatus=overview.detailed_status,
        AssociationStatusAggregatedCount=overview.counts,
    )


def description(
    record: AssociationRecord,
    overview: Overview,
    last_execution: float | None,
    last_success: float | None,
) -> AssociationDescription:
    latest = record.latest
    shape = AssociationDescription(
        AssociationId=record.association_id,
        AssociationVersion=str(latest.version),
        Date=timestamp(record.created_at),
        LastUpdateAssociationDate=timestamp(latest.created_at),
        Overview=overview_shape(overview),
        **_settings(latest, _SETTINGS),
    )
    if instance_id := latest.get("InstanceId"):
        shape["Status"] = {  # type: ignore[typeddict-item]
            "Date": timestamp(latest.created_at),
            "Name": "Associated",
            "Message": f"Associated with {latest.settings['Name']}",
        }
        shape.setdefault("Targets", [{"Key": "InstanceIds", "Values": [instance_id]}])
    if last_execution is not None:
        shape["LastExecutionDate"] = timestamp(last_execution)
    if last_success is not None:
        shape["LastSuccessfulExecutionDate"] = timestamp(last_success)
    return shape


def listed(
    record: AssociationRecord, overview: Overview, last_execution: float | None
) -> Association:
    latest = record.latest
    shape = Association(
        AssociationId=record.association_id,
        AssociationVersion=str(latest.version),
        Name=latest.settings["Name"],
        DocumentVersion=latest.get("DocumentVersion", DEFAULT_DOCUMENT_VERSION),
        Overview=overview_shape(overview),
    )
    for key in ("InstanceId", "Targets", "ScheduleExpression", "AssociationName", "ScheduleOffset"):
        if latest.settings.get(key) is not None:
            shape[key] = latest.settings[key]
    if last_execution is not None:
        shape["LastExecutionDate"] = timestamp(last_execution)
    return shape


def version_info(association_id: str, version: AssociationVersion) -> AssociationVersionInfo:
    return AssociationVersionInfo(
        AssociationId=association_id,
        AssociationVersion=str(version.version),
        CreatedDate=timestamp(version.created_at),
        **_settings(version, _VERSION_SETTINGS),
    )


def execution(record: ExecutionRecord, status: ExecutionStatus) -> AssociationExecution:
    return AssociationExecution(
        AssociationId=record.association_id,
        AssociationVersion=str(record.association_version),
        ExecutionId=record.execution_id,
        Status=status.status,
        DetailedStatus=status.detailed_status,
        CreatedTime=timestamp(record.created_at),
        LastExecutionDate=timestamp(record.created_at),
        ResourceCountByStatus=status.resource_count_by_status,
    )


def execution_target(record: ExecutionRecord, result: TargetResult) -> AssociationExecutionTarget:
    shape = AssociationExecutionTarget(
        AssociationId=record.association_id,
        AssociationVersion=str(record.association_version),
        ExecutionId=record.execution_id,
        ResourceId=result.instance_id,
        ResourceType=result.resource_type,
        Status=result.status,
        DetailedStatus=result.detailed_status,
        LastExecutionDate=timestamp(_result_time(record, result)),
    )
    if record.command_id:
        shape["OutputSource"] = {
            "OutputSourceId": record.command_id,
            "OutputSourceType": "RunCommand",
        }
    return shape


def _result_time(record: ExecutionRecord, result: TargetResult) -> float:
    if result.invocation is not None and result.invocation.result.ended_at is not None:
        return result.invocation.result.ended_at
    return record.created_at


def instance_status(
    association: AssociationRecord,
    record: ExecutionRecord,
    result: TargetResult,
    output_url: str,
) -> InstanceAssociationStatusInfo:
    version = association.versions[record.association_version - 1]
    ended = 1 if result.ended else 0
    success = 1 if result.succeeded else 0
    timed_out = 1 if result.status == "TimedOut" else 0
    shape = InstanceAssociationStatusInfo(
        AssociationId=association.association_id,
        Name=version.settings["Name"],
        DocumentVersion=version.get("DocumentVersion", DEFAULT_DOCUMENT_VERSION),
        AssociationVersion=str(record.association_version),
        InstanceId=result.instance_id,
        ExecutionDate=timestamp(_result_time(record, result)),
        Status=result.status,
        DetailedStatus=result.detailed_status,
        ExecutionSummary=(
            f"{ended} out of 1 plugin processed, {success} success, "
            f"{ended - success - timed_out} failed, {timed_out} timedout, 0 skipped. "
        ),
        ErrorCode="" if result.succeeded or not result.ended else "ExitCode",
    )
    if output_url:
        shape["OutputUrl"] = {"S3OutputUrl": {"OutputUrl": output_url}}
    if name := version.get("AssociationName"):
        shape["AssociationName"] = name
    return shape


def document_content(content: Mapping) -> str:
    return json.dumps(content)
