"""AWS's documented pattern for a command before an Auto Scaling member terminates, with no
code of the user's, against a real LocalStack and Docker: an EventBridge rule on "EC2
Instance-terminate Lifecycle Action" whose target is an automation definition, its
InputTransformer passing the instance id, hook and group names, runs a runbook that runs a
command on the held member (aws:runCommand) and then completes the lifecycle action
(aws:executeAwsApi CompleteLifecycleAction). Scale in: the command's output is there, and the
member is terminated after it."""

import json
import uuid

from tests.integration.helpers import automation_finished, poll
from tests.integration.test_autoscaling import (  # noqa: F401 (fixtures)
    DEADLINE,
    all_online,
    autoscaling,
    container_gone,
    described,
    in_service,
    new_group,
    subnets,
    template,
)

RUNBOOK = {
    "schemaVersion": "0.3",
    "parameters": {
        "InstanceId": {"type": "String"},
        "HookName": {"type": "String"},
        "GroupName": {"type": "String"},
    },
    "mainSteps": [
        {
            "name": "drain",
            "action": "aws:runCommand",
            "inputs": {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": ["{{ InstanceId }}"],
                "Parameters": {"commands": ["echo drained {{ InstanceId }}"]},
            },
        },
        {
            "name": "complete",
            "action": "aws:executeAwsApi",
            "inputs": {
                "Service": "autoscaling",
                "Api": "CompleteLifecycleAction",
                "AutoScalingGroupName": "{{ GroupName }}",
                "LifecycleHookName": "{{ HookName }}",
                "InstanceId": "{{ InstanceId }}",
                "LifecycleActionResult": "CONTINUE",
            },
        },
    ],
}


def test_a_terminate_hook_runs_a_runbook_that_drains_then_completes_the_action(
    localstack,
    autoscaling,  # noqa: F811
    ssm,
    docker_client,
    new_group,  # noqa: F811
):
    name = new_group(1)
    [member] = in_service(autoscaling, name, 1)
    all_online(ssm, [member])
    runbook = f"drain-{uuid.uuid4().hex[:8]}"
    ssm.create_document(
        Name=runbook,
        Content=json.dumps(RUNBOOK),
        DocumentType="Automation",
        DocumentFormat="JSON",
    )
    events = localstack.client("events")
    region, account = "us-east-1", "000000000000"
    rule = f"drain-{name}"
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
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "drain",
                "Arn": f"arn:aws:ssm:{region}:{account}:automation-definition/{runbook}:$DEFAULT",
                "RoleArn": f"arn:aws:iam::{account}:role/events-automation",
                "InputTransformer": {
                    "InputPathsMap": {
                        "instance": "$.detail.EC2InstanceId",
                        "hook": "$.detail.LifecycleHookName",
                        "group": "$.detail.AutoScalingGroupName",
                    },
                    "InputTemplate": (
                        '{"InstanceId": ["<instance>"], "HookName": ["<hook>"], '
                        '"GroupName": ["<group>"]}'
                    ),
                },
            }
        ],
    )
    autoscaling.put_lifecycle_hook(
        AutoScalingGroupName=name,
        LifecycleHookName="drain",
        LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING",
        HeartbeatTimeout=300,
    )
    try:
        autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=0)

        [execution] = poll(
            lambda: ssm.describe_automation_executions(
                Filters=[{"Key": "DocumentNamePrefix", "Values": [runbook]}]
            )["AutomationExecutionMetadataList"],
            lambda found: len(found) == 1,
            DEADLINE,
        )
        ended = automation_finished(ssm, execution["AutomationExecutionId"], DEADLINE)
        assert ended["AutomationExecutionStatus"] == "Success", ended.get("FailureMessage")
        assert ended["Parameters"] == {
            "InstanceId": [member],
            "HookName": ["drain"],
            "GroupName": [name],
        }
        drain, complete = ended["StepExecutions"]
        [command_id] = drain["Outputs"]["CommandId"]
        output = ssm.get_command_invocation(CommandId=command_id, InstanceId=member)
        assert output["StandardOutputContent"] == f"drained {member}\n"
        assert complete["StepStatus"] == "Success"

        poll(lambda: container_gone(docker_client, member), bool, DEADLINE)
        poll(lambda: described(autoscaling, name), lambda g: g is not None and not g["Instances"])
        [terminated] = [
            a
            for a in autoscaling.describe_scaling_activities(AutoScalingGroupName=name)[
                "Activities"
            ]
            if a["Description"] == f"Terminating EC2 instance: {member}"
        ]
        assert terminated["StatusCode"] == "Successful"
        assert terminated["EndTime"] >= drain["ExecutionEndTime"]
    finally:
        events.remove_targets(Rule=rule, Ids=["drain"])
        events.delete_rule(Name=rule)
