"""Stored commands and invocations as the SSM API returns them (unset optional members as empty
values, times as strings in GetCommandInvocation and as timestamps in the List operations)."""

from datetime import UTC, datetime
from typing import cast

from localstack.aws.api.ssm import (
    CloudWatchOutputConfig,
    CommandInvocation,
    CommandInvocationStatus,
    CommandPlugin,
    CommandPluginStatus,
    GetCommandInvocationResult,
    InstanceInformation,
    NotificationConfig,
    PingStatus,
    PlatformType,
    ResourceType,
    SourceType,
)
from localstack.aws.api.ssm import Command as CommandShape

from localstack_ssm_docker import __version__
from localstack_ssm_docker.ssm.documents.plan import RUN_SHELL_SCRIPT_ACTION
from localstack_ssm_docker.ssm.models import Command, Invocation, Result
from localstack_ssm_docker.ssm.run.output import plugin_output
from localstack_ssm_docker.ssm.run.output_names import plugin_key_prefix
from localstack_ssm_docker.ssm.run.status import CommandSummary
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance


def _timestamp(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def iso_time(epoch: float | None) -> str:
    """A time as GetCommandInvocation writes it (``2019-02-14T19:26:26.439Z``); "" when unset."""
    if epoch is None:
        return ""
    return _timestamp(epoch).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(epoch * 1000) % 1000:03d}Z"


def iso_duration(start: float | None, end: float | None) -> str:
    """An elapsed time as an ISO-8601 duration (``PT0.541S``); "" until both ends are known."""
    if start is None or end is None:
        return ""
    return f"PT{max(end - start, 0):.3f}S"


def _notification_config(command: Command) -> NotificationConfig:
    return NotificationConfig(
        NotificationArn=command.notification_config.get("NotificationArn", ""),
        NotificationEvents=command.notification_config.get("NotificationEvents", []),
        NotificationType=command.notification_config.get("NotificationType", ""),
    )


def _cloudwatch_output_config(command: Command) -> CloudWatchOutputConfig:
    return CloudWatchOutputConfig(
        CloudWatchLogGroupName=command.cloudwatch_output_config.get("CloudWatchLogGroupName", ""),
        CloudWatchOutputEnabled=command.cloudwatch_output_config.get(
            "CloudWatchOutputEnabled", False
        ),
    )


def command_shape(command: Command, summary: CommandSummary) -> CommandShape:
    """The Command structure of SendCommand and ListCommands."""
    return CommandShape(
        CommandId=command.command_id,
        DocumentName=command.document_name,
        DocumentVersion=command.document_version,
        Comment=command.comment,
        ExpiresAfter=_timestamp(command.expires_after),
        Parameters=command.parameters,
        InstanceIds=command.instance_ids,
        Targets=command.targets,
        RequestedDateTime=_timestamp(command.requested_at),
        Status=summary.status,
        StatusDetails=summary.status_details,
        OutputS3Region=command.output_s3_region,
        OutputS3BucketName=command.output_s3_bucket_name,
        OutputS3KeyPrefix=command.output_s3_key_prefix,
        MaxConcurrency=command.max_concurrency,
        MaxErrors=command.max_errors,
        TargetCount=summary.target_count,
        CompletedCount=summary.completed_count,
        ErrorCount=summary.error_count,
        DeliveryTimedOutCount=summary.delivery_timed_out_count,
        ServiceRole=command.service_role,
        NotificationConfig=_notification_config(command),
        CloudWatchOutputConfig=_cloudwatch_output_config(command),
        TimeoutSeconds=command.timeout_seconds,
    )


def _plugin_view(invocation: Invocation, plugin_name: str, single: bool) -> Result:
    """What one plugin of an invocation shows: its result once it ran; before that, the
    invocation's (one plugin) or Pending (several, while the invocation runs)."""
    ran = next((p for p in invocation.plugins if p.name == plugin_name), None)
    if ran is not None:
        return ran.result
    if single or invocation.is_terminal:
        return invocation.result
    return Result(CommandInvocationStatus.Pending, CommandInvocationStatus.Pending)


def invocation_result(
    command: Command, invocation: Invocation, plugin_name: str
) -> GetCommandInvocationResult:
    """GetCommandInvocation's reply for one plugin of one invocation."""
    view = _plugin_view(invocation, plugin_name, len(command.plugin_names) == 1)
    return GetCommandInvocationResult(
        CommandId=command.command_id,
        InstanceId=invocation.instance_id,
        Comment=command.comment,
        DocumentName=command.document_name,
        DocumentVersion=command.document_version,
        PluginName=plugin_name,
        ResponseCode=view.response_code,
        ExecutionStartDateTime=iso_time(view.started_at),
        ExecutionElapsedTime=iso_duration(view.started_at, view.ended_at),
        ExecutionEndDateTime=iso_time(view.ended_at),
        Status=view.status,
        StatusDetails=view.status_details,
        StandardOutputContent=view.stdout,
        StandardOutputUrl=view.stdout_url,
        StandardErrorContent=view.stderr,
        StandardErrorUrl=view.stderr_url,
        CloudWatchOutputConfig=_cloudwatch_output_config(command),
    )


def command_invocation(
    command: Command, invocation: Invocation, instance_name: str, details: bool
) -> CommandInvocation:
    """One entry of ListCommandInvocations; with `details`, its CommandPlugins."""
    result = invocation.result
    return CommandInvocation(
        CommandId=command.command_id,
        InstanceId=invocation.instance_id,
        InstanceName=instance_name,
        Comment=command.comment,
        DocumentName=command.document_name,
        DocumentVersion=command.document_version,
        RequestedDateTime=_timestamp(invocation.requested_at),
        Status=result.status,
        StatusDetails=result.status_details,
        TraceOutput="",
        StandardOutputUrl=result.stdout_url,
        StandardErrorUrl=result.stderr_url,
        CommandPlugins=(
            [_command_plugin(command, invocation, name) for name in command.plugin_names]
            if details
            else []
        ),
        ServiceRole=command.service_role,
        NotificationConfig=_notification_config(command),
        CloudWatchOutputConfig=_cloudwatch_output_config(command),
    )


def _command_plugin(command: Command, invocation: Invocation, plugin_name: str) -> CommandPlugin:
    view = _plugin_view(invocation, plugin_name, len(command.plugin_names) == 1)
    plugin = CommandPlugin(
        Name=plugin_name,
        # the only plugin shows its invocation's status, Delayed and Cancelling included
        Status=cast(CommandPluginStatus, view.status),
        StatusDetails=view.status_details,
        ResponseCode=view.response_code,
        Output=plugin_output(view.stdout, view.stderr),
        StandardOutputUrl=view.stdout_url,
        StandardErrorUrl=view.stderr_url,
        OutputS3Region=command.output_s3_region,
        OutputS3BucketName=command.output_s3_bucket_name,
        OutputS3KeyPrefix=(
            plugin_key_prefix(command, invocation.instance_id, RUN_SHELL_SCRIPT_ACTION)
            if command.output_s3_bucket_name
            else ""
        ),
    )
    if view.started_at is not None:
        plugin["ResponseStartDateTime"] = _timestamp(view.started_at)
    if view.ended_at is not None:
        plugin["ResponseFinishDateTime"] = _timestamp(view.ended_at)
    return plugin


def instance_information(instance: ManagedInstance, now: float) -> InstanceInformation:
    """One entry of DescribeInstanceInformation."""
    record = instance.record
    info = InstanceInformation(
        InstanceId=record.instance_id,
        PingStatus=PingStatus(instance.ping_status),
        LastPingDateTime=_timestamp(
            now if instance.ping_status == PingStatus.Online else record.launched_at
        ),
        AgentVersion=__version__,
        IsLatestVersion=True,
        PlatformType=PlatformType.Linux,
        PlatformName=record.os_release.get("NAME", ""),
        PlatformVersion=record.os_release.get("VERSION_ID", ""),
        ResourceType=ResourceType.EC2Instance,
        RegistrationDate=_timestamp(record.launched_at),
        ComputerName=record.computer_name,
        SourceId=record.instance_id,
        SourceType=SourceType.AWS_EC2_Instance,
    )
    if record.ip_address:
        info["IPAddress"] = record.ip_address
    return info
