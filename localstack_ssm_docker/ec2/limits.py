"""RunInstances' counts against the instance limit, as AWS checks them, and the slots a launch
holds while it runs."""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


class InstanceSlots:
    """The instance limit of each account and region, checked and taken in one step: a
    RunInstances holds its slots from the check until its instances are recorded (or its launch
    failed), so two requests launching at once never both pass a check only one may pass.

    `existing(account, region)` counts the recorded instances; a launch records its instances
    before it hands its slots back, so they are counted twice for a moment, never not at all."""

    def __init__(self, limit: int, existing: Callable[[str, str], int]):
        self._limit = limit
        self._existing = existing
        self._pending: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def taken(
        self, account_id: str, region: str, request: RunInstancesRequest
    ) -> Iterator[RunInstancesRequest]:
        """The request as the limit allows it (see :func:`counts_within_limit`), its slots held
        while the block runs."""
        key = (account_id, region)
        with self._lock:
            used = self._existing(account_id, region) + self._pending[key]
            allowed = counts_within_limit(request, used, self._limit)
            self._pending[key] += allowed["MaxCount"]
        try:
            yield allowed
        finally:
            with self._lock:
                self._pending[key] -= allowed["MaxCount"]
