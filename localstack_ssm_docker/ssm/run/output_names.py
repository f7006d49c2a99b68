"""Where AWS puts a command's output, by name: S3 keys and URLs, CloudWatch Logs groups. Pure, so
reply shapes and the output sink agree on every name without the shapes calling S3."""

from dataclasses import dataclass

from localstack_ssm_docker.ssm.models import Command


@dataclass(frozen=True)
class OutputLocations:
    """Where an invocation's streams went in S3 ("" when not written there)."""

    stdout_url: str = ""
    stderr_url: str = ""


def plugin_key_prefix(command: Command, instance_id: str, action: str) -> str:
    """``<prefix>/<commandId>/<instanceId>/<plugin>``, without a leading slash."""
    plugin = action.replace(":", "")
    return "/".join(
        part
        for part in (command.output_s3_key_prefix, command.command_id, instance_id, plugin)
        if part
    )


def s3_url(region: str, bucket: str, key: str) -> str:
    """The address AWS gives an output object."""
    return f"https://s3.{region}.amazonaws.com/{bucket}/{key}"


def log_group_of(command: Command) -> str:
    """The log group of a command's output: as asked, or ``/aws/ssm/<DocumentName>``."""
    asked = command.cloudwatch_output_config.get("CloudWatchLogGroupName")
    return asked or f"/aws/ssm/{command.document_name}"
