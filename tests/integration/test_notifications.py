"""SNS notifications and EventBridge events of status changes, read back through SQS."""

import json
import uuid

import pytest

from tests.integration.helpers import finished, poll


@pytest.fixture
def queue(localstack):
    """An SQS queue (URL, ARN) that SNS and EventBridge may deliver to."""
    sqs = localstack.client("sqs")
    url = sqs.create_queue(QueueName=f"ssm-events-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    yield url, arn
    sqs.delete_queue(QueueUrl=url)


def received(localstack, url: str, until) -> list[dict]:
    """Message bodies from the queue (as JSON) until `until(bodies)` holds."""
    sqs = localstack.client("sqs")
    bodies: list[dict] = []

    def drain():
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return bodies

    return poll(drain, until)


def test_sns_notifications_for_invocations(localstack, ssm, launch, queue):
    url, queue_arn = queue
    sns = localstack.client("sns")
    topic = sns.create_topic(Name=f"ssm-{uuid.uuid4().hex[:8]}")["TopicArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    (instance_id,) = launch()
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["true"]},
        NotificationConfig={
            "NotificationArn": topic,
            "NotificationEvents": ["All"],
            "NotificationType": "Invocation",
        },
        ServiceRoleArn="arn:aws:iam::000000000000:role/sns",
    )["Command"]["CommandId"]
    finished(ssm, command_id, instance_id)
    # A standard topic promises no order of delivery (LocalStack's SNS hands each message to a
    # thread pool, as AWS's fan-out does), so the messages are awaited as a set and ordered by the
    # time of the change each one states, as a consumer on AWS orders them.
    bodies = received(
        localstack, url, lambda b: {m["status"] for m in b} >= {"InProgress", "Success"}
    )
    in_time = sorted(bodies, key=lambda m: m["eventTime"])
    assert [m["status"] for m in in_time] == ["InProgress", "Success"]
    assert {(m["commandId"], m["instanceId"]) for m in bodies} == {(command_id, instance_id)}


def test_eventbridge_events_for_commands_and_invocations(localstack, ssm, launch, queue):
    url, queue_arn = queue
    events = localstack.client("events")
    rule = f"ssm-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["aws.ssm"]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    (instance_id,) = launch()
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["exit 3"]},
    )["Command"]["CommandId"]
    finished(ssm, command_id, instance_id)

    def done(bodies):
        kinds = {(b["detail-type"], b["detail"]["status"]) for b in bodies}
        return ("EC2 Command Status-change Notification", "Failed") in kinds and (
            "EC2 Command Invocation Status-change Notification",
            "Failed",
        ) in kinds

    bodies = [b for b in received(localstack, url, done) if b["detail"]["command-id"] == command_id]
    invocation = next(
        b
        for b in bodies
        if b["detail-type"] == "EC2 Command Invocation Status-change Notification"
        and b["detail"]["status"] == "Failed"
    )
    assert invocation["source"] == "aws.ssm"
    assert invocation["detail"]["instance-id"] == instance_id
    assert invocation["detail"]["document-name"] == "AWS-RunShellScript"
    assert invocation["resources"] == [f"arn:aws:ec2:us-east-1:000000000000:instance/{instance_id}"]
    command = next(
        b
        for b in bodies
        if b["detail-type"] == "EC2 Command Status-change Notification"
        and b["detail"]["status"] == "Failed"
    )
    assert command["detail"]["parameters"] == {"commands": ["exit 3"]}
    events.remove_targets(Rule=rule, Ids=["queue"])
    events.delete_rule(Name=rule)
