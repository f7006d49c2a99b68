"""Auto Scaling's handlers and reconciler on one store, with the fake launcher and EventBridge
and an injected clock: what the unit tests drive."""

from localstack.aws.api import RequestContext
from localstack.http import Request
from localstack.services.stores import AccountRegionBundle

from localstack_ssm_docker.autoscaling.group_handlers import GroupHandlers
from localstack_ssm_docker.autoscaling.lifecycle_hook_handlers import LifecycleHookHandlers
from localstack_ssm_docker.autoscaling.reconciler import Reconciler
from localstack_ssm_docker.autoscaling.refresh_handlers import RefreshHandlers
from localstack_ssm_docker.autoscaling.store import AutoScalingStore, Groups
from localstack_ssm_docker.autoscaling.tag_handlers import TagHandlers
from tests.unit.autoscaling.fakes import FakeEvents, FakeLauncher, FakeLookup
from tests.unit.ssm.associations.fake_clock import FakeClock

ACCOUNT, REGION = "111111111111", "us-east-1"


class Service:
    """The handlers and the reconciler on one store; `wakes` counts the handlers' wake-ups."""

    def __init__(self) -> None:
        self.clock = FakeClock(1_800_000_000.0)
        self.launcher = FakeLauncher(self.clock)
        self.groups = Groups(AccountRegionBundle("autoscaling", AutoScalingStore))
        self.events = FakeEvents()
        self.reconciler = Reconciler(
            self.groups, self.launcher, self.clock.now, retry_delay=10, events=self.events
        )
        self.wakes = 0
        self.lookup = FakeLookup()
        self.handlers = GroupHandlers(
            self.groups, self.lookup, self.reconciler.busy, self._wake, self.clock.now
        )
        self.hooks = LifecycleHookHandlers(self.groups, self._wake, self.clock.now)
        self.refreshes = RefreshHandlers(self.groups, self.lookup, self._wake, self.clock.now)
        self.tags = TagHandlers(self.groups)
        self.context = RequestContext(Request("POST", "/"))
        self.context.account_id = ACCOUNT
        self.context.region = REGION

    def _wake(self) -> None:
        self.wakes += 1

    def create(self, desired: int = 3, **extra) -> None:
        request = {
            "AutoScalingGroupName": "web",
            "LaunchTemplate": {"LaunchTemplateName": "web"},
            "MinSize": 0,
            "MaxSize": 10,
            "DesiredCapacity": desired,
            "VPCZoneIdentifier": "subnet-a,subnet-b",
            **extra,
        }
        self.handlers.create_auto_scaling_group(self.context, request)  # type: ignore[arg-type]

    def group(self) -> dict:
        return self.handlers.describe_auto_scaling_groups(self.context, {})["AutoScalingGroups"][0]  # type: ignore[arg-type]

    def members(self) -> list[str]:
        return [i["InstanceId"] for i in self.group()["Instances"]]

    def activities(self) -> list[dict]:
        return self.handlers.describe_scaling_activities(
            self.context,
            {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
        )["Activities"]

    def set_desired(self, desired: int) -> None:
        self.handlers.set_desired_capacity(
            self.context,
            {"AutoScalingGroupName": "web", "DesiredCapacity": desired},  # type: ignore[arg-type]
        )

    def states(self) -> dict[str, str]:
        """Each member's LifecycleState."""
        return {i["InstanceId"]: i["LifecycleState"] for i in self.group()["Instances"]}

    def put_hook(self, name: str, transition: str, **extra) -> None:
        self.hooks.put_lifecycle_hook(
            self.context,
            {  # type: ignore[arg-type]
                "AutoScalingGroupName": "web",
                "LifecycleHookName": name,
                "LifecycleTransition": transition,
                **extra,
            },
        )

    def complete(self, hook: str, result: str, **which) -> None:
        self.hooks.complete_lifecycle_action(
            self.context,
            {  # type: ignore[arg-type]
                "AutoScalingGroupName": "web",
                "LifecycleHookName": hook,
                "LifecycleActionResult": result,
                **which,
            },
        )

    def start_refresh(self, **request) -> str:
        return self.refreshes.start_instance_refresh(
            self.context,
            {"AutoScalingGroupName": "web", **request},  # type: ignore[arg-type]
        )["InstanceRefreshId"]

    def refreshes_described(self, **request) -> list[dict]:
        return self.refreshes.describe_instance_refreshes(
            self.context,
            {"AutoScalingGroupName": "web", **request},  # type: ignore[arg-type]
        )["InstanceRefreshes"]

    def cancel_refresh(self) -> str:
        return self.refreshes.cancel_instance_refresh(
            self.context,
            {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
        )["InstanceRefreshId"]

    def rollback_refresh(self) -> str:
        return self.refreshes.rollback_instance_refresh(
            self.context,
            {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
        )["InstanceRefreshId"]
