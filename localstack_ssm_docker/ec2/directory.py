"""EC2 as other services see it: the one interface through which SSM reads EC2's instances.

SSM needs EC2's Docker-backed instances (their records and tags) and, when another backend runs
EC2, the instance ids moto knows as running. EC2's store and moto's EC2 backends stay private to
this package: SSM gets an ``Ec2Directory`` injected, and its unit tests a fake of it.
"""

from collections.abc import Collection
from typing import Protocol

from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import RUNNING, STOPPED, InstanceRecord, records

__all__ = ["RUNNING", "STOPPED", "Ec2Directory", "InstanceRecord", "LocalStackEc2Directory"]


class Ec2Directory(Protocol):
    """The EC2 instances of an account and region, read-only."""

    def prepare(self) -> None:
        """Called before a service that reads the directory serves: once it returns, the
        instances of an earlier run (with persistence) are back."""
        ...

    def instances(self, account_id: str, region: str) -> list[InstanceRecord]:
        """The Docker-backed instances, in every state, in launch order."""
        ...

    def tags(
        self, account_id: str, region: str, instance_ids: Collection[str]
    ) -> dict[str, dict[str, str]]:
        """The EC2 tags of these instances, by instance id (instances without tags left out)."""
        ...

    def running_instance_ids(self, account_id: str, region: str) -> set[str]:
        """The ids of every instance EC2 knows as running, whichever backend launched it."""
        ...


class LocalStackEc2Directory:
    """The directory over this package's instance store and moto's EC2 backends. With a
    `lifecycle` (when this package serves EC2), ``prepare`` recovers the instances first."""

    def __init__(self, lifecycle: InstanceLifecycle | None = None):
        self._lifecycle = lifecycle

    def prepare(self) -> None:
        if self._lifecycle is not None:
            self._lifecycle.start()

    def instances(self, account_id: str, region: str) -> list[InstanceRecord]:
        return records(account_id, region)

    def tags(
        self, account_id: str, region: str, instance_ids: Collection[str]
    ) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        if not instance_ids:
            return found
        backend = ec2_backends[account_id][region]
        for tag in backend.describe_tags(filters={"resource-id": list(instance_ids)}):
            found.setdefault(tag["resource_id"], {})[tag["key"]] = tag["value"]
        return found

    def running_instance_ids(self, account_id: str, region: str) -> set[str]:
        backend = ec2_backends[account_id][region]
        return {
            i.id for r in backend.reservations.values() for i in r.instances if i.state == RUNNING
        }
