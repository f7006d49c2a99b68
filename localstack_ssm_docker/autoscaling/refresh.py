"""Instance refresh: the rules that replace a group's members in rolling batches.

A refresh names the members it replaces when it starts (every member, or with SkipMatching those
not launched from the target). Each step takes a batch out of service (through the group's
terminating hooks, as a scale-in does) only when the previous batch's replacements are InService,
healthy and past the instance warmup, and no member it replaces is still on a launching hook:
the batch is as large as keeps MinHealthyPercentage of the desired capacity healthy, and at
least one member. With CheckpointPercentages, a batch never takes the refresh past the next
checkpoint; once the members replaced reach it, the refresh waits CheckpointDelay before the
next batch, and a last checkpoint below 100 ends it there (Successful, the rest not replaced).
Replacements launch from the refresh's DesiredConfiguration (else the group's own launch
source), which becomes the group's once the refresh succeeds. A cancel stops taking
batches; the refresh is Cancelled once the replacements under way are ready.
A rollback (RollbackInstanceRefresh, or AutoRollback when the refresh fails) replaces, in the
same batches, every member launched from the refresh's target with the group's own launch
source, which the group kept: only a refresh with a DesiredConfiguration, from a group on a
numbered launch template version, can roll back. With MaxHealthyPercentage above 100 a step
launches replacements above the desired capacity (up to that percentage of it) before it takes
the members they replace out of service. Every function here is pure: the store swaps the
records in."""

import math
from collections.abc import Callable
from dataclasses import replace

from localstack_ssm_docker.autoscaling.api import (
    ActiveInstanceRefreshNotFoundFault,
    InstanceRefreshInProgressFault,
    IrreversibleInstanceRefreshFault,
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
    ROLLBACK_FAILED,
    ROLLBACK_IN_PROGRESS,
    ROLLBACK_SUCCESSFUL,
    SUCCESSFUL,
    Group,
    InstanceRefresh,
    LaunchSource,
    Member,
    Rollback,
)

KEPT = 50
"""Refreshes kept per group (the oldest go first)."""
FAILED_LAUNCHES = 3
"""Launches failed in a row that fail a refresh."""
DEFAULT_CHECKPOINT_DELAY = 3600
ROLLING = frozenset({IN_PROGRESS, ROLLBACK_IN_PROGRESS})
"""The statuses in which a refresh takes batches."""
ENDED_WELL = frozenset({SUCCESSFUL, ROLLBACK_SUCCESSFUL})
MANUAL_ROLLBACK = "Rollback initiated by user."

type Leave = Callable[[Group, Member], Member]
"""Takes a member out of service (lifecycle_hooks.leave with the refresh's cause)."""


def launch_source(group: Group) -> LaunchSource:
    """What the group launches from now: the target of its refresh in progress, else its own."""
    refresh = group.refresh
    if refresh is not None and refresh.status == IN_PROGRESS and refresh.target is not None:
        return refresh.target
    return group.source


def capacity(group: Group) -> int:
    """How many members the group keeps active: its desired capacity, and the refresh's surge."""
    refresh = group.refresh
    return group.desired + (refresh.surge if refresh is not None else 0)


def irreversible(group: Group, target: LaunchSource | None) -> str | None:
    """Why a refresh of the group to the target could not roll back; None when it could."""
    if target is None:
        return "no desired configuration was specified for the instance refresh"
    template = group.source.template
    if template is None:
        return "the Auto Scaling group uses a launch configuration"
    if not template.version.isdigit():
        return f"the Auto Scaling group uses the launch template's {template.version} version"
    return None


def start(
    group: Group,
    refresh_id: str,
    now: float,
    min_healthy_percentage: int,
    instance_warmup: int | None,
    target: LaunchSource | None,
    skip_matching: bool,
    checkpoints: tuple[int, ...] = (),
    checkpoint_delay: int | None = None,
    auto_rollback: bool = False,
    max_healthy_percentage: int = 100,
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
        checkpoints=checkpoints,
        checkpoint_delay=DEFAULT_CHECKPOINT_DELAY if checkpoint_delay is None else checkpoint_delay,
        auto_rollback=auto_rollback,
        max_healthy_percentage=max_healthy_percentage,
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
        changed = replace(refresh, status=CANCELLING, surge=0)
    return _with(group, changed), refresh.refresh_id


def rollback(group: Group, now: float, reason: str = MANUAL_ROLLBACK) -> tuple[Group, str]:
    """The group with its refresh rolling back: the members launched from the refresh's target
    are the ones it replaces, from the group's own launch source; and the refresh's id."""
    refresh = group.refresh
    if refresh is None or refresh.status not in (PENDING_REFRESH, IN_PROGRESS):
        raise ActiveInstanceRefreshNotFoundFault(
            f"No in progress or pending Instance Refresh found for Auto Scaling group {group.name}"
        )
    why = irreversible(group, refresh.target)
    if why is not None:
        raise IrreversibleInstanceRefreshFault(
            f"The instance refresh {refresh.refresh_id} cannot be rolled back because {why}."
        )
    to_replace = tuple(m.instance_id for m in group.active if m.source != group.source)
    changed = replace(
        refresh,
        status=ROLLBACK_IN_PROGRESS,
        status_reason="",
        to_replace=to_replace,
        instances_to_update=len(to_replace),
        percentage_complete=0,
        paused_until=None,
        surge=0,
        rollback=Rollback(
            reason=reason,
            started_at=now,
            percentage_complete=refresh.percentage_complete,
            instances_to_update=refresh.instances_to_update,
        ),
    )
    # the failures in a row were the target's: the group's own source launches at once
    rolled = replace(_with(group, changed), launch_failures=0, next_launch_at=0.0)
    return rolled, refresh.refresh_id


def fail(group: Group, reason: str, now: float) -> Group | None:
    """The group with its refresh Failed (launches of its replacements keep failing), or
    rolling back when it asked for AutoRollback; a rollback that fails is RollbackFailed."""
    refresh = group.refresh
    if refresh is None or refresh.status not in ROLLING:
        return None
    if (
        refresh.status == IN_PROGRESS
        and refresh.auto_rollback
        and irreversible(group, refresh.target) is None  # the group may have changed since
    ):
        return rollback(group, now, f"Instance refresh failed: {reason}")[0]
    status = FAILED if refresh.status == IN_PROGRESS else ROLLBACK_FAILED
    return _with(
        group, replace(refresh, status=status, status_reason=reason, ended_at=now, surge=0)
    )


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
    pending = len(warming) + max(0, capacity(group) - len(group.active))
    total = len(refresh.to_replace)
    done = max(0, total - len(remaining) - pending) if total else 0
    status, reason, ended = refresh.status, "", refresh.ended_at
    source, members, surge = group.source, group.members, refresh.surge
    passed, paused_until = refresh.checkpoints_passed, refresh.paused_until
    checkpoint = (
        refresh.checkpoints[passed]
        if status != ROLLBACK_IN_PROGRESS and passed < len(refresh.checkpoints)
        else None
    )
    at_checkpoint = checkpoint is not None and total > 0 and 100 * done // total >= checkpoint
    launching = any(m.lifecycle_state == PENDING_WAIT for m in remaining)
    settled = not pending and not leaving and not launching
    if status == PENDING_REFRESH:
        status = IN_PROGRESS
    if status == CANCELLING and settled:
        status, ended = CANCELLED, now
    elif status in ROLLING and settled and not remaining:
        status, ended, done, surge = _ended(status), now, total, 0
        if status == SUCCESSFUL:
            source = refresh.target or group.source
    elif status == IN_PROGRESS and settled and at_checkpoint and checkpoint is not None:
        if passed == len(refresh.checkpoints) - 1 and checkpoint < 100:
            status, ended = SUCCESSFUL, now  # the last checkpoint: the rest stay as they are
            source = refresh.target or group.source
        elif paused_until is None or now < paused_until:
            paused_until = now + refresh.checkpoint_delay if paused_until is None else paused_until
            reason = (
                f"Waiting at checkpoint {checkpoint}% for {refresh.checkpoint_delay} seconds "
                "before continuing."
            )
        else:
            passed, paused_until = passed + 1, None
    elif status in ROLLING and settled:
        healthy = len(ready) + sum(1 for m in remaining if _healthy(m))
        floor = math.ceil(group.desired * refresh.min_healthy_percentage / 100)
        allowed = len(remaining)
        if checkpoint is not None:  # never past the next checkpoint
            allowed = min(allowed, math.ceil(total * checkpoint / 100) - done)
        spare = group.desired * refresh.max_healthy_percentage // 100 - group.desired
        size = max(0, min(healthy - floor, allowed))
        surge = max(0, min(spare, allowed - size))
        if size == 0 and group.desired + surge <= len(group.active):
            size = 1  # nothing to launch ahead: one member at a time
        batch = {m.instance_id for m in sorted(remaining, key=lambda m: m.launched_at)[:size]}
        members = tuple(leave(group, m) if m.instance_id in batch else m for m in members)
    elif status in ROLLING and warming:
        reason = (
            "Waiting for instances to warm up before continuing. For example: "
            f"{warming[0].instance_id} is warming up."
        )
    changed = replace(
        refresh,
        status=status,
        status_reason=reason,
        ended_at=ended,
        percentage_complete=100 * done // total if total else 100 if status in ENDED_WELL else 0,
        instances_to_update=total - done,
        checkpoints_passed=passed,
        paused_until=paused_until,
        surge=surge,
    )
    if changed == refresh and members == group.members:
        return None
    return replace(_with(group, changed), source=source, members=members)


def _ended(status: str) -> str:
    return SUCCESSFUL if status == IN_PROGRESS else ROLLBACK_SUCCESSFUL


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
