"""SendCommand's Targets resolved to managed instances: keys are ANDed, values of a key ORed."""

from collections.abc import Callable

from localstack.aws.api.ssm import Target

from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance

type GroupQuery = Callable[[str], list[dict] | None]
"""A resource group's name → its TagFilters (None when the group does not exist or is not a
tag query)."""


def resolve_targets(
    targets: list[Target], instances: list[ManagedInstance], group_query: GroupQuery
) -> list[ManagedInstance]:
    """The instances every target key matches, in the order given."""
    matching = list(instances)
    for target in targets:
        key, values = target.get("Key") or "", set(target.get("Values") or [])
        matching = [m for m in matching if _matches(key, values, m, group_query)]
    return matching


def _matches(
    key: str, values: set[str], instance: ManagedInstance, group_query: GroupQuery
) -> bool:
    if key == "InstanceIds":
        return instance.record.instance_id in values
    if key == "tag-key":
        return bool(values & instance.tags.keys())
    if key.startswith("tag:"):
        return instance.tags.get(key[4:]) in values
    if key == "resource-groups:ResourceTypeFilters":
        return bool(values & {"AWS::EC2::Instance", "AWS::AllSupported"})
    if key == "resource-groups:Name":
        return any(_in_group(group_query(name), instance) for name in values)
    return False


def _in_group(tag_filters: list[dict] | None, instance: ManagedInstance) -> bool:
    """Whether a tag-query group (all of its TagFilters; any value of each) holds the instance."""
    if tag_filters is None:
        return False
    return all(
        f["Key"] in instance.tags
        and (not f.get("Values") or instance.tags[f["Key"]] in f["Values"])
        for f in tag_filters
    )
