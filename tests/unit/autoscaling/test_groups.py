"""The reconciler with the group handlers in front of it, a fake launcher and an injected clock:
scale out and in, termination policies, replacement of unhealthy members, back-off."""

import json

import pytest

from localstack_ssm_docker.autoscaling.api import (
    AlreadyExistsFault,
    ResourceInUseFault,
    ScalingActivityInProgressFault,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from localstack_ssm_docker.autoscaling.reconciler import GROUP_NAME_TAG
from tests.unit.autoscaling.fakes import FakeLauncher
from tests.unit.autoscaling.service import Service


@pytest.fixture
def service() -> Service:
    return Service()


def test_a_new_group_launches_its_desired_capacity_balanced_over_zones(service):
    service.create(desired=3, Tags=[{"Key": "team", "Value": "a", "PropagateAtLaunch": True}])
    assert service.members() == []  # the request launches nothing itself

    service.reconciler.reconcile()

    group = service.group()
    assert len(group["Instances"]) == 3
    assert {i["LifecycleState"] for i in group["Instances"]} == {"InService"}
    assert {i["HealthStatus"] for i in group["Instances"]} == {"Healthy"}
    zones = sorted(i["AvailabilityZone"] for i in group["Instances"])
    assert zones == ["us-east-1a", "us-east-1a", "us-east-1b"]
    assert {o.placement.subnet_id for o in service.launcher.orders} == {"subnet-a", "subnet-b"}
    assert all(o.tags == ((GROUP_NAME_TAG, "web"), ("team", "a")) for o in service.launcher.orders)
    launches = service.activities()
    assert len(launches) == 3
    assert all(a["StatusCode"] == "Successful" for a in launches)
    assert all(a["Description"].startswith("Launching a new EC2 instance: i-") for a in launches)
    assert "a user request created an AutoScalingGroup" in launches[0]["Cause"]
    assert json.loads(launches[0]["Details"])["Subnet ID"] in {"subnet-a", "subnet-b"}


def test_scaling_out_and_in_follows_the_desired_capacity(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    service.set_desired(5)
    service.reconciler.reconcile()
    assert len(service.members()) == 5

    service.set_desired(1)
    service.reconciler.reconcile()

    assert len(service.members()) == 1
    assert len(service.launcher.terminated) == 4
    assert service.launcher.running == set(service.members())
    terminations = [a for a in service.activities() if a["Description"].startswith("Terminating")]
    assert len(terminations) == 4
    assert "shrinking the capacity" in terminations[0]["Cause"]


@pytest.mark.parametrize(
    ("policy", "kept"), [("OldestInstance", "newest"), ("NewestInstance", "oldest")]
)
def test_termination_policies_choose_the_oldest_or_the_newest(service, policy, kept):
    service.create(desired=1, TerminationPolicies=[policy], VPCZoneIdentifier="subnet-a")
    service.reconciler.reconcile()
    oldest = service.members()[0]
    service.set_desired(2)
    service.reconciler.reconcile()
    newest = next(i for i in service.members() if i != oldest)

    service.set_desired(1)
    service.reconciler.reconcile()

    assert service.members() == [newest if kept == "newest" else oldest]


def test_the_default_policy_keeps_the_zones_balanced(service):
    service.create(desired=4)
    service.reconciler.reconcile()

    service.set_desired(2)
    service.reconciler.reconcile()

    zones = sorted(i["AvailabilityZone"] for i in service.group()["Instances"])
    assert zones == ["us-east-1a", "us-east-1b"]


def test_a_member_whose_instance_died_is_replaced(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    dead = service.members()[0]
    service.launcher.running.discard(dead)  # its container exited

    service.reconciler.reconcile()

    members = service.members()
    assert dead not in members
    assert len(members) == 2
    assert set(members) <= service.launcher.running
    terminated = next(a for a in service.activities() if dead in a["Description"])
    assert "EC2 health check" in terminated["Cause"]


def test_the_grace_period_delays_the_health_check(service):
    service.create(desired=1, HealthCheckGracePeriod=300)
    service.reconciler.reconcile()
    dead = service.members()[0]
    service.launcher.running.discard(dead)

    service.reconciler.reconcile()
    assert service.members() == [dead]
    assert service.group()["Instances"][0]["HealthStatus"] == "Healthy"

    service.clock.advance(300)
    service.reconciler.reconcile()
    assert dead not in service.members()
    assert len(service.members()) == 1


def test_set_instance_health_unhealthy_replaces_the_member(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    member = service.members()[0]

    service.handlers.set_instance_health(
        service.context,
        {"InstanceId": member, "HealthStatus": "Unhealthy"},  # type: ignore[arg-type]
    )
    assert service.group()["Instances"][0]["HealthStatus"] == "Unhealthy"
    service.reconciler.reconcile()

    assert member in service.launcher.terminated
    assert len(service.members()) == 1 and service.members()[0] != member


def test_terminate_in_group_with_and_without_decrement(service):
    service.create(desired=3, MinSize=1)
    service.reconciler.reconcile()
    first, second, _ = service.members()

    answer = service.handlers.terminate_instance_in_auto_scaling_group(
        service.context,
        {"InstanceId": first, "ShouldDecrementDesiredCapacity": False},  # type: ignore[arg-type]
    )
    assert answer["Activity"]["StatusCode"] == "InProgress"
    service.reconciler.reconcile()
    assert first not in service.members() and len(service.members()) == 3

    service.handlers.terminate_instance_in_auto_scaling_group(
        service.context,
        {"InstanceId": second, "ShouldDecrementDesiredCapacity": True},  # type: ignore[arg-type]
    )
    service.reconciler.reconcile()
    assert second not in service.members() and len(service.members()) == 2
    assert service.group()["DesiredCapacity"] == 2


def test_terminate_with_decrement_below_the_minimum_is_refused(service):
    service.create(desired=1, MinSize=1)
    service.reconciler.reconcile()
    member = service.members()[0]

    with pytest.raises(ValidationError, match="min size constraint"):
        service.handlers.terminate_instance_in_auto_scaling_group(
            service.context,
            {"InstanceId": member, "ShouldDecrementDesiredCapacity": True},  # type: ignore[arg-type]
        )
    service.reconciler.reconcile()
    assert service.members() == [member]
    assert service.launcher.terminated == []


def test_failed_launches_back_off_and_recover(service):
    service.launcher.refuse = "The image id '[ami-0000000000000000f]' does not exist"
    service.create(desired=2)

    service.reconciler.reconcile()
    service.reconciler.reconcile()  # within the back-off: no second try
    assert len(service.launcher.orders) == 1
    failed = service.activities()
    assert [a["StatusCode"] for a in failed] == ["Failed"]
    assert failed[0]["StatusMessage"] == service.launcher.refuse
    assert "Launching EC2 instance failed" in failed[0]["Description"]

    service.clock.advance(10)
    service.reconciler.reconcile()
    assert len(service.launcher.orders) == 2
    service.clock.advance(10)  # the delay doubled to 20 s
    service.reconciler.reconcile()
    assert len(service.launcher.orders) == 2

    service.launcher.refuse = None
    service.clock.advance(10)
    service.reconciler.reconcile()
    assert len(service.members()) == 2


def test_suspended_launch_and_terminate_hold_the_capacity(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    service.handlers.suspend_processes(
        service.context,
        {"AutoScalingGroupName": "web", "ScalingProcesses": ["Launch", "Terminate"]},  # type: ignore[arg-type]
    )
    service.set_desired(4)
    service.reconciler.reconcile()
    assert len(service.members()) == 2
    suspended = [p["ProcessName"] for p in service.group()["SuspendedProcesses"]]
    assert suspended == ["Launch", "Terminate"]

    service.handlers.resume_processes(
        service.context,
        {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
    )
    service.reconciler.reconcile()
    assert len(service.members()) == 4


def test_force_delete_terminates_the_members_then_the_group_goes(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    members = service.members()

    service.handlers.delete_auto_scaling_group(
        service.context,
        {"AutoScalingGroupName": "web", "ForceDelete": True},  # type: ignore[arg-type]
    )
    assert service.group()["Status"] == "Delete in progress"
    service.reconciler.reconcile()

    assert sorted(service.launcher.terminated) == sorted(members)
    assert (
        service.handlers.describe_auto_scaling_groups(service.context, {})[  # type: ignore[arg-type]
            "AutoScalingGroups"
        ]
        == []
    )


def test_a_launch_that_ends_after_the_group_was_deleted_is_terminated_again(service):
    service.create(desired=1)

    def delete_meanwhile(account_id, region, order):
        launched = FakeLauncher.launch(service.launcher, account_id, region, order)
        service.handlers.delete_auto_scaling_group(
            service.context,
            {"AutoScalingGroupName": "web", "ForceDelete": True},  # type: ignore[arg-type]
        )
        return launched

    service.launcher.launch = delete_meanwhile  # type: ignore[method-assign]
    service.reconciler.reconcile()

    assert service.launcher.running == set()


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"MinSize": 3, "MaxSize": 1},
            "Max bound, 1, must be greater than or equal to min bound, 3",
        ),
        (
            {"MinSize": 1, "MaxSize": 2, "DesiredCapacity": 3},
            "Desired capacity:3 must be between the specified min size:1 and max size:2",
        ),
        (
            {"LaunchTemplate": {"LaunchTemplateId": "lt-0000000000000000f"}},
            "You must use a valid fully-formed launch template. The specified launch template, "
            "with template ID lt-0000000000000000f, does not exist.",
        ),
        ({"VPCZoneIdentifier": "subnet-a,subnet-x"}, "The subnet ID 'subnet-x' does not exist"),
        (
            {"VPCZoneIdentifier": None},
            "At least one Availability Zone or VPC Subnet is required.",
        ),
    ],
)
def test_refused_groups_are_not_stored_and_launch_nothing(service, request_, message):
    extra = {k: v for k, v in request_.items() if k not in ("MinSize", "MaxSize")}
    bounds = {k: v for k, v in request_.items() if k in ("MinSize", "MaxSize")}
    if "MinSize" in bounds and "DesiredCapacity" not in extra:
        extra["DesiredCapacity"] = bounds["MinSize"]
    with pytest.raises(ValidationError) as refused:
        service.create(**{**extra, **bounds})
    assert refused.value.message == message

    service.reconciler.reconcile()
    assert (
        service.handlers.describe_auto_scaling_groups(service.context, {})[  # type: ignore[arg-type]
            "AutoScalingGroups"
        ]
        == []
    )
    assert service.launcher.orders == []


def test_a_second_group_of_the_same_name_is_already_exists(service):
    service.create(desired=1)

    with pytest.raises(AlreadyExistsFault):
        service.create(desired=2)
    service.reconciler.reconcile()
    assert len(service.members()) == 1


def test_delete_without_force_refuses_a_group_with_members(service):
    service.create(desired=1)
    service.reconciler.reconcile()

    with pytest.raises(ResourceInUseFault):
        service.handlers.delete_auto_scaling_group(
            service.context,
            {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
        )
    service.reconciler.reconcile()
    assert len(service.members()) == 1 and service.launcher.terminated == []


def test_delete_without_force_during_a_launch_is_scaling_activity_in_progress(service):
    service.create(desired=1)
    refusals = []

    def delete_meanwhile(account_id, region, order):
        try:
            service.handlers.delete_auto_scaling_group(
                service.context,
                {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
            )
        except ScalingActivityInProgressFault as e:
            refusals.append(e)
        return FakeLauncher.launch(service.launcher, account_id, region, order)

    service.launcher.launch = delete_meanwhile  # type: ignore[method-assign]
    service.reconciler.reconcile()

    assert len(refusals) == 1
    assert len(service.members()) == 1
