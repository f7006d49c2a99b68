"""The provider with PERSISTENCE=1: groups, launch configurations and activities saved when the
service stops come back when it starts, after the instances are recovered."""

import pytest
from localstack.aws.api import RequestContext
from localstack.http import Request
from localstack.services.stores import AccountRegionBundle

from localstack_ssm_docker.autoscaling.provider import AutoScalingProvider
from localstack_ssm_docker.autoscaling.store import AutoScalingStore, Groups
from localstack_ssm_docker.handler_groups import own_dispatch_table
from localstack_ssm_docker.persistence import StateDirectory
from tests.unit.autoscaling.fakes import FakeLauncher, FakeLookup
from tests.unit.ssm.associations.fake_clock import FakeClock


class FakeEc2(FakeLauncher, FakeLookup):
    def __init__(self, clock: FakeClock):
        FakeLauncher.__init__(self, clock)
        FakeLookup.__init__(self)


def provider(
    ec2: FakeEc2, clock: FakeClock, state: StateDirectory, order: list[str]
) -> AutoScalingProvider:
    return AutoScalingProvider(
        ec2,
        interval=3600,
        retry_delay=10,
        before_start=lambda: order.append("instances recovered"),
        state=state,
        groups=Groups(AccountRegionBundle("autoscaling", AutoScalingStore)),
        clock=clock.now,
    )


def context() -> RequestContext:
    request_context = RequestContext(Request("POST", "/"))
    request_context.account_id, request_context.region = "111111111111", "eu-west-1"
    return request_context


def test_groups_saved_at_stop_come_back_at_start(tmp_path):
    clock = FakeClock(1_800_000_000.0)
    ec2 = FakeEc2(clock)
    state = StateDirectory(tmp_path)
    order: list[str] = []
    first = provider(ec2, clock, state, order)
    first.groups.create_auto_scaling_group(
        context(),
        {  # type: ignore[arg-type]
            "AutoScalingGroupName": "kept",
            "LaunchTemplate": {"LaunchTemplateId": "lt-0123456789abcdef0"},
            "MinSize": 1,
            "MaxSize": 3,
            "VPCZoneIdentifier": "subnet-b",
        },
    )
    first.reconciler.reconcile()
    before = first.groups.describe_auto_scaling_groups(context(), {})  # type: ignore[arg-type]
    first.on_before_stop()

    second = provider(ec2, clock, state, order)
    second.on_before_start()
    try:
        after = second.groups.describe_auto_scaling_groups(context(), {})  # type: ignore[arg-type]
        activities = second.groups.describe_scaling_activities(context(), {})  # type: ignore[arg-type]
    finally:
        second.on_before_stop()

    assert order == ["instances recovered"]
    assert after == before
    assert len(after["AutoScalingGroups"][0]["Instances"]) == 1
    assert len(activities["Activities"]) == 1


def test_the_dispatch_table_answers_with_the_groups_and_leaves_the_rest_not_implemented(tmp_path):
    clock = FakeClock(1_800_000_000.0)
    table = own_dispatch_table(provider(FakeEc2(clock), clock, StateDirectory(tmp_path), []))

    table["CreateLaunchConfiguration"](
        context(),
        {  # type: ignore[arg-type]
            "LaunchConfigurationName": "lc",
            "ImageId": "ami-0b5b0b5b0b5b0b5b0",
            "InstanceType": "t3.micro",
        },
    )
    described = table["DescribeLaunchConfigurations"](context(), {})  # type: ignore[arg-type]

    assert [c["LaunchConfigurationName"] for c in described["LaunchConfigurations"]] == ["lc"]
    with pytest.raises(NotImplementedError):
        table["PutScalingPolicy"](
            context(),
            {"AutoScalingGroupName": "g", "PolicyName": "p"},  # type: ignore[arg-type]
        )


def test_hooks_waiting_members_and_refreshes_come_back_after_a_restart(tmp_path):
    clock = FakeClock(1_800_000_000.0)
    ec2 = FakeEc2(clock)
    state = StateDirectory(tmp_path)
    first = provider(ec2, clock, state, [])
    first.groups.create_auto_scaling_group(
        context(),
        {  # type: ignore[arg-type]
            "AutoScalingGroupName": "kept",
            "LaunchTemplate": {"LaunchTemplateId": "lt-0123456789abcdef0"},
            "MinSize": 0,
            "MaxSize": 3,
            "DesiredCapacity": 1,
            "VPCZoneIdentifier": "subnet-b",
            "LifecycleHookSpecificationList": [
                {
                    "LifecycleHookName": "ready",
                    "LifecycleTransition": "autoscaling:EC2_INSTANCE_LAUNCHING",
                }
            ],
        },
    )
    first.reconciler.reconcile()
    first.groups.suspend_processes(  # the refresh stays Pending across the restart
        context(),
        {"AutoScalingGroupName": "kept", "ScalingProcesses": ["InstanceRefresh"]},  # type: ignore[arg-type]
    )
    first.refreshes.start_instance_refresh(context(), {"AutoScalingGroupName": "kept"})  # type: ignore[arg-type]
    first.on_before_stop()

    second = provider(ec2, clock, state, [])
    second.on_before_start()
    try:
        [member] = second.groups.describe_auto_scaling_groups(context(), {})[  # type: ignore[arg-type]
            "AutoScalingGroups"
        ][0]["Instances"]
        second.hooks.complete_lifecycle_action(
            context(),
            {  # type: ignore[arg-type]
                "AutoScalingGroupName": "kept",
                "LifecycleHookName": "ready",
                "InstanceId": member["InstanceId"],
                "LifecycleActionResult": "CONTINUE",
            },
        )
        after = second.groups.describe_auto_scaling_groups(context(), {})  # type: ignore[arg-type]
        refreshes = second.refreshes.describe_instance_refreshes(
            context(),
            {"AutoScalingGroupName": "kept"},  # type: ignore[arg-type]
        )
    finally:
        second.on_before_stop()

    assert member["LifecycleState"] == "Pending:Wait"
    assert after["AutoScalingGroups"][0]["Instances"][0]["LifecycleState"] == "InService"
    assert [r["Status"] for r in refreshes["InstanceRefreshes"]] == ["Pending"]
