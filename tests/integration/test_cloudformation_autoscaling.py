"""AWS::AutoScaling::AutoScalingGroup in CloudFormation stacks, from the stack's
AWS::EC2::LaunchTemplate: the stack is complete once the desired capacity is InService, its
members carry the group's and CloudFormation's tags, an update scales the group onto the
template's new version (or, under an UpdatePolicy AutoScalingRollingUpdate, replaces every
member through an instance refresh), and deleting the stack leaves no group and no container."""

import json
import uuid

from tests.integration.conftest import AMI_ID

WAIT = {"Delay": 1, "MaxAttempts": 180}
ACCOUNT = "330000000004"  # its groups and instances stay out of other tests' views


def _template(instance_type: str, desired: int, update_policy: dict | None = None) -> str:
    group_extra = {"UpdatePolicy": update_policy} if update_policy else {}
    return json.dumps(
        {
            "Resources": {
                "WebTemplate": {
                    "Type": "AWS::EC2::LaunchTemplate",
                    "Properties": {
                        "LaunchTemplateData": {"ImageId": AMI_ID, "InstanceType": instance_type}
                    },
                },
                "WebGroup": {
                    "Type": "AWS::AutoScaling::AutoScalingGroup",
                    "Properties": {
                        "MinSize": "1",
                        "MaxSize": "4",
                        "DesiredCapacity": str(desired),
                        "AvailabilityZones": ["us-east-1a", "us-east-1b"],
                        "LaunchTemplate": {
                            "LaunchTemplateId": {"Ref": "WebTemplate"},
                            "Version": {"Fn::GetAtt": ["WebTemplate", "LatestVersionNumber"]},
                        },
                        "Tags": [{"Key": "team", "Value": "web", "PropagateAtLaunch": "true"}],
                    },
                    **group_extra,
                },
            },
            "Outputs": {"Group": {"Value": {"Ref": "WebGroup"}}},
        }
    )


def _members(autoscaling, name: str) -> list[dict]:
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ][0]["Instances"]


def test_a_stack_group_reaches_its_capacity_scales_on_update_and_goes_with_the_stack(
    localstack, docker_client
):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    autoscaling = localstack.client("autoscaling", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    stack = f"asg-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=stack, TemplateBody=_template("t3.micro", 2))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    name = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "Group")

    first = _members(autoscaling, name)
    assert [(m["LifecycleState"], m["HealthStatus"]) for m in first] == [
        ("InService", "Healthy")
    ] * 2
    reservations = ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in first])
    instances = [i for r in reservations["Reservations"] for i in r["Instances"]]
    for instance in instances:
        tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
        assert tags["team"] == "web"
        assert tags["aws:cloudformation:stack-name"] == stack
        assert tags["aws:cloudformation:logical-id"] == "WebGroup"
        assert tags["aws:autoscaling:groupName"] == name

    cfn.update_stack(StackName=stack, TemplateBody=_template("t3.small", 3))
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=WAIT)

    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ][0]
    assert group["DesiredCapacity"] == 3
    assert group["LaunchTemplate"]["Version"] == "2"
    members = group["Instances"]
    assert [m["LifecycleState"] for m in members] == ["InService"] * 3
    added = [m for m in members if m["InstanceId"] not in {f["InstanceId"] for f in first}]
    assert [m["LaunchTemplate"]["Version"] for m in added] == ["2"]

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    assert (
        autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        == []
    )
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert not {f"localstack-ec2.{m['InstanceId']}" for m in [*first, *members]} & names


def test_a_rolling_update_policy_replaces_every_member_through_an_instance_refresh(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    autoscaling = localstack.client("autoscaling", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    policy = {"AutoScalingRollingUpdate": {"MinInstancesInService": "1", "MaxBatchSize": "1"}}
    stack = f"asg-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=stack, TemplateBody=_template("t3.micro", 2, policy))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    name = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "Group")
    first = {m["InstanceId"] for m in _members(autoscaling, name)}

    cfn.update_stack(StackName=stack, TemplateBody=_template("t3.small", 2, policy))
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=WAIT)

    (refresh,) = autoscaling.describe_instance_refreshes(AutoScalingGroupName=name)[
        "InstanceRefreshes"
    ]
    assert (refresh["Status"], refresh["Preferences"]["MinHealthyPercentage"]) == (
        "Successful",
        50,
    )
    members = _members(autoscaling, name)
    assert not first & {m["InstanceId"] for m in members}
    assert [(m["LifecycleState"], m["LaunchTemplate"]["Version"]) for m in members] == [
        ("InService", "2")
    ] * 2
    reservations = ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in members])
    assert {i["InstanceType"] for r in reservations["Reservations"] for i in r["Instances"]} == {
        "t3.small"
    }
    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
