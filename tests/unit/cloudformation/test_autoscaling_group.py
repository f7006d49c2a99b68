"""AWS::AutoScaling::AutoScalingGroup's properties as the Auto Scaling API's parameters: numbers
CloudFormation passes as strings, the subnet list, tags with CloudFormation's own propagated,
and an UpdatePolicy AutoScalingRollingUpdate as an instance refresh's parameters."""

import json

import pytest

from localstack_ssm_docker.cloudformation.autoscaling_group import (
    create_request,
    tag_changes,
    update_request,
)
from localstack_ssm_docker.cloudformation.instance_request import StackIdentity
from localstack_ssm_docker.cloudformation.rolling_update import policy_of, refresh_request

STACK = StackIdentity("web-stack", "arn:aws:cloudformation:us-east-1:1:stack/web-stack/1", "Group")


def test_a_group_of_a_template_is_created_with_its_properties_and_the_stacks_tags():
    request = create_request(
        {
            "MinSize": "1",
            "MaxSize": "3",
            "DesiredCapacity": "2",
            "Cooldown": "60",
            "VPCZoneIdentifier": ["subnet-a", "subnet-b"],
            "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "2"},
            "Tags": [{"Key": "team", "Value": "web", "PropagateAtLaunch": "true"}],
            "LifecycleHookSpecificationList": [
                {
                    "LifecycleHookName": "ready",
                    "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
                    "HeartbeatTimeout": "60",
                }
            ],
        },
        "web-stack-Group-1",
        STACK,
    )

    assert request == {
        "AutoScalingGroupName": "web-stack-Group-1",
        "MinSize": 1,
        "MaxSize": 3,
        "DesiredCapacity": 2,
        "DefaultCooldown": 60,
        "VPCZoneIdentifier": "subnet-a,subnet-b",
        "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "2"},
        "Tags": [
            {"Key": "team", "Value": "web", "PropagateAtLaunch": True},
            {
                "Key": "aws:cloudformation:stack-name",
                "Value": "web-stack",
                "PropagateAtLaunch": True,
            },
            {
                "Key": "aws:cloudformation:stack-id",
                "Value": STACK.stack_id,
                "PropagateAtLaunch": True,
            },
            {"Key": "aws:cloudformation:logical-id", "Value": "Group", "PropagateAtLaunch": True},
        ],
        "LifecycleHookSpecificationList": [
            {
                "LifecycleHookName": "ready",
                "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
                "HeartbeatTimeout": 60,
            }
        ],
    }


def test_an_update_sends_only_what_the_template_changed():
    previous = {
        "AutoScalingGroupName": "g",
        "MinSize": "1",
        "MaxSize": "3",
        "DesiredCapacity": "1",
        "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "1"},
    }
    model = {
        **previous,
        "DesiredCapacity": "3",
        "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "2"},
    }

    assert update_request(model, previous) == {
        "AutoScalingGroupName": "g",
        "DesiredCapacity": 3,
        "LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "2"},
    }


def test_an_update_of_the_templates_tags_puts_the_changed_and_deletes_the_removed():
    previous = {
        "Tags": [
            {"Key": "team", "Value": "web", "PropagateAtLaunch": "true"},
            {"Key": "env", "Value": "dev", "PropagateAtLaunch": "false"},
            {"Key": "same", "Value": "1", "PropagateAtLaunch": "true"},
        ]
    }
    model = {
        "Tags": [
            {"Key": "team", "Value": "api", "PropagateAtLaunch": "true"},
            {"Key": "same", "Value": "1", "PropagateAtLaunch": "true"},
            {"Key": "owner", "Value": "me", "PropagateAtLaunch": "true"},
        ]
    }

    put, deleted = tag_changes(model, previous, "web-group")

    where = {"ResourceId": "web-group", "ResourceType": "auto-scaling-group"}
    assert put == [
        {**where, "Key": "team", "Value": "api", "PropagateAtLaunch": True},
        {**where, "Key": "owner", "Value": "me", "PropagateAtLaunch": True},
    ]
    assert deleted == [{**where, "Key": "env"}]


def test_a_rolling_update_policy_becomes_an_instance_refresh_keeping_its_bounds():
    template = {
        "Resources": {
            "Group": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "UpdatePolicy": {
                    "AutoScalingRollingUpdate": {
                        "MinInstancesInService": "3",
                        "MaxBatchSize": "1",
                        "PauseTime": "PT1M30S",
                    }
                },
            }
        }
    }
    policy = policy_of(json.dumps(template), "Group")
    assert policy is not None

    request = refresh_request(policy, "web", {"LaunchTemplateId": "lt-1", "Version": 2}, 4)

    assert request == {
        "AutoScalingGroupName": "web",
        "DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateId": "lt-1", "Version": "2"}},
        "Preferences": {"MinHealthyPercentage": 75, "InstanceWarmup": 90},
    }
    assert policy_of(template, "Other") is None


def test_a_rolling_update_batch_larger_than_min_in_service_allows_takes_the_batch():
    request = refresh_request({"MinInstancesInService": 0, "MaxBatchSize": 2}, "web", {}, 4)

    assert request["Preferences"] == {"MinHealthyPercentage": 50}


def test_update_request_leaves_the_rolled_properties_to_the_refresh():
    previous = {"AutoScalingGroupName": "g", "LaunchTemplate": {"Version": "1"}, "MaxSize": "2"}
    model = {**previous, "LaunchTemplate": {"Version": "2"}, "MaxSize": "3"}

    assert update_request(model, previous, ("LaunchTemplate",)) == {
        "AutoScalingGroupName": "g",
        "MaxSize": 3,
    }


def test_a_pause_time_that_is_no_duration_is_refused():
    with pytest.raises(ValueError, match="PauseTime 5 minutes"):
        refresh_request({"PauseTime": "5 minutes"}, "web", {}, 2)
