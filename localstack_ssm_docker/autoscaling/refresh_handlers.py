"""Auto Scaling's instance refresh operations: they start, cancel and describe a group's refresh
record (refresh.py's rules) and wake the reconciler, which takes the batches out of service and
launches their replacements."""

import uuid
from collections.abc import Callable

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import refresh, views
from localstack_ssm_docker.autoscaling.api import (
    CancelInstanceRefreshAnswer,
    CancelInstanceRefreshType,
    DescribeInstanceRefreshesAnswer,
    DescribeInstanceRefreshesType,
    StartInstanceRefreshAnswer,
    StartInstanceRefreshType,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError, group_not_found
from localstack_ssm_docker.autoscaling.group_handlers import Ec2Lookup, existing, page, template_ref
from localstack_ssm_docker.autoscaling.records import Group, LaunchSource
from localstack_ssm_docker.autoscaling.store import Groups

DEFAULT_MIN_HEALTHY = 90


class RefreshHandlers:
    """Start, Cancel and DescribeInstanceRefreshes."""

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
        min_healthy = preferences.get("MinHealthyPercentage")
        min_healthy = DEFAULT_MIN_HEALTHY if min_healthy is None else min_healthy
        if not 0 <= min_healthy <= 100:
            raise ValidationError(
                f"MinHealthyPercentage must be between 0 and 100. Value provided: {min_healthy}"
            )
        warmup = preferences.get("InstanceWarmup")
        if warmup is not None and warmup < 0:
            raise ValidationError(f"InstanceWarmup must not be negative. Value provided: {warmup}")
        target = self._target(context, request)
        existing(self._groups, context, name)
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
            )

        if self._groups.change(context.account_id, context.region, name, start) is None:
            raise group_not_found(name)
        self._wake()
        return StartInstanceRefreshAnswer(InstanceRefreshId=refresh_id)

    @handler("CancelInstanceRefresh", expand=False)
    def cancel_instance_refresh(
        self, context: RequestContext, request: CancelInstanceRefreshType
    ) -> CancelInstanceRefreshAnswer:
        name = request["AutoScalingGroupName"]
        existing(self._groups, context, name)
        now = self._clock()
        cancelled: list[str] = []

        def cancel(g: Group) -> Group:
            changed, refresh_id = refresh.cancel(g, now)
            cancelled.append(refresh_id)
            return changed

        self._groups.change(context.account_id, context.region, name, cancel)
        self._wake()
        return CancelInstanceRefreshAnswer(InstanceRefreshId=cancelled[0])

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
