import json
from dataclasses import replace

import pytest
from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.ssm.integrations.notifications import (
    command_event,
    invocation_event,
    wants_notification,
)
from localstack_ssm_docker.ssm.models import Invocation
from tests.unit.builders import command

TOPIC = "arn:aws:sns:eu-west-1:111111111111:topic"


@pytest.mark.parametrize(
    ("config", "kind", "status", "wanted"),
    [
        ({}, "Command", "Success", False),
        ({"NotificationArn": TOPIC}, "Command", "Success", True),
        ({"NotificationArn": TOPIC}, "Invocation", "Success", False),
        (
            {"NotificationArn": TOPIC, "NotificationType": "Invocation"},
            "Invocation",
            "Failed",
            True,
        ),
        ({"NotificationArn": TOPIC, "NotificationEvents": ["Failed"]}, "Command", "Success", False),
        ({"NotificationArn": TOPIC, "NotificationEvents": ["Failed"]}, "Command", "Failed", True),
        ({"NotificationArn": TOPIC}, "Command", "Pending", False),
    ],
)
def test_which_changes_are_notified(config, kind, status, wanted):
    assert (
        wants_notification(replace(command(), notification_config=config), kind, status) is wanted
    )


def test_event_shapes():
    cmd = command(requested_at=1_700_000_000.0)
    invocation = Invocation(cmd.command_id, "i-12345678", cmd.requested_at).with_result(
        status=CommandInvocationStatus.Success
    )
    entry, message = invocation_event("eu-west-1", "111111111111", cmd, invocation)
    assert (entry["Source"], entry["DetailType"]) == (
        "aws.ssm",
        "EC2 Command Invocation Status-change Notification",
    )
    assert entry["Resources"] == ["arn:aws:ec2:eu-west-1:111111111111:instance/i-12345678"]
    assert json.loads(entry["Detail"]) == {
        "command-id": cmd.command_id,
        "document-name": "AWS-RunShellScript",
        "instance-id": "i-12345678",
        "requested-date-time": "2023-11-14T22:13:20.000Z",
        "status": "Success",
    }
    assert (message["instanceId"], message["status"]) == ("i-12345678", "Success")
    entry, message = command_event("eu-west-1", "111111111111", cmd, "Failed", ["i-12345678"])
    detail = json.loads(entry["Detail"])
    assert entry["DetailType"] == "EC2 Command Status-change Notification"
    assert (detail["status"], detail["parameters"]) == ("Failed", {"commands": ["echo hi"]})
    assert message["instanceIds"] == ["i-12345678"]
