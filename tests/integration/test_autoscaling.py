"""Auto Scaling groups whose instances are real: containers, Online in SSM, tagged with their
group, kept at the desired capacity, replaced when their container dies."""

import json
import uuid
from collections.abc import Callable, Iterator

import docker.errors
import pytest
from botocore.exceptions import ClientError

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import container_of, finished, ping_status, poll, run_command

GROUP_TAG = "aws:autoscaling:groupName"
DEADLINE = 120


@pytest.fixture
def autoscaling(localstack):
    return localstack.client("autoscaling")


@pytest.fixture
def template(ec2) -> str:
    """A launch template of the test AMI; its name."""
    name = f"asg-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.micro"},
    )
    return name


@pytest.fixture
def subnets(ec2) -> str:
    """Two default subnets in two zones, as VPCZoneIdentifier."""
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]}
    return ",".join(sorted(by_zone.values())[:2])


@pytest.fixture
def new_group(autoscaling, template, subnets) -> Iterator[Callable[..., str]]:
    """Creates groups (from the template, in the two subnets); force-deletes them afterwards."""
    names: list[str] = []

    def create(desired: int, **extra) -> str:
        name = f"asg-{uuid.uuid4().hex[:8]}"
        request = {
            "AutoScalingGroupName": name,
            "LaunchTemplate": {"LaunchTemplateName": template, "Version": "$Latest"},
            "MinSize": 0,
            "MaxSize": 6,
            "DesiredCapacity": desired,
            "VPCZoneIdentifier": subnets,
            **extra,
        }
        request = {k: v for k, v in request.items() if v is not None}  # None: left out
        autoscaling.create_auto_scaling_group(**request)
        names.append(request["AutoScalingGroupName"])
        return request["AutoScalingGroupName"]

    yield create
    for name in names:
        try:
            autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
        except ClientError:
            continue
        poll(lambda n=name: described(autoscaling, n), lambda g: g is None, DEADLINE)


def described(autoscaling, name: str) -> dict | None:
    found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return found["AutoScalingGroups"][0] if found["AutoScalingGroups"] else None


def in_service(autoscaling, name: str, count: int) -> list[str]:
    """The group's members once exactly `count` are InService and none is anything else."""
    group = poll(
        lambda: described(autoscaling, name),
        lambda g: (
            g is not None
            and len(g["Instances"]) == count
            and all(i["LifecycleState"] == "InService" for i in g["Instances"])
        ),
        DEADLINE,
    )
    assert group is not None
    return sorted(i["InstanceId"] for i in group["Instances"])


def state(ec2, instance_id: str) -> str:
    reservation = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    return reservation["Instances"][0]["State"]["Name"]


def container_gone(docker_client, instance_id: str) -> bool:
    try:
        container_of(docker_client, instance_id)
    except docker.errors.NotFound:
        return True
    return False


def all_online(ssm, instance_ids: list[str]) -> None:
    for instance_id in instance_ids:
        poll(lambda i=instance_id: ping_status(ssm, i), lambda s: s == "Online", DEADLINE)


def terminations(activities: list[dict]) -> int:
    """How many of the activities terminate an instance."""
    return sum(a["Description"].startswith("Terminating EC2 instance: i-") for a in activities)


def run_on_group(ssm, name: str) -> list[str]:
    """SendCommand to tag:aws:autoscaling:groupName=name; the instances it ran on (all Success)."""
    command = ssm.send_command(
        Targets=[{"Key": f"tag:{GROUP_TAG}", "Values": [name]}],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["hostname"]},
    )["Command"]
    invocations = poll(
        lambda: ssm.list_command_invocations(CommandId=command["CommandId"])["CommandInvocations"],
        lambda found: len(found) > 0,
    )
    ids = sorted(i["InstanceId"] for i in invocations)
    for instance_id in ids:
        assert finished(ssm, command["CommandId"], instance_id)["Status"] == "Success"
    return ids


def test_a_group_of_three_runs_commands_by_its_tag_and_scales_to_five_and_to_one(
    autoscaling, ec2, ssm, docker_client, new_group
):
    name = new_group(3, Tags=[{"Key": "team", "Value": "web", "PropagateAtLaunch": True}])

    members = in_service(autoscaling, name, 3)
    all_online(ssm, members)
    for instance_id in members:
        assert container_of(docker_client, instance_id).status == "running"
    described_instances = ec2.describe_instances(InstanceIds=members)["Reservations"]
    for reservation in described_instances:
        for instance in reservation["Instances"]:
            tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
            assert tags[GROUP_TAG] == name
            assert tags["team"] == "web"
    zones = {i["AvailabilityZone"] for i in described(autoscaling, name)["Instances"]}  # type: ignore[index]
    assert len(zones) == 2
    assert run_on_group(ssm, name) == members

    autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=5)
    five = in_service(autoscaling, name, 5)
    assert set(members) < set(five)
    all_online(ssm, five)
    assert run_on_group(ssm, name) == five  # the later members too

    autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, MaxSize=1)
    one = in_service(autoscaling, name, 1)
    group = described(autoscaling, name)
    assert group is not None
    assert (group["MaxSize"], group["DesiredCapacity"]) == (1, 1)
    for instance_id in set(five) - set(one):
        assert poll(lambda i=instance_id: state(ec2, i), lambda s: s == "terminated")
        assert container_gone(docker_client, instance_id)
    # a pass takes its members out of the group before it records their terminations
    activities = poll(
        lambda: autoscaling.describe_scaling_activities(AutoScalingGroupName=name)["Activities"],
        lambda found: terminations(found) >= 4,
        DEADLINE,
    )
    assert (
        sum(a["Description"].startswith("Launching a new EC2 instance: i-") for a in activities)
        == 5
    )
    assert terminations(activities) == 4
    assert {a["StatusCode"] for a in activities} == {"Successful"}


def test_terminate_instance_in_group_with_and_without_decrement(
    autoscaling, ec2, docker_client, new_group
):
    name = new_group(2, MinSize=1)
    first, second = in_service(autoscaling, name, 2)

    activity = autoscaling.terminate_instance_in_auto_scaling_group(
        InstanceId=first, ShouldDecrementDesiredCapacity=False
    )["Activity"]
    assert activity["Description"] == f"Terminating EC2 instance: {first}"
    assert activity["StatusCode"] == "InProgress"
    replaced = poll(
        lambda: in_service(autoscaling, name, 2), lambda ids: first not in ids, DEADLINE
    )
    assert second in replaced
    assert poll(lambda: state(ec2, first), lambda s: s == "terminated")
    assert container_gone(docker_client, first)

    autoscaling.terminate_instance_in_auto_scaling_group(
        InstanceId=second, ShouldDecrementDesiredCapacity=True
    )
    remaining = in_service(autoscaling, name, 1)
    assert second not in remaining
    assert described(autoscaling, name)["DesiredCapacity"] == 1  # type: ignore[index]

    with pytest.raises(ClientError) as refused:
        autoscaling.terminate_instance_in_auto_scaling_group(
            InstanceId=remaining[0], ShouldDecrementDesiredCapacity=True
        )
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert in_service(autoscaling, name, 1) == remaining


def test_a_killed_container_is_replaced_and_the_activities_say_why(
    autoscaling, ssm, docker_client, new_group
):
    name = new_group(2)
    members = in_service(autoscaling, name, 2)
    victim = members[0]

    container_of(docker_client, victim).kill()

    replaced = poll(
        lambda: in_service(autoscaling, name, 2), lambda ids: victim not in ids, DEADLINE
    )
    all_online(ssm, replaced)
    activities = autoscaling.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]
    termination = next(a for a in activities if a["Description"].endswith(victim))
    assert termination["StatusCode"] == "Successful"
    assert "EC2 health check" in termination["Cause"]
    assert container_gone(docker_client, victim)


def test_set_instance_health_unhealthy_replaces_the_instance(autoscaling, new_group):
    name = new_group(1)
    (member,) = in_service(autoscaling, name, 1)

    autoscaling.set_instance_health(InstanceId=member, HealthStatus="Unhealthy")

    poll(lambda: in_service(autoscaling, name, 1), lambda ids: ids != [member], DEADLINE)
    details = autoscaling.describe_auto_scaling_instances()["AutoScalingInstances"]
    assert member not in {d["InstanceId"] for d in details}


def test_delete_is_refused_with_members_and_force_delete_terminates_them(
    autoscaling, ec2, docker_client, template, subnets
):
    name = f"asg-{uuid.uuid4().hex[:8]}"
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": template},
        MinSize=1,
        MaxSize=2,
        VPCZoneIdentifier=subnets,
    )
    members = in_service(autoscaling, name, 1)

    with pytest.raises(ClientError) as refused:
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name)
    assert refused.value.response["Error"]["Code"] == "ResourceInUse"
    assert in_service(autoscaling, name, 1) == members

    autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    poll(lambda: described(autoscaling, name), lambda g: g is None, DEADLINE)
    assert state(ec2, members[0]) == "terminated"
    assert container_gone(docker_client, members[0])


def test_a_group_without_members_is_deleted_without_force(autoscaling, template, subnets):
    name = f"asg-{uuid.uuid4().hex[:8]}"
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateName": template},
        MinSize=0,
        MaxSize=2,
        VPCZoneIdentifier=subnets,
    )

    autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name)

    poll(lambda: described(autoscaling, name), lambda g: g is None, DEADLINE)


def test_a_launch_configuration_group_launches_and_holds_its_configuration(
    autoscaling, ssm, subnets, new_group
):
    configuration = f"lc-{uuid.uuid4().hex[:8]}"
    autoscaling.create_launch_configuration(
        LaunchConfigurationName=configuration,
        ImageId=AMI_ID,
        InstanceType="t3.small",
        UserData="#!/bin/sh\necho configured > /tmp/configured\n",
    )
    listed = autoscaling.describe_launch_configurations(LaunchConfigurationNames=[configuration])
    assert listed["LaunchConfigurations"][0]["ImageId"] == AMI_ID

    name = new_group(1, LaunchTemplate=None, LaunchConfigurationName=configuration)
    (member,) = in_service(autoscaling, name, 1)
    details = autoscaling.describe_auto_scaling_instances(InstanceIds=[member])
    (instance,) = details["AutoScalingInstances"]
    assert instance["LaunchConfigurationName"] == configuration
    assert instance["InstanceType"] == "t3.small"
    assert instance["HealthStatus"] == "HEALTHY"

    with pytest.raises(ClientError) as refused:
        autoscaling.delete_launch_configuration(LaunchConfigurationName=configuration)
    assert refused.value.response["Error"]["Code"] == "ResourceInUse"


def no_new_instances(ec2, before: set[str]) -> bool:
    reservations = ec2.describe_instances()["Reservations"]
    now = {i["InstanceId"] for r in reservations for i in r["Instances"]}
    return now <= before


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (
            {"MinSize": 3, "MaxSize": 1},
            "Max bound, 1, must be greater than or equal to min bound, 3",
        ),
        (
            {"MinSize": 1, "MaxSize": 2, "DesiredCapacity": 5},
            "Desired capacity:5 must be between the specified min size:1 and max size:2",
        ),
    ],
)
def test_bounds_out_of_order_are_refused_and_launch_nothing(
    autoscaling, ec2, template, subnets, bounds, message
):
    before = {
        i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
    }
    name = f"asg-{uuid.uuid4().hex[:8]}"

    with pytest.raises(ClientError) as refused:
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": template},
            VPCZoneIdentifier=subnets,
            **bounds,
        )

    assert refused.value.response["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": message,
    }
    assert described(autoscaling, name) is None
    assert no_new_instances(ec2, before)


def test_missing_sources_and_duplicates_get_aws_errors(autoscaling, subnets, new_group):
    name = f"asg-{uuid.uuid4().hex[:8]}"
    cases = [
        (
            {"LaunchTemplate": {"LaunchTemplateName": "no-such-template"}},
            "ValidationError",
            "You must use a valid fully-formed launch template. The specified launch template, "
            "with template name no-such-template, does not exist.",
        ),
        (
            {"LaunchConfigurationName": "no-such-configuration"},
            "ValidationError",
            "Launch configuration name not found - Launch configuration no-such-configuration "
            "not found",
        ),
    ]
    for source, code, message in cases:
        with pytest.raises(ClientError) as refused:
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName=name, MinSize=0, MaxSize=1, VPCZoneIdentifier=subnets, **source
            )
        assert refused.value.response["Error"]["Code"] == code
        assert refused.value.response["Error"]["Message"] == message

    existing = new_group(0)
    with pytest.raises(ClientError) as duplicate:
        new_group(0, AutoScalingGroupName=existing)
    assert duplicate.value.response["Error"]["Code"] == "AlreadyExists"
    with pytest.raises(ClientError) as unknown:
        autoscaling.set_desired_capacity(AutoScalingGroupName="no-such-group", DesiredCapacity=1)
    assert unknown.value.response["Error"]["Code"] == "ValidationError"


def test_a_group_whose_launches_fail_records_them_and_backs_off(
    autoscaling, ec2, subnets, new_group
):
    missing_ami = "ami-00000000000000fff"
    template = f"asg-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(
        LaunchTemplateName=template, LaunchTemplateData={"ImageId": missing_ami}
    )
    name = new_group(1, LaunchTemplate={"LaunchTemplateName": template})

    def failed() -> list[dict]:
        activities = autoscaling.describe_scaling_activities(AutoScalingGroupName=name)
        return [a for a in activities["Activities"] if a["StatusCode"] == "Failed"]

    first, second = reversed(poll(failed, lambda found: len(found) >= 2, DEADLINE)[:2])
    assert (second["StartTime"] - first["EndTime"]).total_seconds() >= 9  # the 10 s back-off
    assert missing_ami in first["StatusMessage"]
    assert first["Description"].startswith("Launching a new EC2 instance.  Status Reason: ")
    assert json.loads(first["Details"])["Subnet ID"] in subnets.split(",")
    assert described(autoscaling, name)["Instances"] == []  # type: ignore[index]


def test_with_persistence_a_group_and_its_members_come_back_after_a_restart(tmp_path):
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ec2, autoscaling = first.client("ec2"), first.client("autoscaling")
        ec2.create_launch_template(
            LaunchTemplateName="kept", LaunchTemplateData={"ImageId": AMI_ID}
        )
        subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName="kept",
            LaunchTemplate={"LaunchTemplateName": "kept"},
            MinSize=1,
            MaxSize=2,
            VPCZoneIdentifier=subnet,
        )
        members = in_service(autoscaling, "kept", 1)
    finally:
        assert first.stop() == 0

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        autoscaling, ssm = second.client("autoscaling"), second.client("ssm")
        assert in_service(autoscaling, "kept", 1) == members  # kept, not replaced
        all_online(ssm, members)
        autoscaling.set_desired_capacity(AutoScalingGroupName="kept", DesiredCapacity=2)
        assert set(members) < set(in_service(autoscaling, "kept", 2))
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName="kept", ForceDelete=True)
        poll(lambda: described(autoscaling, "kept"), lambda g: g is None, DEADLINE)
    finally:
        assert second.stop() == 0


def test_a_request_missing_a_member_gets_a_400_and_stores_nothing(
    localstack, autoscaling, template
):
    raw = localstack.client("autoscaling", validate=False)
    name = f"asg-{uuid.uuid4().hex[:8]}"

    with pytest.raises(ClientError) as refused:
        raw.create_auto_scaling_group(
            AutoScalingGroupName=name, LaunchTemplate={"LaunchTemplateName": template}, MaxSize=1
        )

    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused.value.response["Error"]["Code"] == "MissingParameter"
    assert described(autoscaling, name) is None


def test_a_terminating_hook_holds_the_member_while_a_command_runs_on_it(
    localstack, autoscaling, ssm, docker_client, new_group
):
    """The hook's event reaches an EventBridge rule's SQS queue as AWS sends it; its handler (the
    test, as a Lambda would) runs a command on the waiting member, then completes the action."""
    name = new_group(1)
    [member] = in_service(autoscaling, name, 1)
    all_online(ssm, [member])
    sqs, events = localstack.client("sqs"), localstack.client("events")
    queue_url = sqs.create_queue(QueueName=f"hooks-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    rule = f"hooks-{name}"
    events.put_rule(
        Name=rule,
        EventPattern=json.dumps(
            {
                "source": ["aws.autoscaling"],
                "detail-type": ["EC2 Instance-terminate Lifecycle Action"],
                "detail": {"AutoScalingGroupName": [name]},
            }
        ),
    )
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    autoscaling.put_lifecycle_hook(
        AutoScalingGroupName=name,
        LifecycleHookName="drain",
        LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout=300,
        NotificationMetadata="drain the queue",
    )

    autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=0)
    messages = poll(
        lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", []),
        lambda found: len(found) > 0,
        DEADLINE,
    )

    event = json.loads(messages[0]["Body"])
    assert (event["source"], event["detail-type"]) == (
        "aws.autoscaling",
        "EC2 Instance-terminate Lifecycle Action",
    )
    detail = event["detail"]
    assert detail["EC2InstanceId"] == member
    assert detail["LifecycleHookName"] == "drain"
    assert detail["LifecycleTransition"] == "autoscaling:EC2_INSTANCE_TERMINATING"
    assert detail["NotificationMetadata"] == "drain the queue"
    group = described(autoscaling, name)
    assert group is not None
    assert [i["LifecycleState"] for i in group["Instances"]] == ["Terminating:Wait"]
    command_id = run_command(ssm, member, ["echo drained $(hostname)"])
    assert finished(ssm, command_id, member)["StandardOutputContent"].startswith("drained ")
    assert container_of(docker_client, member).status == "running"

    autoscaling.complete_lifecycle_action(
        AutoScalingGroupName=name,
        LifecycleHookName="drain",
        LifecycleActionToken=detail["LifecycleActionToken"],
        LifecycleActionResult="CONTINUE",
    )

    poll(lambda: container_gone(docker_client, member), bool, DEADLINE)
    poll(lambda: described(autoscaling, name), lambda g: g is not None and not g["Instances"])
    events.remove_targets(Rule=rule, Ids=["queue"])
    events.delete_rule(Name=rule)
    sqs.delete_queue(QueueUrl=queue_url)


def test_an_instance_refresh_replaces_the_members_with_the_templates_new_version(
    autoscaling, ec2, template, new_group
):
    name = new_group(2)
    first = in_service(autoscaling, name, 2)
    ec2.create_launch_template_version(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.small"},
    )

    refresh_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": template, "Version": "2"}},
        Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 0},
    )["InstanceRefreshId"]
    refresh = poll(
        lambda: autoscaling.describe_instance_refreshes(
            AutoScalingGroupName=name, InstanceRefreshIds=[refresh_id]
        )["InstanceRefreshes"][0],
        lambda r: r["Status"] in ("Successful", "Failed", "Cancelled"),
        DEADLINE,
    )

    assert (refresh["Status"], refresh["PercentageComplete"]) == ("Successful", 100)
    members = in_service(autoscaling, name, 2)
    assert not set(first) & set(members)
    reservations = ec2.describe_instances(InstanceIds=members)["Reservations"]
    assert {i["InstanceType"] for r in reservations for i in r["Instances"]} == {"t3.small"}
    group = described(autoscaling, name)
    assert group is not None
    assert group["LaunchTemplate"]["Version"] == "2"
    with pytest.raises(ClientError) as refused:
        autoscaling.cancel_instance_refresh(AutoScalingGroupName=name)
    assert refused.value.response["Error"]["Code"] == "ActiveInstanceRefreshNotFound"


def test_tags_changed_after_creation_reach_the_members_launched_afterwards(
    autoscaling, ec2, new_group
):
    name = new_group(1, Tags=[{"Key": "team", "Value": "web", "PropagateAtLaunch": True}])
    (first,) = in_service(autoscaling, name, 1)
    where = {"ResourceId": name, "ResourceType": "auto-scaling-group"}

    autoscaling.create_or_update_tags(
        Tags=[
            {**where, "Key": "team", "Value": "api", "PropagateAtLaunch": True},
            {**where, "Key": "env", "Value": "dev", "PropagateAtLaunch": True},
            {**where, "Key": "private", "Value": "x", "PropagateAtLaunch": False},
        ]
    )
    autoscaling.delete_tags(Tags=[{**where, "Key": "env"}])
    autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=2)
    second = next(i for i in in_service(autoscaling, name, 2) if i != first)

    def instance_tags(instance_id: str) -> dict[str, str]:
        reservation = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
        tags = reservation["Instances"][0]["Tags"]
        return {t["Key"]: t["Value"] for t in tags if not t["Key"].startswith("aws:")}

    assert instance_tags(first) == {"team": "web"}  # as launched
    assert instance_tags(second) == {"team": "api"}
    pages = autoscaling.get_paginator("describe_tags").paginate(
        Filters=[{"Name": "auto-scaling-group", "Values": [name]}],
        PaginationConfig={"PageSize": 1},
    )
    shown = [(t["Key"], t["Value"], t["PropagateAtLaunch"]) for p in pages for t in p["Tags"]]
    assert shown == [("private", "x", False), ("team", "api", True)]
    with pytest.raises(ClientError) as refused:
        autoscaling.create_or_update_tags(
            Tags=[{**where, "ResourceId": "no-such-group", "Key": "team", "Value": "x"}]
        )
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ClientError) as forged:
        autoscaling.describe_tags(NextToken="forged")
    assert forged.value.response["Error"]["Code"] == "InvalidNextToken"


def test_a_launch_held_by_a_launching_hook_is_in_progress_until_continued(autoscaling, new_group):
    name = new_group(
        1,
        LifecycleHookSpecificationList=[
            {
                "LifecycleHookName": "ready",
                "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
                "HeartbeatTimeout": 300,
            }
        ],
    )
    group = poll(
        lambda: described(autoscaling, name),
        lambda g: g is not None and len(g["Instances"]) == 1,
        DEADLINE,
    )
    assert group is not None
    [member] = group["Instances"]
    assert member["LifecycleState"] == "Pending:Wait"

    def launch() -> dict:
        [activity] = autoscaling.describe_scaling_activities(AutoScalingGroupName=name)[
            "Activities"
        ]
        assert activity["Description"] == f"Launching a new EC2 instance: {member['InstanceId']}"
        return activity

    held = launch()
    assert held["StatusCode"] == "InProgress"
    assert "EndTime" not in held

    autoscaling.complete_lifecycle_action(
        AutoScalingGroupName=name,
        LifecycleHookName="ready",
        InstanceId=member["InstanceId"],
        LifecycleActionResult="CONTINUE",
    )

    assert in_service(autoscaling, name, 1) == [member["InstanceId"]]
    ended = poll(launch, lambda a: a["StatusCode"] != "InProgress", DEADLINE)
    assert ended["StatusCode"] == "Successful"
    assert ended["EndTime"] >= ended["StartTime"]


def test_an_instance_refresh_pauses_at_its_checkpoint_and_a_last_one_below_100_ends_it(
    autoscaling, new_group
):
    name = new_group(2)
    first = in_service(autoscaling, name, 2)

    def refresh(refresh_id: str) -> dict:
        return autoscaling.describe_instance_refreshes(
            AutoScalingGroupName=name, InstanceRefreshIds=[refresh_id]
        )["InstanceRefreshes"][0]

    paused_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        Preferences={
            "MinHealthyPercentage": 50,
            "InstanceWarmup": 0,
            "CheckpointPercentages": [50, 100],
            "CheckpointDelay": 3600,
        },
    )["InstanceRefreshId"]
    paused = poll(
        lambda: refresh(paused_id),
        lambda r: r.get("StatusReason", "").startswith("Waiting at checkpoint"),
        DEADLINE,
    )
    assert (paused["Status"], paused["PercentageComplete"]) == ("InProgress", 50)
    assert paused["Preferences"]["CheckpointPercentages"] == [50, 100]
    halfway = in_service(autoscaling, name, 2)
    assert len(set(first) & set(halfway)) == 1  # one replaced, then the pause
    autoscaling.cancel_instance_refresh(AutoScalingGroupName=name)
    assert poll(lambda: refresh(paused_id), lambda r: r["Status"] == "Cancelled", DEADLINE)

    ended_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        Preferences={
            "MinHealthyPercentage": 50,
            "InstanceWarmup": 0,
            "CheckpointPercentages": [50],
        },
    )["InstanceRefreshId"]
    ended = poll(
        lambda: refresh(ended_id),
        lambda r: r["Status"] in ("Successful", "Failed", "Cancelled"),
        DEADLINE,
    )
    assert (ended["Status"], ended["PercentageComplete"]) == ("Successful", 50)
    assert len(set(halfway) & set(in_service(autoscaling, name, 2))) == 1
    with pytest.raises(ClientError) as refused:
        autoscaling.start_instance_refresh(
            AutoScalingGroupName=name, Preferences={"CheckpointDelay": 60}
        )
    assert refused.value.response["Error"]["Code"] == "ValidationError"


def refresh_of(autoscaling, name: str, refresh_id: str) -> dict:
    return autoscaling.describe_instance_refreshes(
        AutoScalingGroupName=name, InstanceRefreshIds=[refresh_id]
    )["InstanceRefreshes"][0]


def instance_types(ec2, instance_ids: list[str]) -> set[str]:
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    return {i["InstanceType"] for r in reservations for i in r["Instances"]}


def test_a_rollback_puts_back_the_groups_version_on_the_members_the_refresh_replaced(
    autoscaling, ec2, template, new_group
):
    name = new_group(2, LaunchTemplate={"LaunchTemplateName": template, "Version": "1"})
    first = in_service(autoscaling, name, 2)
    ec2.create_launch_template_version(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.small"},
    )
    refresh_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": template, "Version": "2"}},
        Preferences={
            "MinHealthyPercentage": 50,
            "InstanceWarmup": 0,
            "CheckpointPercentages": [50, 100],
        },
    )["InstanceRefreshId"]
    poll(
        lambda: refresh_of(autoscaling, name, refresh_id),
        lambda r: r.get("StatusReason", "").startswith("Waiting at checkpoint"),
        DEADLINE,
    )
    halfway = in_service(autoscaling, name, 2)
    assert instance_types(ec2, halfway) == {"t3.micro", "t3.small"}

    assert autoscaling.rollback_instance_refresh(AutoScalingGroupName=name)[
        "InstanceRefreshId"
    ] == (refresh_id)
    rolled_back = poll(
        lambda: refresh_of(autoscaling, name, refresh_id),
        lambda r: r["Status"] not in ("InProgress", "RollbackInProgress"),
        DEADLINE,
    )

    assert rolled_back["Status"] == "RollbackSuccessful"
    details = rolled_back["RollbackDetails"]
    assert (details["PercentageCompleteOnRollback"], details["InstancesToUpdateOnRollback"]) == (
        50,
        1,
    )
    members = in_service(autoscaling, name, 2)
    assert instance_types(ec2, members) == {"t3.micro"}
    assert len(set(first) & set(members)) == 1  # the member never replaced stays
    assert described(autoscaling, name)["LaunchTemplate"]["Version"] == "1"  # type: ignore[index]
    with pytest.raises(ClientError) as refused:
        autoscaling.rollback_instance_refresh(AutoScalingGroupName=name)
    assert refused.value.response["Error"]["Code"] == "ActiveInstanceRefreshNotFound"
    autoscaling.start_instance_refresh(  # no desired configuration; held before its end
        AutoScalingGroupName=name,
        Preferences={"MinHealthyPercentage": 50, "CheckpointPercentages": [50, 100]},
    )
    with pytest.raises(ClientError) as refused:
        autoscaling.rollback_instance_refresh(AutoScalingGroupName=name)
    assert refused.value.response["Error"]["Code"] == "IrreversibleInstanceRefresh"


def test_auto_rollback_puts_the_group_back_when_the_refresh_fails(
    autoscaling, ec2, template, new_group
):
    name = new_group(1, LaunchTemplate={"LaunchTemplateName": template, "Version": "1"})
    first = in_service(autoscaling, name, 1)
    ec2.create_launch_template_version(
        LaunchTemplateName=template, LaunchTemplateData={"ImageId": "ami-00000000000000fff"}
    )
    with pytest.raises(ClientError) as refused:
        autoscaling.start_instance_refresh(
            AutoScalingGroupName=name, Preferences={"AutoRollback": True}
        )
    assert refused.value.response["Error"]["Code"] == "ValidationError"

    refresh_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": template, "Version": "2"}},
        Preferences={"InstanceWarmup": 0, "AutoRollback": True},
    )["InstanceRefreshId"]
    ended = poll(
        lambda: refresh_of(autoscaling, name, refresh_id),
        lambda r: r["Status"] not in ("Pending", "InProgress", "RollbackInProgress"),
        DEADLINE,
    )

    assert ended["Status"] == "RollbackSuccessful"
    assert "ami-00000000000000fff" in ended["RollbackDetails"]["RollbackReason"]
    (member,) = in_service(autoscaling, name, 1)
    assert member != first[0] and instance_types(ec2, [member]) == {"t3.micro"}


def test_max_healthy_200_launches_the_replacements_before_the_old_members_go(
    autoscaling, ec2, template, new_group
):
    name = new_group(2, LaunchTemplate={"LaunchTemplateName": template, "Version": "1"})
    first = in_service(autoscaling, name, 2)
    ec2.create_launch_template_version(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.small"},
    )
    with pytest.raises(ClientError) as refused:
        autoscaling.start_instance_refresh(
            AutoScalingGroupName=name, Preferences={"MaxHealthyPercentage": 150}
        )
    assert refused.value.response["Error"]["Code"] == "ValidationError"

    refresh_id = autoscaling.start_instance_refresh(
        AutoScalingGroupName=name,
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": template, "Version": "2"}},
        Preferences={"MinHealthyPercentage": 100, "MaxHealthyPercentage": 200, "InstanceWarmup": 0},
    )["InstanceRefreshId"]
    ended = poll(
        lambda: refresh_of(autoscaling, name, refresh_id),
        lambda r: r["Status"] not in ("Pending", "InProgress"),
        DEADLINE,
    )

    assert (ended["Status"], ended["Preferences"]["MaxHealthyPercentage"]) == ("Successful", 200)
    members = in_service(autoscaling, name, 2)
    assert instance_types(ec2, members) == {"t3.small"} and not set(first) & set(members)
    activities = autoscaling.describe_scaling_activities(AutoScalingGroupName=name)["Activities"]
    launches = [a for a in activities if a["Description"].startswith("Launching")]
    terminations = [a for a in activities if a["Description"].startswith("Terminating")]
    last_launch = max(a["StartTime"] for a in launches)
    assert len(terminations) == 2
    assert all(t["StartTime"] >= last_launch for t in terminations)  # both launched first
