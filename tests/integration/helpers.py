"""Polls with deadlines for the integration tests."""

import time
from collections.abc import Callable

TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}


def poll[T](probe: Callable[[], T], until: Callable[[T], bool], deadline: float = 60) -> T:
    """Calls `probe` until `until(result)` holds; fails after `deadline` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {deadline} s; last value: {value!r}")
        time.sleep(0.02)


def run_command(ssm, instance_id: str, commands: list[str], **parameters) -> str:
    """Sends AWS-RunShellScript to one instance; returns the command id."""
    params = {"commands": commands, **{k: [v] for k, v in parameters.items()}}
    response = ssm.send_command(
        InstanceIds=[instance_id], DocumentName="AWS-RunShellScript", Parameters=params
    )
    return response["Command"]["CommandId"]


def invocation(ssm, command_id: str, instance_id: str) -> dict:
    """GetCommandInvocation as it is now."""
    return ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)


def reaches(ssm, command_id: str, instance_id: str, status: str, deadline: float = 60) -> dict:
    """GetCommandInvocation once the invocation has reached `status`."""
    return poll(
        lambda: invocation(ssm, command_id, instance_id),
        lambda r: r["Status"] == status,
        deadline,
    )


def finished(ssm, command_id: str, instance_id: str) -> dict:
    """GetCommandInvocation once the invocation has ended."""
    return poll(
        lambda: ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id),
        lambda r: r["Status"] in TERMINAL,
    )


def container_of(docker_client, instance_id: str):
    """The Docker container behind an instance."""
    return docker_client.containers.get(f"localstack-ec2.{instance_id}")


def ping_status(ssm, instance_id: str) -> str | None:
    """The instance's PingStatus in DescribeInstanceInformation (None when it is not listed)."""
    listed = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
    )["InstanceInformationList"]
    return listed[0]["PingStatus"] if listed else None


def until_online(ssm, instance_id: str) -> None:
    """Waits until DescribeInstanceInformation lists the instance Online (a minute at most)."""
    poll(lambda: ping_status(ssm, instance_id), lambda status: status == "Online")


def without_metadata(reply: dict) -> dict:
    """A boto3 reply without its ResponseMetadata (request id, headers)."""
    return {k: v for k, v in reply.items() if k != "ResponseMetadata"}


def automation_reaches(ssm, execution_id: str, statuses: set[str], deadline: float = 60) -> dict:
    """GetAutomationExecution once the execution's status is one of `statuses`."""
    return poll(
        lambda: ssm.get_automation_execution(AutomationExecutionId=execution_id)[
            "AutomationExecution"
        ],
        lambda e: e["AutomationExecutionStatus"] in statuses,
        deadline,
    )


def automation_finished(ssm, execution_id: str, deadline: float = 60) -> dict:
    """GetAutomationExecution once the execution has ended."""
    return automation_reaches(ssm, execution_id, TERMINAL, deadline)
