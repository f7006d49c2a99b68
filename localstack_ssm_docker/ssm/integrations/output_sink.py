"""Command output written where SendCommand asked: objects in this LocalStack's S3 and log
events in its CloudWatch Logs, under AWS's names."""

import logging
import time

from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.documents.plan import StepPlan
from localstack_ssm_docker.ssm.models import Command
from localstack_ssm_docker.ssm.run.output_names import (
    OutputLocations,
    log_group_of,
    plugin_key_prefix,
    s3_url,
)
from localstack_ssm_docker.ssm.run.ports import Streams

LOG = logging.getLogger(__name__)

LOG_EVENT_OVERHEAD = 26
"""Bytes CloudWatch Logs counts for each event beside its message's UTF-8 bytes."""
LOG_EVENT_MAX_SIZE = 256 * 1024
"""The largest event PutLogEvents takes (message bytes + LOG_EVENT_OVERHEAD)."""
LOG_BATCH_MAX_SIZE = 1_048_576
"""The largest PutLogEvents batch (the sum of its events' sizes)."""
LOG_BATCH_MAX_EVENTS = 10_000


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
                logs.create_log_stream(logGroupName=group, logStreamName=stream)
                for batch in log_batches(data.decode("utf-8", "replace")):
                    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
            except Exception as e:
                LOG.warning("could not write %s to log stream %s: %s", name, stream, e)


def log_batches(text: str) -> list[list[dict]]:
    """The text as log events (a line each, a line too long for one event split between
    characters) in batches within PutLogEvents' limits: an event's size (its message's UTF-8
    bytes + 26) at most 256 KiB, a batch's at most 1 MiB and 10,000 events."""
    now = int(time.time() * 1000)
    batches: list[list[dict]] = [[]]
    size = 0
    for line in text.splitlines() or [text]:
        for message in _event_messages(line):
            cost = len(message.encode()) + LOG_EVENT_OVERHEAD
            if size + cost > LOG_BATCH_MAX_SIZE or len(batches[-1]) >= LOG_BATCH_MAX_EVENTS:
                batches.append([])
                size = 0
            batches[-1].append({"timestamp": now, "message": message})
            size += cost
    return [b for b in batches if b]


def _event_messages(line: str) -> list[str]:
    """The line in pieces of at most one event's message bytes, cut between characters (an
    empty line is one space: an event's message cannot be empty)."""
    data = line.encode()
    limit = LOG_EVENT_MAX_SIZE - LOG_EVENT_OVERHEAD
    pieces = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        pieces.append(data[start:end].decode())
        start = end
    return pieces or [" "]
