"""Instance refresh: the rules that replace a group's members in rolling batches.

A refresh names the members it replaces when it starts (every member, or with SkipMatching those
not launched from the target). Each step takes a batch out of service (through the group's
terminating hooks, as a scale-in does) only when the previous batch's replacements are InService,
healthy and past the instance warmup, and no member it replaces is still on a launching hook:
the batch is as large as keeps MinHealthyPercentage of the desired capacity healthy, and at
least one member. Replacements launch from the refresh's DesiredConfiguration (else the group's
own launch source), which becomes the group's once the refresh succeeds. A cancel stops taking
batches; the refresh is Cancelled once the replacements under way are ready. Every function here
is pure: the store swaps the records in."""

import math
from collections.abc import Callable
from dataclasses import replace

from localstack_ssm_docker.autoscaling.api import (
    ActiveInstanceRefreshNotFoundFault,
    InstanceRefreshInProgressFault,
)
from localstack_ssm_docker.autoscaling.records import (
    CANCELLED,
    CANCELLING,
    FAILED,
    HEALTHY,
    IN_PROGRESS,
    IN_SERVICE,
    PENDING_REFRESH,
    PENDING_WAIT,
    SUCCESSFUL,
    Group,
    InstanceRefresh,
    LaunchSource,
    Member,
)

KEPT = 50
"""Refreshes kept per group (the oldest go first)."""
FAILED_LAUNCHES = 3
"""Launches failed in a row that fail a refresh."""

type Leave = Callable[[Group, Member], Member]
"""Takes a member out of service (lifecycle_hooks.leave with the refresh's cause)."""


def launch_source(group: Group) -> LaunchSource:
    """What the group launches from now: the target of its refresh in progress, else its own."""
    refresh = group.refresh
    if refresh is not None and refresh.status == IN_PROGRESS and refresh.target is not None:
        return refresh.target
    return group.source


def start(
    group: Group,
    refresh_id: str,
    now: float,
    min_healthy_percentage: int,
    instance_warmup: int | None,
    target: LaunchSource | None,
    skip_matching: bool,
) -> Group:
    if group.refresh is not None:
        raise InstanceRefreshInProgressFault(
            "An Instance Refresh is already in progress and blocks the execution of this "
            "Instance Refresh."
        )
    goal = target or group.source
    to_replace = tuple(
        m.instance_id for m in group.active if not (skip_matching and m.source == goal)
    )
    refresh = InstanceRefresh(
        refresh_id=refresh_id,
        started_at=now,
        min_healthy_percentage=min_healthy_percentage,
        instance_warmup=group.grace_period if instance_warmup is None else instance_warmup,
        instance_warmup_given=instance_warmup is not None,
        to_replace=to_replace,
        target=target,
        skip_matching=skip_matching,
        instances_to_update=len(to_replace),
    )
    return replace(group, refreshes=(*group.refreshes, refresh)[-KEPT:])


def cancel(group: Group, now: float) -> tuple[Group, str]:
    """The group with its refresh cancelled (Cancelling while replacements are under way), and
    the refresh's id."""
    refresh = group.refresh
    if refresh is None or refresh.status == CANCELLING:
        raise ActiveInstanceRefreshNotFoundFault(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {group.name}"
        )
    if refresh.status == PENDING_REFRESH:
        changed = replace(refresh, status=CANCELLED, ended_at=now)
    else:
        changed = replace(refresh, status=CANCELLING)
    return _with(group, changed), refresh.refresh_id


def fail(group: Group, reason: str, now: float) -> Group | None:
    """The group with its refresh Failed (launches of its replacements keep failing)."""
    refresh = group.refresh
    if refresh is None or refresh.status != IN_PROGRESS:
        return None
    return _with(group, replace(refresh, status=FAILED, status_reason=reason, ended_at=now))


def advance(group: Group, now: float, leave: Leave) -> Group | None:
    """One step of the group's refresh: its progress, its end, or its next batch out of service;
    None when nothing changed."""
    refresh = group.refresh
    if refresh is None or "InstanceRefresh" in group.suspended or group.deleting:
        return None
    replacing = set(refresh.to_replace)
    remaining = [m for m in group.active if m.instance_id in replacing]
    leaving = [m for m in group.members if m.leaving and m.instance_id in replacing]
    others = [m for m in group.active if m.instance_id not in replacing]
    ready = [m for m in others if _ready(m, refresh, now)]
    warming = [m for m in others if m not in ready]
    pending = len(warming) + max(0, group.desired - len(group.active))
    total = len(refresh.to_replace)
    done = max(0, total - len(remaining) - pending) if total else 0
    status, reason, ended = refresh.status, "", refresh.ended_at
    source, members = group.source, group.members
    launching = any(m.lifecycle_state == PENDING_WAIT for m in remaining)
    settled = not pending and not leaving and not launching
    if status == PENDING_REFRESH:
        status = IN_PROGRESS
    if status == CANCELLING and settled:
        status, ended = CANCELLED, now
    elif status == IN_PROGRESS and settled and not remaining:
        status, ended, done = SUCCESSFUL, now, total
        source = refresh.target or group.source
    elif status == IN_PROGRESS and settled:
        healthy = len(ready) + sum(1 for m in remaining if _healthy(m))
        floor = math.ceil(group.desired * refresh.min_healthy_percentage / 100)
        batch = {
            m.instance_id
            for m in sorted(remaining, key=lambda m: m.launched_at)[: max(1, healthy - floor)]
        }
        members = tuple(leave(group, m) if m.instance_id in batch else m for m in members)
    elif status == IN_PROGRESS and warming:
        reason = (
            "Waiting for instances to warm up before continuing. For example: "
            f"{warming[0].instance_id} is warming up."
        )
    changed = replace(
        refresh,
        status=status,
        status_reason=reason,
        ended_at=ended,
        percentage_complete=100 if status == SUCCESSFUL else (100 * done // total if total else 0),
        instances_to_update=0 if status == SUCCESSFUL else total - done,
    )
    if changed == refresh and members == group.members:
        return None
    return replace(_with(group, changed), source=source, members=members)


def _healthy(member: Member) -> bool:
    return member.lifecycle_state == IN_SERVICE and member.health_status == HEALTHY


def _ready(member: Member, refresh: InstanceRefresh, now: float) -> bool:
    return _healthy(member) and now - member.serving_since >= refresh.instance_warmup


def _with(group: Group, refresh: InstanceRefresh) -> Group:
    return replace(
        group,
        refreshes=tuple(
            refresh if r.refresh_id == refresh.refresh_id else r for r in group.refreshes
        ),
    )
