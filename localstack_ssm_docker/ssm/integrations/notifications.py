"""Status changes told to the world as AWS tells them: SNS notifications (NotificationConfig)
and EventBridge events, published in the background in the order they happened."""

import json
import logging
import queue
import threading
from datetime import UTC, datetime

from localstack.aws.api.ssm import CommandStatus
from localstack.aws.connect import connect_to

from localstack_ssm_docker.ssm.models import Command, Invocation

LOG = logging.getLogger(__name__)

COMMAND_EVENT = "EC2 Command Status-change Notification"
INVOCATION_EVENT = "EC2 Command Invocation Status-change Notification"
NOTIFIED_STATUSES = frozenset(
    {
        CommandStatus.InProgress,
        CommandStatus.Success,
        CommandStatus.TimedOut,
        CommandStatus.Cancelled,
        CommandStatus.Failed,
    }
)


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def wants_notification(command: Command, kind: str, status: str) -> bool:
    """Whether the command's NotificationConfig asks for this change (kind Command/Invocation)."""
    config = command.notification_config
    if not config.get("NotificationArn") or status not in NOTIFIED_STATUSES:
        return False
    if config.get("NotificationType", "Command") != kind:
        return False
    events = config.get("NotificationEvents") or ["All"]
    return "All" in events or status in events


def invocation_event(region: str, account_id: str, command: Command, invocation: Invocation):
    """The EventBridge entry and SNS message of an invocation's status change."""
    result = invocation.result
    now = _time(result.ended_at or result.started_at or invocation.requested_at)
    detail = {
        "command-id": command.command_id,
        "document-name": command.document_name,
        "instance-id": invocation.instance_id,
        "requested-date-time": _time(command.requested_at),
        "status": result.status,
    }
    message = {
        "commandId": command.command_id,
        "documentName": command.document_name,
        "instanceId": invocation.instance_id,
        "requestedDateTime": _time(command.requested_at),
        "status": result.status,
        "eventTime": now,
    }
    resource = f"arn:aws:ec2:{region}:{account_id}:instance/{invocation.instance_id}"
    return _entry(INVOCATION_EVENT, [resource], detail), message


def command_event(region: str, account_id: str, command: Command, status: str, instances):
    """The EventBridge entry and SNS message of a command's status change."""
    detail = {
        "command-id": command.command_id,
        "document-name": command.document_name,
        "expire-after": _time(command.expires_after),
        "parameters": command.parameters,
        "requested-date-time": _time(command.requested_at),
        "status": status,
    }
    message = {
        "commandId": command.command_id,
        "documentName": command.document_name,
        "instanceIds": list(instances),
        "requestedDateTime": _time(command.requested_at),
        "expiresAfter": _time(command.expires_after),
        "outputS3BucketName": command.output_s3_bucket_name,
        "outputS3KeyPrefix": command.output_s3_key_prefix,
        "status": status,
    }
    resources = [f"arn:aws:ec2:{region}:{account_id}:instance/{i}" for i in instances]
    return _entry(COMMAND_EVENT, resources, detail), message


def _entry(detail_type: str, resources: list[str], detail: dict) -> dict:
    return {
        "Source": "aws.ssm",
        "DetailType": detail_type,
        "Resources": resources,
        "Detail": json.dumps(detail),
    }


class LocalStackNotifier:
    """Publishes to this LocalStack's EventBridge and SNS from one background thread."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="ssm-notify", daemon=True)
        self._thread.start()

    def invocation_changed(
        self, account_id: str, region: str, command: Command, invocation: Invocation
    ) -> None:
        """Queues the invocation's event, and its SNS message when asked for."""
        entry, message = invocation_event(region, account_id, command, invocation)
        topic = command.notification_config.get("NotificationArn")
        wanted = wants_notification(command, "Invocation", invocation.result.status)
        self._queue.put((account_id, region, entry, topic if wanted else None, message))

    def command_changed(
        self, account_id: str, region: str, command: Command, status: str, instance_ids: list[str]
    ) -> None:
        """Queues the command's event, and its SNS message when asked for."""
        entry, message = command_event(region, account_id, command, status, instance_ids)
        topic = command.notification_config.get("NotificationArn")
        wanted = wants_notification(command, "Command", status)
        self._queue.put((account_id, region, entry, topic if wanted else None, message))

    def shutdown(self) -> None:
        """Stops after what is queued has been published."""
        self._queue.put(None)

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            account_id, region, entry, topic, message = item
            events = has_event_rules(account_id, region)
            if not events and not topic:
                continue  # nothing would be seen: no client is built for it
            clients = connect_to(aws_access_key_id=account_id, region_name=region)
            if events:
                try:
                    clients.events.put_events(Entries=[entry])
                except Exception as e:
                    LOG.debug("event not published: %s", e)
            if topic:
                try:
                    clients.sns.publish(TopicArn=topic, Message=json.dumps(message))
                except Exception as e:
                    LOG.warning("notification to %s not published: %s", topic, e)


def has_event_rules(account_id: str, region: str) -> bool:
    """Whether any event bus of the account and region has a rule: without one, no event can be
    seen, and publishing it would only cost the gateway's time."""
    from localstack.services.events.models import events_stores

    buses = events_stores[account_id][region].event_buses
    return any(bus.rules for bus in buses.values())
