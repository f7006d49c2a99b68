"""aws:runInstances and aws:changeInstanceState: instances launched or moved, then awaited.

Both steps end only when every instance is in the state asked for, polling DescribeInstances.
An instance that reaches another end state (terminated while waiting for running, say) fails
the step. A cancelled or timed-out aws:runInstances terminates the instances it launched, so a
stopped execution leaves no containers behind.
"""

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from localstack_ssm_docker.ssm.automation.actions import ec2_states, input_checks, waiting
from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed

DESIRED_STATES = ("running", "stopped", "terminated")
# the state an instance cannot leave on its own towards each desired one
_DEAD_ENDS = {"running": {"terminated", "shutting-down"}, "stopped": {"terminated"}}

# aws:runInstances inputs that RunInstances takes under the same name
_PASSED_THROUGH = (
    "ImageId",
    "InstanceType",
    "AdditionalInfo",
    "BlockDeviceMappings",
    "ClientToken",
    "DisableApiTermination",
    "EbsOptimized",
    "InstanceInitiatedShutdownBehavior",
    "KernelId",
    "KeyName",
    "NetworkInterfaces",
    "Placement",
    "PrivateIpAddress",
    "RamdiskId",
    "SecurityGroupIds",
    "SecurityGroups",
    "SubnetId",
    "TagSpecifications",
)


def _user_data(value: str) -> str:
    """AWS takes the action's UserData base64-encoded; boto3 encodes it again, so it is decoded."""
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return value


def run_instances_request(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """RunInstances' request for an aws:runInstances step."""
    request = {k: inputs[k] for k in _PASSED_THROUGH if inputs.get(k) not in (None, "", [])}
    request["MinCount"] = input_checks.integer(inputs.get("MinInstanceCount"), 1)
    request["MaxCount"] = input_checks.integer(inputs.get("MaxInstanceCount"), request["MinCount"])
    for flag in ("DisableApiTermination", "EbsOptimized"):
        if flag in request:
            request[flag] = input_checks.boolean(request[flag])
    if inputs.get("IamInstanceProfileArn"):
        request["IamInstanceProfile"] = {"Arn": inputs["IamInstanceProfileArn"]}
    elif inputs.get("IamInstanceProfileName"):
        request["IamInstanceProfile"] = {"Name": inputs["IamInstanceProfileName"]}
    if inputs.get("Monitoring") not in (None, ""):
        request["Monitoring"] = {"Enabled": input_checks.boolean(inputs["Monitoring"])}
    if inputs.get("Tenancy"):
        request["Placement"] = {**request.get("Placement", {}), "Tenancy": inputs["Tenancy"]}
    if inputs.get("UserData"):
        request["UserData"] = _user_data(inputs["UserData"])
    return request


def await_state(
    context: StepContext, ec2: Any, instance_ids: Sequence[str], desired: str, interval: float
) -> dict[str, str]:
    """Polls until every instance is in `desired`; StepFailed when one can no longer get there."""

    def reached() -> dict[str, str] | None:
        current = ec2_states.states(ec2, instance_ids)
        stuck = {i: s for i, s in current.items() if s in _DEAD_ENDS.get(desired, set())}
        if stuck:
            raise StepFailed(
                f"Instances {sorted(stuck)} are {', '.join(sorted(set(stuck.values())))}; "
                f"they cannot reach the desired state {desired}."
            )
        return current if all(s == desired for s in current.values()) else None

    return waiting.until(context, reached, interval)


class RunInstances:
    """RunInstances, then every instance running; outputs InstanceIds and InstanceStates."""

    name: ClassVar[str] = "aws:runInstances"

    def __init__(self, interval: float = 0.25) -> None:
        self._interval = interval

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "ImageId")
        input_checks.kinds(
            self.name,
            step_name,
            inputs,
            ImageId="String",
            InstanceType="String",
            MinInstanceCount="Integer",
            MaxInstanceCount="Integer",
            IamInstanceProfileName="String",
            IamInstanceProfileArn="String",
            TagSpecifications="MapList",
            SecurityGroupIds="StringList",
            UserData="String",
        )

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        ec2 = context.clients.client("ec2")
        try:
            launched = ec2.run_instances(**run_instances_request(inputs))["Instances"]
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(str(error)) from None
        instance_ids = [i["InstanceId"] for i in launched]
        try:
            states = await_state(context, ec2, instance_ids, "running", self._interval)
        except StepFailed:
            ec2.terminate_instances(InstanceIds=instance_ids)
            raise
        return {"InstanceIds": instance_ids, "InstanceStates": [states[i] for i in instance_ids]}


class ChangeInstanceState:
    """Starts, stops or terminates instances (or only checks, CheckStateOnly) and waits."""

    name: ClassVar[str] = "aws:changeInstanceState"

    def __init__(self, interval: float = 0.25) -> None:
        self._interval = interval

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "InstanceIds", "DesiredState")
        input_checks.kinds(
            self.name,
            step_name,
            inputs,
            InstanceIds="StringList",
            DesiredState="String",
            CheckStateOnly="Boolean",
            Force="Boolean",
        )
        input_checks.one_of(self.name, step_name, inputs, "DesiredState", DESIRED_STATES)

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        ec2 = context.clients.client("ec2")
        instance_ids = input_checks.string_list(inputs["InstanceIds"])
        desired = inputs["DesiredState"]
        if desired not in DESIRED_STATES:
            raise StepFailed(f"DesiredState must be one of {', '.join(DESIRED_STATES)}.")
        if not input_checks.boolean(inputs.get("CheckStateOnly")):
            try:
                if desired == "running":
                    ec2.start_instances(InstanceIds=instance_ids)
                elif desired == "stopped":
                    ec2.stop_instances(
                        InstanceIds=instance_ids, Force=input_checks.boolean(inputs.get("Force"))
                    )
                else:
                    ec2.terminate_instances(InstanceIds=instance_ids)
            except (ClientError, BotoCoreError) as error:
                raise StepFailed(str(error)) from None
        await_state(context, ec2, instance_ids, desired, self._interval)
        return {}
