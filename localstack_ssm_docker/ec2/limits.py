"""RunInstances' counts against the instance limit, as AWS checks them."""

from localstack.aws.api import CommonServiceException
from localstack.aws.api.ec2 import RunInstancesRequest


def counts_within_limit(
    request: RunInstancesRequest, existing: int, limit: int
) -> RunInstancesRequest:
    """The request with MaxCount lowered to what the limit leaves room for; InvalidParameterValue
    for impossible counts, InstanceLimitExceeded when not even MinCount fits."""
    min_count, max_count = request["MinCount"], request["MaxCount"]
    if min_count < 1:
        raise _invalid("minCount", min_count, "Expected a positive integer.")
    if max_count < min_count:
        raise _invalid("maxCount", max_count, "It must be at least minCount.")
    room = max(limit - existing, 0)
    if min_count > room:
        raise CommonServiceException(
            "InstanceLimitExceeded",
            f"You have requested more instances ({min_count}) than your current instance limit "
            f"of {limit} allows (EC2_MAX_INSTANCES).",
        )
    return request if max_count <= room else {**request, "MaxCount": room}


def _invalid(name: str, value: int, expected: str) -> CommonServiceException:
    return CommonServiceException(
        "InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. {expected}"
    )
