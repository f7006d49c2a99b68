"""Auto Scaling's group operations: requests change the group records (store.py) and wake the
reconciler (reconciler.py), which launches and terminates; no request launches or terminates an
instance itself, and a refused request changes nothing."""

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import lifecycle_hooks, views
from localstack_ssm_docker.autoscaling.api import (
    ActivitiesType,
    ActivityType,
    AutoScalingGroupNamesType,
    AutoScalingGroupsType,
    AutoScalingInstancesType,
    CreateAutoScalingGroupType,
    DeleteAutoScalingGroupType,
    DescribeAutoScalingInstancesType,
    DescribeScalingActivitiesType,
    LaunchTemplateSpecification,
    ScalingProcessQuery,
    SetDesiredCapacityType,
    SetInstanceHealthQuery,
    TerminateInstanceInAutoScalingGroupType,
    UpdateAutoScalingGroupType,
)
from localstack_ssm_docker.autoscaling.exceptions import (
    ValidationError,
    activity_in_progress,
    group_exists,
    group_has_instances,
    group_not_found,
)
from localstack_ssm_docker.autoscaling.reconciler import details, stamp
from localstack_ssm_docker.autoscaling.records import (
    HEALTHY,
    IN_PROGRESS,
    PROCESSES,
    UNHEALTHY,
    Activity,
    Group,
    GroupTag,
    LaunchSource,
    LaunchTemplateRef,
    Placement,
)
from localstack_ssm_docker.autoscaling.store import Groups
from localstack_ssm_docker.autoscaling.termination import POLICIES

_PAGE = 50


class Ec2Lookup(Protocol):
    """What a group's creation checks in EC2."""

    def launch_template(
        self, account_id: str, region: str, template_id: str | None, name: str | None
    ) -> tuple[str, str] | None: ...

    def subnet_zones(
        self, account_id: str, region: str, subnet_ids: list[str]
    ) -> dict[str, str]: ...


class GroupHandlers:
    """Create/Update/Describe/DeleteAutoScalingGroup, SetDesiredCapacity, DescribeAutoScaling-
    Instances, TerminateInstanceInAutoScalingGroup, SetInstanceHealth, Suspend/ResumeProcesses
    and DescribeScalingActivities."""

    def __init__(
        self,
        groups: Groups,
        ec2: Ec2Lookup,
        busy: Callable[[str, str, str], bool],
        wake: Callable[[], None],
        clock: Callable[[], float],
    ):
        self._groups = groups
        self._ec2 = ec2
        self._busy = busy
        self._wake = wake
        self._clock = clock

    @handler("CreateAutoScalingGroup", expand=False)
    def create_auto_scaling_group(
        self, context: RequestContext, request: CreateAutoScalingGroupType
    ) -> None:
        account_id, region = context.account_id, context.region
        name = request["AutoScalingGroupName"]
        min_size, max_size = request["MinSize"], request["MaxSize"]
        desired = request.get("DesiredCapacity")
        desired = min_size if desired is None else desired
        _check_bounds(min_size, max_size, desired)
        source = self._source(context, request)
        placements = self._placements(context, request)
        policies = tuple(request.get("TerminationPolicies") or ("Default",))
        _check_policies(policies)
        hooks = tuple(
            lifecycle_hooks.hook(
                spec["LifecycleHookName"],
                spec.get("LifecycleTransition"),
                spec.get("HeartbeatTimeout"),
                spec.get("DefaultResult"),
                spec.get("NotificationMetadata"),
                spec.get("NotificationTargetARN"),
                spec.get("RoleARN"),
            )
            for spec in request.get("LifecycleHookSpecificationList") or []
        )
        if self._groups.get(account_id, region, name) is not None:
            raise group_exists(name)
        now = self._clock()
        group = Group(
            name=name,
            arn=(
                f"arn:aws:autoscaling:{region}:{account_id}:autoScalingGroup:{uuid.uuid4()}:"
                f"autoScalingGroupName/{name}"
            ),
            source=source,
            min_size=min_size,
            max_size=max_size,
            desired=desired,
            placements=placements,
            created_at=now,
            vpc_zone_identifier=request.get("VPCZoneIdentifier"),
            tags=tuple(
                GroupTag(t["Key"], t.get("Value") or "", bool(t.get("PropagateAtLaunch")))
                for t in request.get("Tags") or []
            ),
            termination_policies=policies,
            health_check_type=request.get("HealthCheckType") or "EC2",
            grace_period=request.get("HealthCheckGracePeriod") or 0,
            default_cooldown=request.get("DefaultCooldown") or 300,
            hooks=hooks,
            cause=(
                f"At {stamp(now)} a user request created an AutoScalingGroup changing the desired "
                f"capacity from 0 to {desired}."
            ),
        )
        if not self._groups.add(account_id, region, group):
            raise group_exists(name)
        self._wake()

    @handler("UpdateAutoScalingGroup", expand=False)
    def update_auto_scaling_group(
        self, context: RequestContext, request: UpdateAutoScalingGroupType
    ) -> None:
        account_id, region = context.account_id, context.region
        name = request["AutoScalingGroupName"]
        current = self._group(context, name)
        source = current.source
        if any(
            request.get(k)
            for k in ("LaunchTemplate", "MixedInstancesPolicy", "LaunchConfigurationName")
        ):
            source = self._source(context, request)
        placements = current.placements
        if request.get("VPCZoneIdentifier") or request.get("AvailabilityZones"):
            placements = self._placements(context, request)
        policies = tuple(request.get("TerminationPolicies") or current.termination_policies)
        _check_policies(policies)
        min_size = request.get("MinSize")
        max_size = request.get("MaxSize")
        desired = request.get("DesiredCapacity")
        now = self._clock()

        def update(g: Group) -> Group:
            new_min = g.min_size if min_size is None else min_size
            new_max = g.max_size if max_size is None else max_size
            new_desired = g.desired if desired is None else desired
            if desired is None:  # AWS moves the desired capacity inside new bounds
                new_desired = min(max(new_desired, new_min), new_max)
            _check_bounds(new_min, new_max, new_desired)
            cause = g.cause
            if new_desired != g.desired:
                cause = (
                    f"At {stamp(now)} a user request update of AutoScalingGroup constraints to "
                    f"min: {new_min}, max: {new_max}, desired: {new_desired} changing the desired "
                    f"capacity from {g.desired} to {new_desired}."
                )
            return replace(
                g,
                min_size=new_min,
                max_size=new_max,
                desired=new_desired,
                source=source,
                placements=placements,
                vpc_zone_identifier=request.get("VPCZoneIdentifier") or g.vpc_zone_identifier,
                termination_policies=policies,
                health_check_type=request.get("HealthCheckType") or g.health_check_type,
                grace_period=_given(request.get("HealthCheckGracePeriod"), g.grace_period),
                default_cooldown=_given(request.get("DefaultCooldown"), g.default_cooldown),
                cause=cause,
                launch_failures=0,
                next_launch_at=0.0,
            )

        if self._groups.change(account_id, region, name, update) is None:
            raise group_not_found(name)
        self._wake()

    @handler("SetDesiredCapacity", expand=False)
    def set_desired_capacity(
        self, context: RequestContext, request: SetDesiredCapacityType
    ) -> None:
        name = request["AutoScalingGroupName"]
        desired = request["DesiredCapacity"]
        self._group(context, name)
        now = self._clock()

        def set_desired(g: Group) -> Group | None:
            if desired > g.max_size:
                raise ValidationError(
                    f"New SetDesiredCapacity value {desired} is above max value {g.max_size} "
                    "for the AutoScalingGroup."
                )
            if desired < g.min_size:
                raise ValidationError(
                    f"New SetDesiredCapacity value {desired} is below min value {g.min_size} "
                    "for the AutoScalingGroup."
                )
            if desired == g.desired:
                return None
            return replace(
                g,
                desired=desired,
                cause=(
                    f"At {stamp(now)} a user request explicitly set group desired capacity "
                    f"changing the desired capacity from {g.desired} to {desired}."
                ),
            )

        self._groups.change(context.account_id, context.region, name, set_desired)
        self._wake()

    @handler("DescribeAutoScalingGroups", expand=False)
    def describe_auto_scaling_groups(
        self, context: RequestContext, request: AutoScalingGroupNamesType
    ) -> AutoScalingGroupsType:
        names = request.get("AutoScalingGroupNames")
        found = [
            g
            for g in self._groups.all(context.account_id, context.region)
            if not names or g.name in names
        ]
        found = [g for g in found if _matches(g, request.get("Filters") or [])]
        shown, token = page(
            found, lambda g: g.name, request.get("NextToken"), request.get("MaxRecords")
        )
        result = AutoScalingGroupsType(AutoScalingGroups=[views.group(g) for g in shown])
        if token:
            result["NextToken"] = token
        return result

    @handler("DescribeAutoScalingInstances", expand=False)
    def describe_auto_scaling_instances(
        self, context: RequestContext, request: DescribeAutoScalingInstancesType
    ) -> AutoScalingInstancesType:
        ids = request.get("InstanceIds")
        found = [
            (g, m)
            for g in self._groups.all(context.account_id, context.region)
            for m in g.members
            if not ids or m.instance_id in ids
        ]
        shown, token = page(
            found, lambda gm: gm[1].instance_id, request.get("NextToken"), request.get("MaxRecords")
        )
        result = AutoScalingInstancesType(
            AutoScalingInstances=[views.instance_details(g, m) for g, m in shown]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("DeleteAutoScalingGroup", expand=False)
    def delete_auto_scaling_group(
        self, context: RequestContext, request: DeleteAutoScalingGroupType
    ) -> None:
        account_id, region = context.account_id, context.region
        name = request["AutoScalingGroupName"]
        force = bool(request.get("ForceDelete"))
        self._group(context, name)

        def delete(g: Group) -> Group:
            if not force:
                if g.members:
                    raise group_has_instances()
                if self._busy(account_id, region, name):
                    raise activity_in_progress()
            return replace(g, deleting=True, desired=0, min_size=0)

        self._groups.change(account_id, region, name, delete)
        self._wake()

    @handler("TerminateInstanceInAutoScalingGroup", expand=False)
    def terminate_instance_in_auto_scaling_group(
        self, context: RequestContext, request: TerminateInstanceInAutoScalingGroupType
    ) -> ActivityType:
        instance_id = request["InstanceId"]
        decrement = bool(request["ShouldDecrementDesiredCapacity"])
        group = self._group_of(context, instance_id)
        now = self._clock()

        def terminate(g: Group) -> Group:
            member = g.member(instance_id)
            if member is None:
                raise _instance_not_found(instance_id)
            desired = g.desired
            cause = (
                f"At {stamp(now)} instance {instance_id} was taken out of service in response "
                "to a user request"
            )
            if decrement and not member.leaving:
                if desired <= g.min_size:
                    raise ValidationError(
                        f"Currently, desiredSize equals minSize ({g.min_size}). Terminating "
                        "instance without replacement will violate group's min size constraint. "
                        "Either set shouldDecrementDesiredCapacity flag to false or lower "
                        "group's min size."
                    )
                desired -= 1
                cause += f", shrinking the capacity from {g.desired} to {desired}."
            else:
                cause += "."
            return replace(
                g,
                desired=desired,
                members=tuple(
                    lifecycle_hooks.leave(g, m, cause, now, _new_token, decrement)
                    if m.instance_id == instance_id
                    else m
                    for m in g.members
                ),
            )

        changed = self._groups.change(context.account_id, context.region, group.name, terminate)
        if changed is None:
            raise _instance_not_found(instance_id)
        self._wake()
        member = changed.member(instance_id)
        zone = member.availability_zone if member is not None else ""
        activity = Activity(
            activity_id=str(uuid.uuid4()),
            group_name=group.name,
            group_arn=group.arn,
            description=f"Terminating EC2 instance: {instance_id}",
            cause=member.cause if member is not None else "",
            started_at=now,
            ended_at=None,
            status_code=IN_PROGRESS,
            details=details(zone, None),
        )
        return ActivityType(Activity=views.activity(activity))

    @handler("SetInstanceHealth", expand=False)
    def set_instance_health(self, context: RequestContext, request: SetInstanceHealthQuery) -> None:
        instance_id = request["InstanceId"]
        status = request["HealthStatus"]
        if status not in (HEALTHY, UNHEALTHY):
            raise ValidationError(
                f"Health status {status} is invalid; it must be {HEALTHY} or {UNHEALTHY}."
            )
        group = self._group_of(context, instance_id)
        now = self._clock()
        respect = request.get("ShouldRespectGracePeriod")

        def set_health(g: Group) -> Group | None:
            member = g.member(instance_id)
            if member is None:
                return None
            if (
                status == UNHEALTHY
                and respect is not False
                and now - member.serving_since < g.grace_period
            ):
                return None  # AWS ignores it within the grace period when asked to respect it
            cause = (
                f"At {stamp(now)} an instance was taken out of service in response to a user "
                "health-check."
                if status == UNHEALTHY
                else ""
            )
            return replace(
                g,
                members=tuple(
                    replace(m, health_status=status, cause=cause)
                    if m.instance_id == instance_id
                    else m
                    for m in g.members
                ),
            )

        self._groups.change(context.account_id, context.region, group.name, set_health)
        self._wake()

    @handler("SuspendProcesses", expand=False)
    def suspend_processes(self, context: RequestContext, request: ScalingProcessQuery) -> None:
        self._processes(context, request, suspend=True)

    @handler("ResumeProcesses", expand=False)
    def resume_processes(self, context: RequestContext, request: ScalingProcessQuery) -> None:
        self._processes(context, request, suspend=False)

    @handler("DescribeScalingActivities", expand=False)
    def describe_scaling_activities(
        self, context: RequestContext, request: DescribeScalingActivitiesType
    ) -> ActivitiesType:
        name = request.get("AutoScalingGroupName")
        if name is not None:
            self._group(context, name)
        found = self._groups.activities(context.account_id, context.region, name)
        if ids := request.get("ActivityIds"):
            found = [a for a in found if a.activity_id in ids]
        shown, token = page(
            found,
            lambda a: a.activity_id,
            request.get("NextToken"),
            request.get("MaxRecords"),
            sort=False,
        )
        result = ActivitiesType(Activities=[views.activity(a) for a in shown])
        if token:
            result["NextToken"] = token
        return result

    def _processes(
        self, context: RequestContext, request: ScalingProcessQuery, suspend: bool
    ) -> None:
        name = request["AutoScalingGroupName"]
        self._group(context, name)
        named = set(request.get("ScalingProcesses") or PROCESSES)
        for process in sorted(named - PROCESSES):
            raise ValidationError(f"Process {process} is not a valid process name.")

        def change(g: Group) -> Group:
            suspended = g.suspended | named if suspend else g.suspended - named
            return replace(g, suspended=frozenset(suspended))

        self._groups.change(context.account_id, context.region, name, change)
        self._wake()

    def _group(self, context: RequestContext, name: str) -> Group:
        return existing(self._groups, context, name)

    def _group_of(self, context: RequestContext, instance_id: str) -> Group:
        for group in self._groups.all(context.account_id, context.region):
            if group.member(instance_id) is not None:
                return group
        raise _instance_not_found(instance_id)

    def _source(
        self,
        context: RequestContext,
        request: CreateAutoScalingGroupType | UpdateAutoScalingGroupType,
    ) -> LaunchSource:
        template = request.get("LaunchTemplate")
        mixed = request.get("MixedInstancesPolicy")
        configuration = request.get("LaunchConfigurationName")
        if mixed:
            template = (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
        if sum(1 for s in (request.get("LaunchTemplate"), mixed, configuration) if s) != 1:
            raise ValidationError(
                "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
                "InstanceId or MixedInstancesPolicy parameter."
            )
        if configuration:
            if (
                self._groups.configuration(context.account_id, context.region, configuration)
                is None
            ):
                raise ValidationError(
                    f"Launch configuration name not found - Launch configuration {configuration} "
                    "not found"
                )
            return LaunchSource(configuration=configuration)
        return LaunchSource(
            template=template_ref(self._ec2, context, template or {}), mixed=bool(mixed)
        )

    def _placements(
        self,
        context: RequestContext,
        request: CreateAutoScalingGroupType | UpdateAutoScalingGroupType,
    ) -> tuple[Placement, ...]:
        subnets = [
            s.strip() for s in (request.get("VPCZoneIdentifier") or "").split(",") if s.strip()
        ]
        if subnets:
            zones = self._ec2.subnet_zones(context.account_id, context.region, subnets)
            for subnet in subnets:
                if subnet not in zones:
                    raise ValidationError(f"The subnet ID '{subnet}' does not exist")
            return tuple(Placement(zones[s], s) for s in subnets)
        if zones_asked := request.get("AvailabilityZones"):
            return tuple(Placement(z) for z in zones_asked)
        raise ValidationError("At least one Availability Zone or VPC Subnet is required.")


def existing(groups: Groups, context: RequestContext, name: str) -> Group:
    """The group of that name; AWS's ValidationError when there is none."""
    group = groups.get(context.account_id, context.region, name)
    if group is None:
        raise group_not_found(name)
    return group


def template_ref(
    ec2: Ec2Lookup, context: RequestContext, spec: LaunchTemplateSpecification
) -> LaunchTemplateRef:
    """The launch template a request names (by id or name), checked to exist in EC2."""
    template_id, name = spec.get("LaunchTemplateId"), spec.get("LaunchTemplateName")
    if bool(template_id) == bool(name):
        raise ValidationError(
            "Valid requests must contain either launchTemplateId or LaunchTemplateName"
        )
    found = ec2.launch_template(context.account_id, context.region, template_id, name)
    if found is None:
        named = f"template ID {template_id}" if template_id else f"template name {name}"
        raise ValidationError(
            "You must use a valid fully-formed launch template. The specified launch "
            f"template, with {named}, does not exist."
        )
    return LaunchTemplateRef(found[0], found[1], spec.get("Version") or "$Default")


def _check_bounds(min_size: int, max_size: int, desired: int) -> None:
    if min_size > max_size:
        raise ValidationError(
            f"Max bound, {max_size}, must be greater than or equal to min bound, {min_size}"
        )
    if not min_size <= desired <= max_size:
        raise ValidationError(
            f"Desired capacity:{desired} must be between the specified min size:{min_size} and "
            f"max size:{max_size}"
        )


def _check_policies(policies: tuple[str, ...]) -> None:
    for policy in policies:
        if policy not in POLICIES and not policy.startswith("arn:"):
            raise ValidationError(f"Termination policy {policy} is not valid.")


def _new_token() -> str:
    return str(uuid.uuid4())


def _given(value: int | None, current: int) -> int:
    return current if value is None else value


def _instance_not_found(instance_id: str) -> ValidationError:
    return ValidationError(
        f"Instance Id not found - No managed instance found for instance ID: {instance_id}"
    )


def _matches(group: Group, filters: list) -> bool:
    """DescribeAutoScalingGroups' filters: tag:<key>, tag-key and tag-value."""
    for f in filters:
        name, values = f.get("Name") or "", f.get("Values") or []
        if name.startswith("tag:"):
            ok = any(t.key == name[4:] and t.value in values for t in group.tags)
        elif name == "tag-key":
            ok = any(t.key in values for t in group.tags)
        elif name == "tag-value":
            ok = any(t.value in values for t in group.tags)
        else:
            raise ValidationError(f"Filter type {name} is not correct.")
        if not ok:
            return False
    return True


def page[T](
    items: list[T],
    key: Callable[[T], str],
    token: str | None,
    max_records: int | None,
    sort: bool = True,
) -> tuple[list[T], str | None]:
    """One page of `items` after the item named by `token` (the last key of the page before)."""
    if sort:
        items = sorted(items, key=key)
    start = 0
    if token:
        keys = [key(i) for i in items]
        if token not in keys:
            raise ValidationError("The NextToken value is invalid.")
        start = keys.index(token) + 1
    size = max_records or _PAGE
    page = items[start : start + size]
    more = start + size < len(items)
    return page, key(page[-1]) if more and page else None
