"""Which members a scale-in terminates: AWS's termination policies.

Every policy first keeps the zones balanced (the victim comes from the zone with the most
members), then applies the group's policies in order until one tells members apart:
OldestInstance and NewestInstance by launch time, OldestLaunchConfiguration and
OldestLaunchTemplate prefer members launched from another source than the group's current one,
and Default is that, then the oldest instance (AWS's "closest to the next billing hour" has no
meaning without billing; the oldest instance is the deterministic stand-in)."""

from collections import Counter
from collections.abc import Callable, Sequence

from localstack_ssm_docker.autoscaling.records import Group, Member

POLICIES = frozenset(
    {
        "Default",
        "OldestInstance",
        "NewestInstance",
        "OldestLaunchConfiguration",
        "OldestLaunchTemplate",
        "ClosestToNextInstanceHour",
        "AllocationStrategy",
    }
)

type Rank = Callable[[Group, Member], float]
"""Lower ranks go first."""


def _outdated_first(group: Group, member: Member) -> float:
    return 0.0 if member.source != group.source else 1.0


def _oldest_first(group: Group, member: Member) -> float:
    return member.launched_at


def _newest_first(group: Group, member: Member) -> float:
    return -member.launched_at


_RANKS: dict[str, tuple[Rank, ...]] = {
    "OldestInstance": (_oldest_first,),
    "NewestInstance": (_newest_first,),
    "OldestLaunchConfiguration": (_outdated_first,),
    "OldestLaunchTemplate": (_outdated_first,),
    "Default": (_outdated_first, _oldest_first),
}


def victims(group: Group, count: int) -> list[Member]:
    """The `count` members a scale-in of `group` terminates, in order."""
    remaining = list(group.active)
    chosen: list[Member] = []
    ranks = [rank for policy in group.termination_policies for rank in _RANKS.get(policy, ())]
    ranks += list(_RANKS["Default"])
    for _ in range(min(count, len(remaining))):
        victim = _one(group, remaining, ranks)
        chosen.append(victim)
        remaining.remove(victim)
    return chosen


def _one(group: Group, members: Sequence[Member], ranks: Sequence[Rank]) -> Member:
    per_zone = Counter(m.availability_zone for m in members)
    most = max(per_zone.values())
    crowded = [m for m in members if per_zone[m.availability_zone] == most]
    return min(crowded, key=lambda m: tuple(rank(group, m) for rank in ranks))
