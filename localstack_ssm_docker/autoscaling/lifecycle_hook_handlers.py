"""Auto Scaling's lifecycle hook operations: they change the group's hooks and its members'
lifecycle actions (by lifecycle_hooks.py's rules) in the store and wake the reconciler, which
terminates, launches and sends the actions' events."""

from collections.abc import Callable
from dataclasses import replace

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import lifecycle_hooks, views
from localstack_ssm_docker.autoscaling.api import (
    CompleteLifecycleActionAnswer,
    CompleteLifecycleActionType,
    DeleteLifecycleHookAnswer,
    DeleteLifecycleHookType,
    DescribeLifecycleHooksAnswer,
    DescribeLifecycleHooksType,
    LimitExceededFault,
    PutLifecycleHookAnswer,
    PutLifecycleHookType,
    RecordLifecycleActionHeartbeatAnswer,
    RecordLifecycleActionHeartbeatType,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError, group_not_found
from localstack_ssm_docker.autoscaling.group_handlers import existing
from localstack_ssm_docker.autoscaling.reconciler import stamp
from localstack_ssm_docker.autoscaling.records import Group, Member
from localstack_ssm_docker.autoscaling.store import Groups


class LifecycleHookHandlers:
    """Put/Describe/DeleteLifecycleHook, CompleteLifecycleAction and
    RecordLifecycleActionHeartbeat."""

    def __init__(self, groups: Groups, wake: Callable[[], None], clock: Callable[[], float]):
        self._groups = groups
        self._wake = wake
        self._clock = clock

    @handler("PutLifecycleHook", expand=False)
    def put_lifecycle_hook(
        self, context: RequestContext, request: PutLifecycleHookType
    ) -> PutLifecycleHookAnswer:
        name = request["LifecycleHookName"]
        group_name = request["AutoScalingGroupName"]

        def put(g: Group) -> Group:
            current = g.hook(name)
            if current is None and len(g.hooks) >= lifecycle_hooks.HOOKS_PER_GROUP:
                raise LimitExceededFault(
                    f"Cannot create more than {lifecycle_hooks.HOOKS_PER_GROUP} lifecycle hooks "
                    f"for AutoScalingGroup {group_name}."
                )
            new = lifecycle_hooks.hook(
                name,
                request.get("LifecycleTransition"),
                request.get("HeartbeatTimeout"),
                request.get("DefaultResult"),
                request.get("NotificationMetadata"),
                request.get("NotificationTargetARN"),
                request.get("RoleARN"),
                current,
            )
            hooks = tuple(new if h.name == name else h for h in g.hooks)
            return replace(g, hooks=hooks if current is not None else (*g.hooks, new))

        if self._groups.change(context.account_id, context.region, group_name, put) is None:
            raise group_not_found(group_name)
        return PutLifecycleHookAnswer()

    @handler("DescribeLifecycleHooks", expand=False)
    def describe_lifecycle_hooks(
        self, context: RequestContext, request: DescribeLifecycleHooksType
    ) -> DescribeLifecycleHooksAnswer:
        group = existing(self._groups, context, request["AutoScalingGroupName"])
        names = request.get("LifecycleHookNames")
        return DescribeLifecycleHooksAnswer(
            LifecycleHooks=[
                views.lifecycle_hook(group, h) for h in group.hooks if not names or h.name in names
            ]
        )

    @handler("DeleteLifecycleHook", expand=False)
    def delete_lifecycle_hook(
        self, context: RequestContext, request: DeleteLifecycleHookType
    ) -> DeleteLifecycleHookAnswer:
        name = request["LifecycleHookName"]
        group_name = request["AutoScalingGroupName"]
        existing(self._groups, context, group_name)

        def delete(g: Group) -> Group:
            if g.hook(name) is None:
                raise ValidationError(
                    f"No Lifecycle Hook found with name {name} for AutoScalingGroup {group_name}"
                )
            return replace(g, hooks=tuple(h for h in g.hooks if h.name != name))

        self._groups.change(context.account_id, context.region, group_name, delete)
        return DeleteLifecycleHookAnswer()

    @handler("CompleteLifecycleAction", expand=False)
    def complete_lifecycle_action(
        self, context: RequestContext, request: CompleteLifecycleActionType
    ) -> CompleteLifecycleActionAnswer:
        result = request["LifecycleActionResult"]
        if result not in lifecycle_hooks.RESULTS:
            raise ValidationError(
                f"Valid values for LifecycleActionResult are {lifecycle_hooks.CONTINUE} and "
                f"{lifecycle_hooks.ABANDON}. Value provided: {result}"
            )
        now = self._clock()
        hook_name = request["LifecycleHookName"]

        def complete(member: Member) -> Member:
            action = lifecycle_hooks.find(member, hook_name, request.get("LifecycleActionToken"))
            assert action is not None  # _on_action found it
            return lifecycle_hooks.complete(
                member,
                action,
                result,
                lifecycle_hooks.abandoned_cause(member, hook_name, stamp(now)),
                now,
            )

        self._on_action(context, request, complete)
        self._wake()
        return CompleteLifecycleActionAnswer()

    @handler("RecordLifecycleActionHeartbeat", expand=False)
    def record_lifecycle_action_heartbeat(
        self, context: RequestContext, request: RecordLifecycleActionHeartbeatType
    ) -> RecordLifecycleActionHeartbeatAnswer:
        now = self._clock()
        hook_name = request["LifecycleHookName"]

        def beat(member: Member) -> Member:
            action = lifecycle_hooks.find(member, hook_name, request.get("LifecycleActionToken"))
            assert action is not None  # _on_action found it
            return lifecycle_hooks.heartbeat(member, action, now)

        self._on_action(context, request, beat)
        return RecordLifecycleActionHeartbeatAnswer()

    def _on_action(
        self,
        context: RequestContext,
        request: CompleteLifecycleActionType | RecordLifecycleActionHeartbeatType,
        how: Callable[[Member], Member],
    ) -> None:
        """Applies `how` to the member holding the open action the request names (by token, or
        by instance id and hook); AWS's ValidationError when there is none."""
        group_name = request["AutoScalingGroupName"]
        hook_name = request["LifecycleHookName"]
        token = request.get("LifecycleActionToken")
        instance_id = request.get("InstanceId")
        if token is None and instance_id is None:
            raise ValidationError(
                "Valid requests must contain either LifecycleActionToken or InstanceId"
            )
        existing(self._groups, context, group_name)

        def change(g: Group) -> Group:
            held = next(
                (
                    m
                    for m in g.members
                    if (instance_id is None or m.instance_id == instance_id)
                    and lifecycle_hooks.find(m, hook_name, token) is not None
                ),
                None,
            )
            if held is None:
                raise ValidationError(
                    f"No active Lifecycle Action found with token {token}"
                    if token is not None
                    else f"No active Lifecycle Action found with instance ID {instance_id}"
                )
            return replace(
                g,
                members=tuple(
                    how(m) if m.instance_id == held.instance_id else m for m in g.members
                ),
            )

        self._groups.change(context.account_id, context.region, group_name, change)
