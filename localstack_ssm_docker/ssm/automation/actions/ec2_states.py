"""Instance states read through DescribeInstances, for the actions that wait on them."""

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError


def states(ec2: Any, instance_ids: Sequence[str]) -> dict[str, str]:
    """Each instance's state name; an instance EC2 no longer knows counts as terminated."""
    try:
        reservations = ec2.describe_instances(InstanceIds=list(instance_ids))["Reservations"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "InvalidInstanceID.NotFound":
            raise
        reservations = []
    found = {
        instance["InstanceId"]: instance["State"]["Name"]
        for reservation in reservations
        for instance in reservation["Instances"]
    }
    return {i: found.get(i, "terminated") for i in instance_ids}
