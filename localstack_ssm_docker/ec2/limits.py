"""RunInstances' counts against the instance limit, as AWS checks them."""

from localstack.aws.api.ec2 import RunInstancesRequest

from localstack_ssm_docker.ec2.exceptions import InstanceLimitExceeded, InvalidParameterValue


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
        raise InstanceLimitExceeded(min_count, limit)
    return request if max_count <= room else {**request, "MaxCount": room}


def _invalid(name: str, value: int, expected: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value ({value}) for parameter {name} is invalid. {expected}")
