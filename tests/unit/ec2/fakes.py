"""A fake of EC2's interface to other services (``ec2.directory.Ec2Directory``), for SSM's tests."""

from collections.abc import Collection

from localstack_ssm_docker.ec2.models import InstanceRecord


class FakeEc2Directory:
    """EC2 as SSM sees it (the ``Ec2Directory`` protocol), from plain dicts keyed by
    ``(account_id, region)``: `records` our instances in launch order, `tag_values` tags by
    instance id, `running` the ids moto would know as running; `prepared` counts ``prepare``."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[InstanceRecord]] = {}
        self.tag_values: dict[str, dict[str, str]] = {}
        self.running: dict[tuple[str, str], set[str]] = {}
        self.prepared = 0

    def prepare(self) -> None:
        self.prepared += 1

    def instances(self, account_id: str, region: str) -> list[InstanceRecord]:
        return list(self.records.get((account_id, region), []))

    def tags(
        self, account_id: str, region: str, instance_ids: Collection[str]
    ) -> dict[str, dict[str, str]]:
        return {i: dict(self.tag_values[i]) for i in instance_ids if i in self.tag_values}

    def running_instance_ids(self, account_id: str, region: str) -> set[str]:
        return set(self.running.get((account_id, region), set()))
