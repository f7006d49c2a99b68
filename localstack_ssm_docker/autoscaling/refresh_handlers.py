"""Auto Scaling's instance refresh operations: they start, cancel, roll back and describe a
group's refresh record (refresh.py's rules) and wake the reconciler, which takes the batches out
of service and launches their replacements."""

import uuid
from collections.abc import Callable

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import refresh, views
from localstack_ssm_docker.autoscaling.api import (
    CancelInstanceRefreshAnswer,
    CancelInstanceRefreshType,
    DescribeInstanceRefreshesAnswer,
    DescribeInstanceRefreshesType,
    RollbackInstanceRefreshAnswer,
    RollbackInstanceRefreshType,
    StartInstanceRefreshAnswer,
    StartInstanceRefreshType,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError, group_not_found
from localstack_ssm_docker.autoscaling.group_handlers import Ec2Lookup, existing, page, template_ref
from localstack_ssm_docker.autoscaling.records import Group, LaunchSource
from localstack_ssm_docker.autoscaling.store import Groups

DEFAULT_MIN_HEALTHY = 90
DEFAULT_MAX_HEALTHY = 100
MAX_CHECKPOINT_DELAY = 172800


class RefreshHandlers:
    """Start, Cancel, Rollback and DescribeInstanceRefreshes."""

    def __init__(
        self,
        groups: Groups,
        ec2: Ec2Lookup,
        wake: Callable[[], None],
        clock: Callable[[], float],
    ):
        self._groups = groups
        self._ec2 = ec2
        self._wake = wake
        self._clock = clock

    @handler("StartInstanceRefresh", expand=False)
    def start_instance_refresh(
        self, context: RequestContext, request: StartInstanceRefreshType
    ) -> StartInstanceRefreshAnswer:
        name = request["AutoScalingGroupName"]
        strategy = request.get("Strategy") or "Rolling"
        if strategy != "Rolling":
            raise ValidationError(f"Strategy {strategy} is not supported; use Rolling.")
        preferences = request.get("Preferences") or {}
        given_min = preferences.get("MinHealthyPercentage")
        min_healthy = DEFAULT_MIN_HEALTHY if given_min is None else given_min
        if not 0 <= min_healthy <= 100:
            raise ValidationError(
                f"MinHealthyPercentage must be between 0 and 100. Value provided: {min_healthy}"
            )
        max_healthy = _max_healthy(given_min, preferences.get("MaxHealthyPercentage"))
        warmup = preferences.get("InstanceWarmup")
        if warmup is not None and warmup < 0:
            raise ValidationError(f"InstanceWarmup must not be negative. Value provided: {warmup}")
        checkpoints = tuple(preferences.get("CheckpointPercentages") or ())
        delay = preferences.get("CheckpointDelay")
        _check_checkpoints(checkpoints, delay)
        target = self._target(context, request)
        auto_rollback = bool(preferences.get("AutoRollback"))
        group = existing(self._groups, context, name)
        if auto_rollback:
            _check_auto_rollback(group, target)
        refresh_id = str(uuid.uuid4())
        now = self._clock()

        def start(g: Group) -> Group:
            return refresh.start(
                g,
                refresh_id,
                now,
                min_healthy,
                warmup,
                target,
                bool(preferences.get("SkipMatching")),
                checkpoints,
                delay,
                auto_rollback,
                max_healthy,
            )

        if self._groups.change(context.account_id, context.region, name, start) is None:
            raise group_not_found(name)
        self._wake()
        return StartInstanceRefreshAnswer(InstanceRefreshId=refresh_id)

    @handler("CancelInstanceRefresh", expand=False)
    def cancel_instance_refresh(
        self, context: RequestContext, request: CancelInstanceRefreshType
    ) -> CancelInstanceRefreshAnswer:
        refresh_id = self._change_active_refresh(
            context, request["AutoScalingGroupName"], refresh.cancel
        )
        return CancelInstanceRefreshAnswer(InstanceRefreshId=refresh_id)

    @handler("RollbackInstanceRefresh", expand=False)
    def rollback_instance_refresh(
        self, context: RequestContext, request: RollbackInstanceRefreshType
    ) -> RollbackInstanceRefreshAnswer:
        refresh_id = self._change_active_refresh(
            context, request["AutoScalingGroupName"], refresh.rollback
        )
        return RollbackInstanceRefreshAnswer(InstanceRefreshId=refresh_id)

    def _change_active_refresh(
        self,
        context: RequestContext,
        name: str,
        change: Callable[[Group, float], tuple[Group, str]],
    ) -> str:
        """Applies `change` (cancel or roll back) to the group's active refresh under the
        store's lock, wakes the reconciler, and returns the refresh's id."""
        existing(self._groups, context, name)
        now = self._clock()
        changed_ids: list[str] = []

        def apply(g: Group) -> Group:
            changed, refresh_id = change(g, now)
            changed_ids.append(refresh_id)
            return changed

        self._groups.change(context.account_id, context.region, name, apply)
        self._wake()
        return changed_ids[0]

    @handler("DescribeInstanceRefreshes", expand=False)
    def describe_instance_refreshes(
        self, context: RequestContext, request: DescribeInstanceRefreshesType
    ) -> DescribeInstanceRefreshesAnswer:
        group = existing(self._groups, context, request["AutoScalingGroupName"])
        ids = request.get("InstanceRefreshIds")
        found = [r for r in reversed(group.refreshes) if not ids or r.refresh_id in ids]
        shown, token = page(
            found,
            lambda r: r.refresh_id,
            request.get("NextToken"),
            request.get("MaxRecords"),
            sort=False,
        )
        result = DescribeInstanceRefreshesAnswer(
            InstanceRefreshes=[views.instance_refresh(group, r) for r in shown]
        )
        if token:
            result["NextToken"] = token
        return result

    def _target(
        self, context: RequestContext, request: StartInstanceRefreshType
    ) -> LaunchSource | None:
        desired = request.get("DesiredConfiguration") or {}
        mixed = desired.get("MixedInstancesPolicy")
        spec = desired.get("LaunchTemplate")
        if mixed:
            spec = (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
        if not spec:
            return None
        return LaunchSource(template=template_ref(self._ec2, context, spec), mixed=bool(mixed))


def _max_healthy(min_healthy: int | None, max_healthy: int | None) -> int:
    """MaxHealthyPercentage: 100 to 200, only with a MinHealthyPercentage at most 100 below it."""
    if max_healthy is None:
        return DEFAULT_MAX_HEALTHY
    if not 100 <= max_healthy <= 200:
        raise ValidationError(
            f"MaxHealthyPercentage must be between 100 and 200. Value provided: {max_healthy}"
        )
    if min_healthy is None:
        raise ValidationError(
            "MinHealthyPercentage must be specified when MaxHealthyPercentage is specified."
        )
    if max_healthy - min_healthy > 100:
        raise ValidationError(
            "The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be "
            f"greater than 100. Values provided: MinHealthyPercentage {min_healthy}, "
            f"MaxHealthyPercentage {max_healthy}"
        )
    return max_healthy


def _check_auto_rollback(group: Group, target: LaunchSource | None) -> None:
    """AutoRollback needs a refresh that can roll back (refresh.irreversible)."""
    if target is None:
        raise ValidationError(
            "The request isn't valid. The AutoRollback parameter cannot be set to true when the "
            "DesiredConfiguration parameter is empty. Set AutoRollback to false or specify a "
            "desired configuration and try again."
        )
    why = refresh.irreversible(group, target)
    if why is not None:
        raise ValidationError(
            f"The request isn't valid. The AutoRollback parameter cannot be set to true when {why}."
        )


def _check_checkpoints(checkpoints: tuple[int, ...], delay: int | None) -> None:
    """CheckpointPercentages ascending, each once, within 1 to 100; a CheckpointDelay (0 to 2
    days) only with them."""
    if delay is not None and not checkpoints:
        raise ValidationError(
            "CheckpointDelay can only be specified when CheckpointPercentages is specified."
        )
    if delay is not None and not 0 <= delay <= MAX_CHECKPOINT_DELAY:
        raise ValidationError(
            f"CheckpointDelay must be between 0 and {MAX_CHECKPOINT_DELAY}. Value provided: {delay}"
        )
    if any(not 1 <= p <= 100 for p in checkpoints) or list(checkpoints) != sorted(set(checkpoints)):
        raise ValidationError(
            "CheckpointPercentages must be unique values between 1 and 100 in ascending order."
        )
