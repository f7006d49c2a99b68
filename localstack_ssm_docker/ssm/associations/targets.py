"""Which managed instances an association applies to: its legacy InstanceId, or its Targets
(``InstanceIds`` with ``*`` for every instance, ``tag:``, ``tag-key``, ``resource-groups:Name``),
resolved with Run Command's target rules."""

from collections.abc import Collection

from localstack.aws.api.ssm import InvalidTarget, PingStatus

from localstack_ssm_docker.ssm.associations.models import AssociationVersion
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance
from localstack_ssm_docker.ssm.targeting.targets import GroupQuery, resolve_targets

_KEYS = ("InstanceIds", "tag-key", "resource-groups:Name", "resource-groups:ResourceTypeFilters")
MAX_INSTANCE_IDS = 50


def check_targets(targets: list[dict]) -> None:
    """InvalidTarget for keys State Manager does not know, or malformed values."""
    for target in targets:
        key = target.get("Key") or ""
        values = target.get("Values") or []
        if not (key in _KEYS or (key.startswith("tag:") and len(key) > 4)):
            raise InvalidTarget(f"Target key {key} is not valid.")
        if not values:
            raise InvalidTarget(f"Target {key} has no values.")
        if key == "InstanceIds":
            if len(values) > MAX_INSTANCE_IDS:
                raise InvalidTarget(
                    f"Target InstanceIds can have at most {MAX_INSTANCE_IDS} values."
                )
            if "*" in values and len(values) > 1:
                raise InvalidTarget("Target InstanceIds with * cannot name other instances.")


def matching_instances(
    version: AssociationVersion,
    instances: list[ManagedInstance],
    group_query: GroupQuery,
    among: Collection[str] | None = None,
) -> list[ManagedInstance]:
    """The Online instances (of `among`, when given) the version's targets name."""
    online = [
        m
        for m in instances
        if m.ping_status == PingStatus.Online and (among is None or m.record.instance_id in among)
    ]
    if instance_id := version.get("InstanceId"):
        return [m for m in online if m.record.instance_id == instance_id]
    targets = [
        t
        for t in version.get("Targets", [])
        if not (t.get("Key") == "InstanceIds" and "*" in (t.get("Values") or []))
    ]
    return resolve_targets(targets, online, group_query)
