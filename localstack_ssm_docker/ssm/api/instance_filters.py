"""DescribeInstanceInformation's filters, in both their forms, over managed instances."""

from collections.abc import Callable

from localstack.aws.api.ssm import (
    InstanceInformationFilter,
    InstanceInformationStringFilter,
    InvalidFilterKey,
    InvalidInstanceInformationFilterValue,
    PingStatus,
    PlatformType,
    ResourceType,
)

from localstack_ssm_docker import __version__
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance

type Predicate = Callable[[ManagedInstance], bool]

_ENUM_VALUES: dict[str, frozenset[str]] = {
    "PingStatus": frozenset(PingStatus),
    "PlatformTypes": frozenset(PlatformType),
    "ResourceType": frozenset(ResourceType),
}
_FIELDS: dict[str, Callable[[ManagedInstance], str | None]] = {
    "InstanceIds": lambda m: m.record.instance_id,
    "AgentVersion": lambda _: __version__,
    "PingStatus": lambda m: m.ping_status,
    "PlatformTypes": lambda _: PlatformType.Linux,
    "ResourceType": lambda _: ResourceType.EC2Instance,
    "ActivationIds": lambda _: None,
    "IamRole": lambda _: None,
    "AssociationStatus": lambda _: None,
}


def _predicate(key: str, values: list[str]) -> Predicate:
    allowed = _ENUM_VALUES.get(key)
    if allowed is not None and not set(values) <= allowed:
        bad = sorted(set(values) - allowed)
        raise InvalidInstanceInformationFilterValue(
            f"The filter value {bad[0]} is not valid for the filter key {key}."
        )
    wanted = set(values)
    if key in _FIELDS:
        field = _FIELDS[key]
        return lambda m: field(m) in wanted
    if key == "tag-key":
        return lambda m: bool(wanted & m.tags.keys())
    if key.startswith("tag:") and len(key) > 4:
        tag = key[4:]
        return lambda m: m.tags.get(tag) in wanted
    raise InvalidFilterKey(f"The filter key {key} is not valid.")


def build_predicates(
    filters: list[InstanceInformationStringFilter] | None,
    legacy_filters: list[InstanceInformationFilter] | None,
) -> list[Predicate]:
    """One predicate per filter; InvalidFilterKey or InvalidInstanceInformationFilterValue
    for bad ones.

    The legacy ``InstanceInformationFilterList`` takes only the fixed keys (no tags).
    """
    predicates = [_predicate(f["Key"], f["Values"]) for f in filters or []]
    for legacy in legacy_filters or []:
        if legacy["key"] not in _FIELDS:
            raise InvalidFilterKey(f"The filter key {legacy['key']} is not valid.")
        predicates.append(_predicate(legacy["key"], legacy["valueSet"]))
    return predicates
