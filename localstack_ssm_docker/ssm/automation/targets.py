"""Rate control's targets: the values StartAutomationExecution's Targets stand for, one child
execution each. `ParameterValues` are the values themselves; `tag:<key>` and `ResourceGroup`
stand for the EC2 instances so tagged (their ids), looked up in this LocalStack's EC2."""

from collections.abc import Mapping
from typing import Any

from localstack.aws.api.ssm import InvalidTarget

from localstack_ssm_docker.ssm.integrations.resource_groups import group_tag_filters


class LocalStackTargets:
    """The engine's `TargetResolver`."""

    def resolve(self, account_id: str, region: str, targets: list[Mapping[str, Any]]) -> list[str]:
        values: list[str] = []
        for target in targets:
            key, wanted = target.get("Key", ""), list(target.get("Values") or [])
            if key == "ParameterValues":
                values += wanted
            elif key.startswith("tag:"):
                values += _instances(account_id, region, [{"Name": key, "Values": wanted}])
            elif key == "ResourceGroup":
                for group in wanted:
                    tag_filters = group_tag_filters(account_id, region, group)
                    if tag_filters is None:
                        raise InvalidTarget(f"Resource group {group} holds no EC2 instances.")
                    filters = [
                        {"Name": f"tag:{f['Key']}", "Values": f["Values"]} for f in tag_filters
                    ]
                    values += _instances(account_id, region, filters)
            else:
                raise InvalidTarget(
                    f"Target key {key} is not supported; use ParameterValues, tag:<key> or "
                    "ResourceGroup."
                )
        return list(dict.fromkeys(values))


def _instances(account_id: str, region: str, filters: list[dict]) -> list[str]:
    from localstack.aws.connect import connect_to

    ec2 = connect_to(aws_access_key_id=account_id, region_name=region).ec2
    filters = [
        *filters,
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopped"]},
    ]
    found = ec2.describe_instances(Filters=filters)
    return sorted(
        i["InstanceId"] for r in found.get("Reservations", []) for i in r.get("Instances", [])
    )
