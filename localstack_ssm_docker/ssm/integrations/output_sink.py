"""Command output written where SendCommand asked: objects in this LocalStack's S3 and log
events in its CloudWatch Logs, under AWS's names."""

import logging

from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.documents.plan import StepPlan
from localstack_ssm_docker.ssm.integrations.log_writer import write_log_stream
from localstack_ssm_docker.ssm.models import Command
from localstack_ssm_docker.ssm.run.output_names import (
    OutputLocations,
    log_group_of,
    plugin_key_prefix,
    s3_url,
)
from localstack_ssm_docker.ssm.run.ports import Streams

LOG = logging.getLogger(__name__)


def bucket_exists(account_id: str, region: str, bucket: str) -> bool:
    """Whether this LocalStack's S3 has the bucket (in any region, as S3 names are global)."""
    s3 = connect_to(aws_access_key_id=account_id, region_name=region).s3
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        return False
    return True


class LocalStackOutputSink:
    """Writes to the S3 and CloudWatch Logs of this LocalStack, in the command's account."""

    def write(
        self,
        account_id: str,
        region: str,
        command: Command,
        instance_id: str,
        step: StepPlan,
        streams: Streams,
    ) -> OutputLocations:
        """Uploads non-empty streams; a failing destination is logged and left out."""
        clients = connect_to(aws_access_key_id=account_id, region_name=region)
        urls = {}
        if command.output_s3_bucket_name:
            urls = self._to_s3(clients.s3, region, command, instance_id, step, streams)
        if command.cloudwatch_output_config.get("CloudWatchOutputEnabled"):
            self._to_logs(clients.logs, command, instance_id, step, streams)
        return OutputLocations(urls.get("stdout", ""), urls.get("stderr", ""))

    @staticmethod
    def _to_s3(
        s3, region: str, command: Command, instance_id: str, step: StepPlan, streams: Streams
    ) -> dict[str, str]:
        bucket = command.output_s3_bucket_name
        prefix = plugin_key_prefix(command, instance_id, step.action)
        urls = {}
        for name, data in streams.items():
            if not data:
                continue
            key = f"{prefix}/{step.folder}/{name}"
            try:
                s3.put_object(Bucket=bucket, Key=key, Body=data)
            except Exception as e:
                LOG.warning("could not write %s to s3://%s/%s: %s", name, bucket, key, e)
                continue
            urls[name] = s3_url(region, bucket, key)
        return urls

    @staticmethod
    def _to_logs(
        logs, command: Command, instance_id: str, step: StepPlan, streams: Streams
    ) -> None:
        group = log_group_of(command)
        plugin = step.log_stream_part
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        except Exception as e:
            LOG.warning("could not create log group %s: %s", group, e)
            return
        for name, data in streams.items():
            if not data:
                continue
            stream = f"{command.command_id}/{instance_id}/{plugin}/{name}"
            try:
                write_log_stream(logs, group, stream, data.decode("utf-8", "replace"))
            except Exception as e:
                LOG.warning("could not write %s to log stream %s: %s", name, stream, e)
