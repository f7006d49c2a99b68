"""Auto Scaling's records: launch configurations, groups, their members and scaling activities.

Every record is immutable; a change is a new record swapped in whole by the store (store.py), so
the reconciler's thread and request threads never see one half changed."""

from dataclasses import dataclass

IN_SERVICE = "InService"
PENDING = "Pending"
PENDING_WAIT = "Pending:Wait"
TERMINATING = "Terminating"
TERMINATING_WAIT = "Terminating:Wait"
HEALTHY = "Healthy"
UNHEALTHY = "Unhealthy"

IN_PROGRESS = "InProgress"
SUCCESSFUL = "Successful"
FAILED = "Failed"
PENDING_REFRESH = "Pending"
CANCELLING = "Cancelling"
CANCELLED = "Cancelled"
ROLLBACK_IN_PROGRESS = "RollbackInProgress"
ROLLBACK_SUCCESSFUL = "RollbackSuccessful"
ROLLBACK_FAILED = "RollbackFailed"
ACTIVE_REFRESH = frozenset({PENDING_REFRESH, IN_PROGRESS, CANCELLING, ROLLBACK_IN_PROGRESS})
"""The statuses of an instance refresh that is not over (one at a time per group)."""

PROCESSES = frozenset(
    {
        "Launch",
        "Terminate",
        "HealthCheck",
        "ReplaceUnhealthy",
        "AZRebalance",
        "AlarmNotification",
        "ScheduledActions",
        "AddToLoadBalancer",
        "InstanceRefresh",
    }
)
"""The scaling processes Suspend/ResumeProcesses name."""


@dataclass(frozen=True)
class LaunchConfiguration:
    """What CreateLaunchConfiguration stored: the RunInstances parameters of a group's launches."""

    name: str
    arn: str
    image_id: str
    instance_type: str
    created_at: float
    user_data: str | None = None
    key_name: str | None = None
    security_groups: tuple[str, ...] = ()
    iam_instance_profile: str | None = None


@dataclass(frozen=True)
class LaunchTemplateRef:
    """A group's launch template, both its id and its name, and the version asked for."""

    template_id: str
    name: str
    version: str = "$Default"


@dataclass(frozen=True)
class LaunchSource:
    """What a group launches from: a launch template, or a launch configuration (by name)."""

    template: LaunchTemplateRef | None = None
    configuration: str | None = None
    mixed: bool = False
    """The template came in a MixedInstancesPolicy (DescribeAutoScalingGroups echoes it there)."""


@dataclass(frozen=True)
class Placement:
    """Where a group launches: a subnet and its zone (no subnet: the zone's default one)."""

    availability_zone: str
    subnet_id: str | None = None


@dataclass(frozen=True)
class GroupTag:
    key: str
    value: str
    propagate_at_launch: bool = False


@dataclass(frozen=True)
class LifecycleHook:
    """A group's lifecycle hook: what holds a launching or terminating member, and for how long."""

    name: str
    transition: str
    """autoscaling:EC2_INSTANCE_LAUNCHING or autoscaling:EC2_INSTANCE_TERMINATING."""
    heartbeat_timeout: int = 3600
    default_result: str = "ABANDON"
    metadata: str | None = None
    notification_target_arn: str | None = None
    role_arn: str | None = None

    @property
    def global_timeout(self) -> int:
        """The longest a member waits on the hook, heartbeats or not (AWS: 100 heartbeat
        timeouts, at most 48 hours)."""
        return min(100 * self.heartbeat_timeout, 172800)


@dataclass(frozen=True)
class LifecycleAction:
    """One hook holding one member: open until completed or its deadline passes."""

    token: str
    hook_name: str
    transition: str
    started_at: float
    deadline: float
    """The heartbeat timeout's end; a heartbeat moves it (never past `global_deadline`)."""
    global_deadline: float
    heartbeat_timeout: int
    default_result: str
    notified: bool = False
    """Its event went to EventBridge (the reconciler sends those that did not)."""


@dataclass(frozen=True)
class Member:
    """An instance of a group."""

    instance_id: str
    instance_type: str
    availability_zone: str
    source: LaunchSource
    launched_at: float
    lifecycle_state: str = IN_SERVICE
    health_status: str = HEALTHY
    cause: str = ""
    """Why it is Terminating (the activity's cause), once it is."""
    decrement: bool = False
    """Terminating: the desired capacity went down with it (no replacement)."""
    actions: tuple[LifecycleAction, ...] = ()
    """The lifecycle actions holding it in Pending:Wait or Terminating:Wait."""
    in_service_at: float | None = None
    """When it went InService past its launching hooks (None: at its launch)."""
    launch_activity: str | None = None
    """Its launch's activity while that is InProgress: held by launching hooks, it ends when
    they let the member go InService (Successful) or out (Cancelled)."""

    @property
    def serving_since(self) -> float:
        """Where its health check grace period and an instance refresh's warmup start: AWS
        starts them once the launching hooks let the instance go InService."""
        return self.launched_at if self.in_service_at is None else self.in_service_at

    @property
    def leaving(self) -> bool:
        """Terminating, or waiting on a terminating hook first."""
        return self.lifecycle_state in (TERMINATING, TERMINATING_WAIT)


@dataclass(frozen=True)
class Rollback:
    """An instance refresh's rollback: why and when it started, and the refresh's progress
    then (DescribeInstanceRefreshes' RollbackDetails)."""

    reason: str
    started_at: float
    percentage_complete: int
    instances_to_update: int


@dataclass(frozen=True)
class InstanceRefresh:
    """A rolling replacement of a group's members: those it replaces are named at its start."""

    refresh_id: str
    started_at: float
    min_healthy_percentage: int
    instance_warmup: int
    to_replace: tuple[str, ...]
    """The members it replaces (all of them, or those not on the target with SkipMatching)."""
    target: LaunchSource | None = None
    """The DesiredConfiguration's launch source (None: the group's own)."""
    skip_matching: bool = False
    instance_warmup_given: bool = False
    status: str = PENDING_REFRESH
    status_reason: str = ""
    ended_at: float | None = None
    percentage_complete: int = 0
    instances_to_update: int = 0
    checkpoints: tuple[int, ...] = ()
    """CheckpointPercentages: where the refresh pauses, ascending."""
    checkpoint_delay: int = 3600
    checkpoints_passed: int = 0
    """How many of the checkpoints the refresh has passed (waited out)."""
    paused_until: float | None = None
    """At a checkpoint: when its delay ends."""
    auto_rollback: bool = False
    max_healthy_percentage: int = 100
    surge: int = 0
    """Members launched above the desired capacity ahead of the old ones they replace (only
    with MaxHealthyPercentage above 100)."""
    rollback: Rollback | None = None


@dataclass(frozen=True)
class Group:
    """An Auto Scaling group: its bounds, its desired capacity and its members."""

    name: str
    arn: str
    source: LaunchSource
    min_size: int
    max_size: int
    desired: int
    placements: tuple[Placement, ...]
    created_at: float
    vpc_zone_identifier: str | None = None
    tags: tuple[GroupTag, ...] = ()
    termination_policies: tuple[str, ...] = ("Default",)
    health_check_type: str = "EC2"
    grace_period: int = 0
    default_cooldown: int = 300
    suspended: frozenset[str] = frozenset()
    members: tuple[Member, ...] = ()
    cause: str = ""
    """The last change of desired capacity, as the next activity's Cause starts."""
    deleting: bool = False
    launch_failures: int = 0
    """Launches failed in a row (the back-off grows with them)."""
    next_launch_at: float = 0.0
    hooks: tuple[LifecycleHook, ...] = ()
    refreshes: tuple[InstanceRefresh, ...] = ()
    """Its instance refreshes, oldest first."""

    def member(self, instance_id: str) -> Member | None:
        return next((m for m in self.members if m.instance_id == instance_id), None)

    @property
    def active(self) -> tuple[Member, ...]:
        """The members that count towards the capacity (neither Terminating nor waiting to)."""
        return tuple(m for m in self.members if not m.leaving)

    @property
    def refresh(self) -> InstanceRefresh | None:
        """The instance refresh under way, if one is."""
        last = self.refreshes[-1] if self.refreshes else None
        return last if last is not None and last.status in ACTIVE_REFRESH else None

    def hook(self, name: str) -> LifecycleHook | None:
        return next((h for h in self.hooks if h.name == name), None)


@dataclass(frozen=True)
class Activity:
    """A scaling activity: one launch or termination, successful or failed."""

    activity_id: str
    group_name: str
    group_arn: str
    description: str
    cause: str
    started_at: float
    ended_at: float | None
    """None: still in progress."""
    status_code: str
    details: str
    status_message: str | None = None
