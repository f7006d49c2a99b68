"""Records as Auto Scaling's API shapes (DescribeAutoScalingGroups, DescribeAutoScalingInstances,
DescribeScalingActivities, DescribeLaunchConfigurations, DescribeLifecycleHooks,
DescribeInstanceRefreshes, DescribeTags)."""

from datetime import UTC, datetime

from localstack_ssm_docker.autoscaling.api import (
    Activity as ActivityShape,
)
from localstack_ssm_docker.autoscaling.api import (
    AutoScalingGroup,
    AutoScalingInstanceDetails,
    Instance,
    InstanceRefreshStatus,
    LaunchTemplateSpecification,
    LifecycleState,
    RefreshStrategy,
    RollbackDetails,
    ScalingActivityStatusCode,
    TagDescription,
)
from localstack_ssm_docker.autoscaling.api import (
    InstanceRefresh as InstanceRefreshShape,
)
from localstack_ssm_docker.autoscaling.api import (
    LaunchConfiguration as LaunchConfigurationShape,
)
from localstack_ssm_docker.autoscaling.api import (
    LifecycleHook as LifecycleHookShape,
)
from localstack_ssm_docker.autoscaling.records import (
    Activity,
    Group,
    GroupTag,
    InstanceRefresh,
    LaunchConfiguration,
    LaunchSource,
    LifecycleHook,
    Member,
)

GROUP_RESOURCE_TYPE = "auto-scaling-group"
"""A tag's ResourceType: the one resource Auto Scaling tags."""


def timestamp(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _template(source: LaunchSource) -> LaunchTemplateSpecification | None:
    if source.template is None:
        return None
    return LaunchTemplateSpecification(
        LaunchTemplateId=source.template.template_id,
        LaunchTemplateName=source.template.name,
        Version=source.template.version,
    )


def _source_of(shape: Instance | AutoScalingInstanceDetails, source: LaunchSource) -> None:
    if (template := _template(source)) is not None:
        shape["LaunchTemplate"] = template
    elif source.configuration is not None:
        shape["LaunchConfigurationName"] = source.configuration


def group(record: Group) -> AutoScalingGroup:
    shape = AutoScalingGroup(
        AutoScalingGroupName=record.name,
        AutoScalingGroupARN=record.arn,
        MinSize=record.min_size,
        MaxSize=record.max_size,
        DesiredCapacity=record.desired,
        DefaultCooldown=record.default_cooldown,
        AvailabilityZones=sorted({p.availability_zone for p in record.placements}),
        LoadBalancerNames=[],
        TargetGroupARNs=[],
        HealthCheckType=record.health_check_type,
        HealthCheckGracePeriod=record.grace_period,
        Instances=[_instance(m) for m in record.members],
        CreatedTime=timestamp(record.created_at),
        SuspendedProcesses=[
            {"ProcessName": p, "SuspensionReason": ""} for p in sorted(record.suspended)
        ],
        VPCZoneIdentifier=record.vpc_zone_identifier or "",
        EnabledMetrics=[],
        Tags=[tag(record.name, t) for t in record.tags],
        TerminationPolicies=list(record.termination_policies),
        NewInstancesProtectedFromScaleIn=False,
        ServiceLinkedRoleARN=(
            f"arn:aws:iam::{record.arn.split(':')[4]}:role/aws-service-role/"
            "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        ),
        TrafficSources=[],
    )
    template = _template(record.source)
    if template is not None and record.source.mixed:
        shape["MixedInstancesPolicy"] = {
            "LaunchTemplate": {"LaunchTemplateSpecification": template}
        }
    elif template is not None:
        shape["LaunchTemplate"] = template
    elif record.source.configuration is not None:
        shape["LaunchConfigurationName"] = record.source.configuration
    if record.deleting:
        shape["Status"] = "Delete in progress"
    return shape


def _instance(member: Member) -> Instance:
    shape = Instance(
        InstanceId=member.instance_id,
        InstanceType=member.instance_type,
        AvailabilityZone=member.availability_zone,
        LifecycleState=LifecycleState(member.lifecycle_state),
        HealthStatus=member.health_status,
        ProtectedFromScaleIn=False,
    )
    _source_of(shape, member.source)
    return shape


def instance_details(record: Group, member: Member) -> AutoScalingInstanceDetails:
    """DescribeAutoScalingInstances writes the health in capitals (HEALTHY, UNHEALTHY)."""
    shape = AutoScalingInstanceDetails(
        InstanceId=member.instance_id,
        InstanceType=member.instance_type,
        AutoScalingGroupName=record.name,
        AvailabilityZone=member.availability_zone,
        LifecycleState=member.lifecycle_state,
        HealthStatus=member.health_status.upper(),
        ProtectedFromScaleIn=False,
    )
    _source_of(shape, member.source)
    return shape


def activity(record: Activity) -> ActivityShape:
    shape = ActivityShape(
        ActivityId=record.activity_id,
        AutoScalingGroupName=record.group_name,
        AutoScalingGroupARN=record.group_arn,
        Description=record.description,
        Cause=record.cause,
        StartTime=timestamp(record.started_at),
        StatusCode=ScalingActivityStatusCode(record.status_code),
        Progress=0 if record.ended_at is None else 100,
        Details=record.details,
    )
    if record.ended_at is not None:
        shape["EndTime"] = timestamp(record.ended_at)
    if record.status_message is not None:
        shape["StatusMessage"] = record.status_message
    return shape


def launch_configuration(record: LaunchConfiguration) -> LaunchConfigurationShape:
    shape = LaunchConfigurationShape(
        LaunchConfigurationName=record.name,
        LaunchConfigurationARN=record.arn,
        ImageId=record.image_id,
        InstanceType=record.instance_type,
        KeyName=record.key_name or "",
        SecurityGroups=list(record.security_groups),
        ClassicLinkVPCSecurityGroups=[],
        UserData=record.user_data or "",
        KernelId="",
        RamdiskId="",
        BlockDeviceMappings=[],
        InstanceMonitoring={"Enabled": True},
        CreatedTime=timestamp(record.created_at),
        EbsOptimized=False,
    )
    if record.iam_instance_profile:
        shape["IamInstanceProfile"] = record.iam_instance_profile
    return shape


def lifecycle_hook(record: Group, hook: LifecycleHook) -> LifecycleHookShape:
    shape = LifecycleHookShape(
        LifecycleHookName=hook.name,
        AutoScalingGroupName=record.name,
        LifecycleTransition=hook.transition,
        HeartbeatTimeout=hook.heartbeat_timeout,
        GlobalTimeout=hook.global_timeout,
        DefaultResult=hook.default_result,
    )
    if hook.metadata is not None:
        shape["NotificationMetadata"] = hook.metadata
    if hook.notification_target_arn is not None:
        shape["NotificationTargetARN"] = hook.notification_target_arn
    if hook.role_arn is not None:
        shape["RoleARN"] = hook.role_arn
    return shape


def instance_refresh(record: Group, refresh: InstanceRefresh) -> InstanceRefreshShape:
    preferences = {
        "MinHealthyPercentage": refresh.min_healthy_percentage,
        "SkipMatching": refresh.skip_matching,
        "AutoRollback": refresh.auto_rollback,
        "ScaleInProtectedInstances": "Ignore",
        "StandbyInstances": "Ignore",
        "MaxHealthyPercentage": refresh.max_healthy_percentage,
    }
    if refresh.instance_warmup_given:
        preferences["InstanceWarmup"] = refresh.instance_warmup
    if refresh.checkpoints:
        preferences["CheckpointPercentages"] = list(refresh.checkpoints)
        preferences["CheckpointDelay"] = refresh.checkpoint_delay
    shape = InstanceRefreshShape(
        InstanceRefreshId=refresh.refresh_id,
        AutoScalingGroupName=record.name,
        Status=InstanceRefreshStatus(refresh.status),
        StartTime=timestamp(refresh.started_at),
        PercentageComplete=refresh.percentage_complete,
        InstancesToUpdate=refresh.instances_to_update,
        ProgressDetails={
            "LivePoolProgress": {
                "PercentageComplete": refresh.percentage_complete,
                "InstancesToUpdate": refresh.instances_to_update,
            }
        },
        Preferences=preferences,  # type: ignore[typeddict-item]
        Strategy=RefreshStrategy.Rolling,
    )
    if refresh.status_reason:
        shape["StatusReason"] = refresh.status_reason
    if refresh.ended_at is not None:
        shape["EndTime"] = timestamp(refresh.ended_at)
    if refresh.rollback is not None:
        shape["RollbackDetails"] = RollbackDetails(
            RollbackReason=refresh.rollback.reason,
            RollbackStartTime=timestamp(refresh.rollback.started_at),
            PercentageCompleteOnRollback=refresh.rollback.percentage_complete,
            InstancesToUpdateOnRollback=refresh.rollback.instances_to_update,
            ProgressDetailsOnRollback={
                "LivePoolProgress": {
                    "PercentageComplete": refresh.rollback.percentage_complete,
                    "InstancesToUpdate": refresh.rollback.instances_to_update,
                }
            },
        )
    if refresh.target is not None and (template := _template(refresh.target)) is not None:
        shape["DesiredConfiguration"] = (
            {"MixedInstancesPolicy": {"LaunchTemplate": {"LaunchTemplateSpecification": template}}}
            if refresh.target.mixed
            else {"LaunchTemplate": template}
        )
    return shape


def tag(group_name: str, record: GroupTag) -> TagDescription:
    """A group's tag, as DescribeAutoScalingGroups and DescribeTags show it."""
    return TagDescription(
        ResourceId=group_name,
        ResourceType=GROUP_RESOURCE_TYPE,
        Key=record.key,
        Value=record.value,
        PropagateAtLaunch=record.propagate_at_launch,
    )
