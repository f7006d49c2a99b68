"""AWS::AutoScaling::AutoScalingGroup's properties as the Auto Scaling API's parameters: numbers
CloudFormation passes as strings, the subnet list, tags with CloudFormation's own propagated."""

from localstack_ssm_docker.cloudformation.autoscaling_group import create_request, update_request
from localstack_ssm_docker.cloudformation.instance_request import StackIdentity

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
