"""This LocalStack's EC2, as Auto Scaling uses it: RunInstances and TerminateInstances through
LocalStack's gateway (the same handlers as the EC2 API's: instances are containers, Online in
SSM, with metadata and role credentials), launch templates and subnets looked up there, and an
instance's health read from its record and its container."""

import base64
import binascii
from collections.abc import Collection
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from localstack_ssm_docker.autoscaling.reconciler import Launched, LaunchFailed, LaunchOrder
from localstack_ssm_docker.autoscaling.records import LaunchConfiguration
from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.models import RUNNING
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import ContainerEngine

_CALLS = Config(retries={"total_max_attempts": 1}, read_timeout=600, connect_timeout=10)
"""A launch is never sent twice (a retry would launch again); a launch of many takes a while."""


def _ec2(account_id: str, region: str) -> Any:
    from localstack.aws.connect import connect_to

    return connect_to(aws_access_key_id=account_id, region_name=region, config=_CALLS).ec2


class LocalStackEc2:
    """The `InstanceLauncher` and `Ec2Lookup` of the provider."""

    def __init__(self, engine: ContainerEngine):
        self._engine = engine

    def launch(self, account_id: str, region: str, order: LaunchOrder) -> list[Launched]:
        request: dict[str, Any] = {
            "MinCount": order.count,
            "MaxCount": order.count,
            "TagSpecifications": [
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": k, "Value": v} for k, v in order.tags],
                }
            ],
        }
        if order.placement.subnet_id is not None:
            request["SubnetId"] = order.placement.subnet_id
        else:
            request["Placement"] = {"AvailabilityZone": order.placement.availability_zone}
        template = order.source.template
        if template is not None:
            request["LaunchTemplate"] = {
                "LaunchTemplateId": template.template_id,
                "Version": template.version,
            }
        elif order.configuration is not None:
            request.update(_from_configuration(order.configuration))
        else:
            raise LaunchFailed("The launch configuration of the group does not exist")
        try:
            reservation = _ec2(account_id, region).run_instances(**request)
        except ClientError as e:
            raise LaunchFailed(e.response.get("Error", {}).get("Message") or str(e)) from e
        return [
            Launched(i["InstanceId"], i.get("InstanceType") or "") for i in reservation["Instances"]
        ]

    def terminate(self, account_id: str, region: str, instance_ids: list[str]) -> None:
        ec2 = _ec2(account_id, region)
        try:
            ec2.terminate_instances(InstanceIds=instance_ids)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "InvalidInstanceID.NotFound":
                raise
            for instance_id in instance_ids:  # EC2 forgot one already: the others still go
                try:
                    ec2.terminate_instances(InstanceIds=[instance_id])
                except ClientError as each:
                    if each.response.get("Error", {}).get("Code") != "InvalidInstanceID.NotFound":
                        raise

    def healthy(self, account_id: str, region: str, instance_ids: Collection[str]) -> set[str]:
        records = {
            i: r for i in instance_ids if (r := models.get(account_id, region, i)) is not None
        }
        running = {i: r for i, r in records.items() if r.state == RUNNING}
        try:
            states = self._engine.container_states_of([r.container_id for r in running.values()])
        except EngineError:
            return set(instance_ids)  # no engine answers: nothing is known to be unhealthy
        return {
            i for i, r in running.items() if r.rebooting or states.get(r.container_id) == "running"
        }

    def launch_template(
        self, account_id: str, region: str, template_id: str | None, name: str | None
    ) -> tuple[str, str] | None:
        """The template's (id, name), or None when there is no such template."""
        query: dict[str, Any] = (
            {"LaunchTemplateIds": [template_id]} if template_id else {"LaunchTemplateNames": [name]}
        )
        try:
            found = _ec2(account_id, region).describe_launch_templates(**query)["LaunchTemplates"]
        except ClientError:
            return None
        if not found:
            return None
        return found[0]["LaunchTemplateId"], found[0]["LaunchTemplateName"]

    def subnet_zones(self, account_id: str, region: str, subnet_ids: list[str]) -> dict[str, str]:
        """The zone of each of the subnets that exists."""
        subnets = _ec2(account_id, region).describe_subnets(
            Filters=[{"Name": "subnet-id", "Values": subnet_ids}]
        )["Subnets"]
        return {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}


def _from_configuration(configuration: LaunchConfiguration) -> dict[str, Any]:
    """RunInstances parameters from a launch configuration (its user data arrives base64-encoded,
    as AWS's API takes it; the client encodes it again)."""
    request: dict[str, Any] = {
        "ImageId": configuration.image_id,
        "InstanceType": configuration.instance_type,
    }
    if configuration.user_data:
        try:
            user_data = base64.b64decode(configuration.user_data, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):  # sent as plain text
            user_data = configuration.user_data
        request["UserData"] = user_data
    if configuration.key_name:
        request["KeyName"] = configuration.key_name
    if configuration.security_groups:
        ids = [g for g in configuration.security_groups if g.startswith("sg-")]
        names = [g for g in configuration.security_groups if not g.startswith("sg-")]
        if ids:
            request["SecurityGroupIds"] = ids
        if names:
            request["SecurityGroups"] = names
    if profile := configuration.iam_instance_profile:
        request["IamInstanceProfile"] = (
            {"Arn": profile} if profile.startswith("arn:") else {"Name": profile}
        )
    return request
