"""Session transcripts, as the preferences ask (s3BucketName/s3KeyPrefix, cloudWatchLogGroupName):
the output of shell and command sessions, written to this LocalStack's S3 / CloudWatch Logs when
the session ends (`<prefix>/<session-id>.log`; a log stream named after the session, its lines
as log events in batches within CloudWatch's limits, as Run Command's output)."""

import logging
import threading

from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.integrations.log_writer import write_log_stream

LOG = logging.getLogger(__name__)
TRANSCRIPT_LIMIT = 4 * 1024 * 1024
"""Bytes of output kept per session for its transcript."""


class Transcript:
    """The first TRANSCRIPT_LIMIT bytes of a session's output (added by the bridge's reader,
    read by whoever ends the session)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: list[bytes] = []
        self._size = 0

    def add(self, data: bytes) -> None:
        with self._lock:
            room = TRANSCRIPT_LIMIT - self._size
            if room > 0 and data:
                self._parts.append(data[:room])
                self._size += min(len(data), room)

    def value(self) -> bytes:
        with self._lock:
            return b"".join(self._parts)


def wanted(inputs: dict) -> bool:
    return bool(inputs.get("s3BucketName") or inputs.get("cloudWatchLogGroupName"))


def write(account_id: str, region: str, inputs: dict, session_id: str, data: bytes) -> None:
    """Writes the transcript where the preferences say; failures are logged, never raised."""
    bucket = str(inputs.get("s3BucketName") or "")
    if bucket:
        prefix = str(inputs.get("s3KeyPrefix") or "").strip("/")
        key = f"{prefix}/{session_id}.log" if prefix else f"{session_id}.log"
        try:
            s3 = connect_to(aws_access_key_id=account_id, region_name=region).s3
            s3.put_object(Bucket=bucket, Key=key, Body=data)
        except Exception as e:
            LOG.warning(
                "SSM session %s: transcript to s3://%s/%s failed: %s", session_id, bucket, key, e
            )
    group = str(inputs.get("cloudWatchLogGroupName") or "")
    if group:
        try:
            logs = connect_to(aws_access_key_id=account_id, region_name=region).logs
            write_log_stream(logs, group, session_id, data.decode("utf-8", "replace"))
        except Exception as e:
            LOG.warning(
                "SSM session %s: transcript to log group %s failed: %s", session_id, group, e
            )
