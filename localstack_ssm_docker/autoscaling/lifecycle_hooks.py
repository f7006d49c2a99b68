"""Lifecycle hooks: the rules that hold a member in Pending:Wait or Terminating:Wait and let it go.

A member entering a transition the group has hooks for gets one lifecycle action per hook (each
with its own token) and waits; it goes on (Pending:Wait -> InService, Terminating:Wait ->
Terminating) once every action is completed with CONTINUE or ran out its heartbeat timeout into
the hook's DefaultResult. An ABANDON of a launching member takes it out of service (it is
terminated and replaced) and drops its other actions, as on AWS; a terminating member is
terminated whatever the result. A heartbeat moves an action's deadline a heartbeat timeout on,
never past its global timeout. Every function here is pure: records in, records out; the store
swaps them in and the reconciler sends the actions' events (`LifecycleEvent`)."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from localstack_ssm_docker.autoscaling.records import (
    IN_SERVICE,
    PENDING_WAIT,
    TERMINATING,
    TERMINATING_WAIT,
    Group,
    LifecycleAction,
    LifecycleHook,
    Member,
)

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING_TRANSITION = "autoscaling:EC2_INSTANCE_TERMINATING"
CONTINUE = "CONTINUE"
ABANDON = "ABANDON"
RESULTS = (CONTINUE, ABANDON)
MIN_HEARTBEAT, MAX_HEARTBEAT = 30, 7200
HOOKS_PER_GROUP = 50

_DETAIL_TYPES = {
    LAUNCHING: "EC2 Instance-launch Lifecycle Action",
    TERMINATING_TRANSITION: "EC2 Instance-terminate Lifecycle Action",
}
SOURCE = "aws.autoscaling"


@dataclass(frozen=True)
class LifecycleEvent:
    """A lifecycle action's notification as EventBridge receives it from Auto Scaling."""

    detail_type: str
    detail: str
    """The JSON of the event's detail."""
    resources: tuple[str, ...]


class LifecycleEvents(Protocol):
    def send(self, account_id: str, region: str, event: LifecycleEvent) -> None:
        """Puts the event on the account's default event bus."""
        ...


def hook(
    name: str,
    transition: str | None,
    heartbeat_timeout: int | None,
    default_result: str | None,
    metadata: str | None,
    notification_target_arn: str | None,
    role_arn: str | None,
    current: LifecycleHook | None = None,
) -> LifecycleHook:
    """The hook PutLifecycleHook (or a group's LifecycleHookSpecificationList) describes; what a
    request leaves out stays as `current` has it."""
    transition = transition or (current.transition if current is not None else None)
    if transition is None:
        raise ValidationError("LifecycleTransition must be specified for a new lifecycle hook.")
    if transition not in _DETAIL_TYPES:
        raise ValidationError(
            f"Invalid Lifecycle Transition: {transition}. Valid transitions are {LAUNCHING} and "
            f"{TERMINATING_TRANSITION}."
        )
    if heartbeat_timeout is not None and not MIN_HEARTBEAT <= heartbeat_timeout <= MAX_HEARTBEAT:
        raise ValidationError(
            f"Heartbeat timeout must be between {MIN_HEARTBEAT} and {MAX_HEARTBEAT} seconds. "
            f"Value provided: {heartbeat_timeout}"
        )
    if default_result is not None and default_result not in RESULTS:
        raise ValidationError(
            f"Valid values for DefaultResult are {CONTINUE} and {ABANDON}. "
            f"Value provided: {default_result}"
        )
    base = current or LifecycleHook(name=name, transition=transition)
    return replace(
        base,
        transition=transition,
        heartbeat_timeout=base.heartbeat_timeout
        if heartbeat_timeout is None
        else heartbeat_timeout,
        default_result=default_result or base.default_result,
        metadata=base.metadata if metadata is None else metadata,
        notification_target_arn=notification_target_arn or base.notification_target_arn,
        role_arn=role_arn or base.role_arn,
    )


def _hold(
    group: Group,
    member: Member,
    transition: str,
    waiting: str,
    now: float,
    new_token: Callable[[], str],
) -> Member | None:
    hooks = [h for h in group.hooks if h.transition == transition]
    if not hooks:
        return None
    actions = tuple(
        LifecycleAction(
            token=new_token(),
            hook_name=h.name,
            transition=transition,
            started_at=now,
            deadline=now + h.heartbeat_timeout,
            global_deadline=now + h.global_timeout,
            heartbeat_timeout=h.heartbeat_timeout,
            default_result=h.default_result,
        )
        for h in hooks
    )
    return replace(member, lifecycle_state=waiting, actions=actions)


def arrive(group: Group, member: Member, now: float, new_token: Callable[[], str]) -> Member:
    """A launched member: Pending:Wait on the group's launching hooks, else InService."""
    held = _hold(group, member, LAUNCHING, PENDING_WAIT, now, new_token)
    return held or replace(member, lifecycle_state=IN_SERVICE, actions=())


def leave(
    group: Group,
    member: Member,
    cause: str,
    now: float,
    new_token: Callable[[], str],
    decrement: bool = False,
) -> Member:
    """A member taken out of service: Terminating:Wait on the group's terminating hooks, else
    Terminating. A group being force-deleted runs no hooks (AWS drops its lifecycle actions)."""
    if member.leaving:
        return member
    gone = replace(member, cause=cause, decrement=decrement)
    held = (
        None
        if group.deleting
        else _hold(group, gone, TERMINATING_TRANSITION, TERMINATING_WAIT, now, new_token)
    )
    return held or replace(gone, lifecycle_state=TERMINATING, actions=())


def _go_on(member: Member, now: float) -> Member:
    if member.lifecycle_state == PENDING_WAIT:
        return replace(member, lifecycle_state=IN_SERVICE, actions=(), in_service_at=now)
    return replace(member, lifecycle_state=TERMINATING, actions=())


def abandoned_cause(member: Member, hook_name: str, stamp: str) -> str:
    return (
        f"At {stamp} instance {member.instance_id} was taken out of service as its launch "
        f"lifecycle action for hook {hook_name} was abandoned."
    )


def complete(
    member: Member, action: LifecycleAction, result: str, abandoned_because: str, now: float
) -> Member:
    """The member once `action` ended with `result` (CONTINUE or ABANDON)."""
    if result == ABANDON and member.lifecycle_state == PENDING_WAIT:
        return replace(
            member,
            lifecycle_state=TERMINATING,
            actions=(),
            cause=abandoned_because,
            decrement=False,
        )
    rest = tuple(a for a in member.actions if a.token != action.token)
    if rest:
        return replace(member, actions=rest)
    return _go_on(member, now)


def find(member: Member, hook_name: str, token: str | None) -> LifecycleAction | None:
    """The member's open action for the hook (and with the token, when one is given)."""
    return next(
        (
            a
            for a in member.actions
            if a.hook_name == hook_name and (token is None or a.token == token)
        ),
        None,
    )


def heartbeat(member: Member, action: LifecycleAction, now: float) -> Member:
    deadline = min(now + action.heartbeat_timeout, action.global_deadline)
    return replace(
        member,
        actions=tuple(
            replace(a, deadline=deadline) if a.token == action.token else a for a in member.actions
        ),
    )


def expire(member: Member, now: float, stamp: str) -> Member | None:
    """The member once the actions whose deadline has passed took their default result; None
    when none has."""
    expired = [a for a in member.actions if a.deadline <= now]
    if not expired:
        return None
    for action in expired:
        if find(member, action.hook_name, action.token) is None:
            continue  # an ABANDON before it dropped it
        member = complete(
            member,
            action,
            action.default_result,
            abandoned_cause(member, action.hook_name, stamp),
            now,
        )
    return member


def event(group: Group, member: Member, action: LifecycleAction) -> LifecycleEvent:
    """The action's notification, with the detail AWS sends to EventBridge."""
    launching = action.transition == LAUNCHING
    detail = {
        "Origin": "EC2" if launching else "AutoScalingGroup",
        "Destination": "AutoScalingGroup" if launching else "EC2",
        "LifecycleActionToken": action.token,
        "AutoScalingGroupName": group.name,
        "LifecycleHookName": action.hook_name,
        "EC2InstanceId": member.instance_id,
        "LifecycleTransition": action.transition,
    }
    hook_record = group.hook(action.hook_name)
    if hook_record is not None and hook_record.metadata is not None:
        detail["NotificationMetadata"] = hook_record.metadata
    return LifecycleEvent(_DETAIL_TYPES[action.transition], json.dumps(detail), (group.arn,))
