"""Instance refresh through the handlers and the reconciler, with the fake launcher and an injected
clock: rolling batches under MinHealthyPercentage, the instance warmup between them, a
DesiredConfiguration, SkipMatching, cancel, failure and the errors AWS gives."""

import pytest

from localstack_ssm_docker.autoscaling.api import (
    ActiveInstanceRefreshNotFoundFault,
    InstanceRefreshInProgressFault,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from tests.unit.autoscaling.service import Service


@pytest.fixture
def service() -> Service:
    return Service()


def progress(service: Service) -> tuple[str, int, int]:
    latest = service.refreshes_described()[0]
    return latest["Status"], latest["PercentageComplete"], latest["InstancesToUpdate"]


def test_a_refresh_replaces_every_member_in_batches_after_the_warmup(service):
    service.create(desired=4)
    service.reconciler.reconcile()
    originals = set(service.members())

    refresh_id = service.start_refresh(
        Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 60}
    )

    (described,) = service.refreshes_described()
    assert described["InstanceRefreshId"] == refresh_id
    assert (described["Status"], described["InstancesToUpdate"]) == ("Pending", 4)
    assert described["Preferences"]["MinHealthyPercentage"] == 50
    assert service.launcher.terminated == []  # the request replaces nothing itself

    service.reconciler.reconcile()  # the first batch: 2 of 4, keeping 50 % healthy
    assert len(service.launcher.terminated) == 2
    assert len(service.members()) == 4
    assert progress(service) == ("InProgress", 0, 4)
    service.reconciler.reconcile()  # the replacements are warming up: no second batch yet
    assert len(service.launcher.terminated) == 2
    assert "is warming up" in service.refreshes_described()[0]["StatusReason"]

    service.clock.advance(60)
    service.reconciler.reconcile()
    assert len(service.launcher.terminated) == 4
    assert progress(service) == ("InProgress", 50, 2)
    service.clock.advance(60)
    service.reconciler.reconcile()

    assert progress(service) == ("Successful", 100, 0)
    assert set(service.launcher.terminated) == originals
    assert not originals & set(service.members()) and len(service.members()) == 4
    assert "EndTime" in service.refreshes_described()[0]
    terminations = [a for a in service.activities() if a["Description"].startswith("Term")]
    assert all("in response to an instance refresh" in a["Cause"] for a in terminations)


def test_a_min_healthy_percentage_of_100_replaces_one_member_at_a_time(service):
    service.create(desired=3)
    service.reconciler.reconcile()
    service.start_refresh(Preferences={"MinHealthyPercentage": 100, "InstanceWarmup": 0})

    counts = []
    for _ in range(4):
        service.reconciler.reconcile()
        counts.append(len(service.launcher.terminated))

    assert counts == [1, 2, 3, 3]
    assert progress(service) == ("Successful", 100, 0)


def test_a_desired_configuration_launches_the_replacements_and_becomes_the_groups(service):
    service.lookup.templates["lt-0fedcba9876543210"] = "web-v2"
    service.create(desired=2)
    service.reconciler.reconcile()

    service.start_refresh(
        DesiredConfiguration={"LaunchTemplate": {"LaunchTemplateName": "web-v2", "Version": "2"}},
        Preferences={"InstanceWarmup": 0},
    )
    for _ in range(3):
        service.reconciler.reconcile()

    replacements = [o for o in service.launcher.orders[2:]]
    assert {o.source.template.template_id for o in replacements} == {"lt-0fedcba9876543210"}
    group = service.group()
    assert group["LaunchTemplate"] == {
        "LaunchTemplateId": "lt-0fedcba9876543210",
        "LaunchTemplateName": "web-v2",
        "Version": "2",
    }
    assert {i["LaunchTemplate"]["LaunchTemplateName"] for i in group["Instances"]} == {"web-v2"}
    described = service.refreshes_described()[0]
    assert described["Status"] == "Successful"
    assert described["DesiredConfiguration"]["LaunchTemplate"]["LaunchTemplateName"] == "web-v2"


def test_skip_matching_leaves_the_members_already_on_the_target(service):
    service.create(desired=2)
    service.reconciler.reconcile()

    service.start_refresh(Preferences={"SkipMatching": True})
    assert progress(service) == ("Pending", 0, 0)
    service.reconciler.reconcile()

    assert progress(service) == ("Successful", 100, 0)
    assert service.launcher.terminated == []


def test_a_second_refresh_while_one_is_active_is_refused(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    first = service.start_refresh()

    with pytest.raises(InstanceRefreshInProgressFault):
        service.start_refresh()
    assert [r["InstanceRefreshId"] for r in service.refreshes_described()] == [first]


def test_a_cancel_stops_the_batches_and_ends_once_the_replacements_are_ready(service):
    service.create(desired=4)
    service.reconciler.reconcile()
    refresh_id = service.start_refresh(
        Preferences={"MinHealthyPercentage": 75, "InstanceWarmup": 30}
    )
    service.reconciler.reconcile()
    assert len(service.launcher.terminated) == 1

    assert service.cancel_refresh() == refresh_id
    assert progress(service)[0] == "Cancelling"
    service.reconciler.reconcile()
    assert progress(service)[0] == "Cancelling"  # its replacement is still warming up
    service.clock.advance(30)
    service.reconciler.reconcile()

    assert progress(service)[0] == "Cancelled"
    assert len(service.launcher.terminated) == 1  # no batch after the cancel
    with pytest.raises(ActiveInstanceRefreshNotFoundFault):
        service.cancel_refresh()


def test_a_pending_refresh_is_cancelled_at_once(service):
    service.create(desired=1)
    service.start_refresh()

    service.cancel_refresh()

    assert progress(service)[0] == "Cancelled"
    service.reconciler.reconcile()
    assert service.launcher.terminated == []


def test_a_cancel_without_a_refresh_is_active_instance_refresh_not_found(service):
    service.create(desired=1)

    with pytest.raises(ActiveInstanceRefreshNotFoundFault, match="No in progress or pending"):
        service.cancel_refresh()


def test_a_refresh_whose_replacements_keep_failing_to_launch_fails(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    service.start_refresh(Preferences={"InstanceWarmup": 0})
    service.launcher.refuse = "Insufficient capacity"

    service.reconciler.reconcile()  # the member goes, its replacement fails
    service.clock.advance(10)
    service.reconciler.reconcile()
    assert progress(service)[0] == "InProgress"
    service.clock.advance(20)
    service.reconciler.reconcile()  # the third failure in a row

    described = service.refreshes_described()[0]
    assert described["Status"] == "Failed"
    assert described["StatusReason"] == "Insufficient capacity"


def test_a_terminating_hook_holds_the_refresh_batch(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    (original,) = service.members()
    service.put_hook("drain", "autoscaling:EC2_INSTANCE_TERMINATING")
    service.start_refresh(Preferences={"InstanceWarmup": 0})

    service.reconciler.reconcile()
    service.reconciler.reconcile()

    assert service.states()[original] == "Terminating:Wait"
    assert service.launcher.terminated == []
    service.complete("drain", "CONTINUE", InstanceId=original)
    service.reconciler.reconcile()
    service.reconciler.reconcile()
    assert service.launcher.terminated == [original]
    assert progress(service) == ("Successful", 100, 0)


@pytest.mark.parametrize(
    ("request_extra", "message"),
    [
        ({"Preferences": {"MinHealthyPercentage": 101}}, "between 0 and 100"),
        ({"Strategy": "ReplaceRootVolume"}, "Strategy ReplaceRootVolume"),
        (
            {"DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateName": "nope"}}},
            "template name nope, does not exist",
        ),
    ],
)
def test_a_bad_refresh_is_refused_and_nothing_is_stored(service, request_extra, message):
    service.create(desired=1)

    with pytest.raises(ValidationError, match=message):
        service.start_refresh(**request_extra)

    assert service.refreshes_described() == []


def test_refreshes_are_described_newest_first_and_by_id(service):
    service.create(desired=0)
    first = service.start_refresh()
    service.reconciler.reconcile()
    second = service.start_refresh()

    assert [r["InstanceRefreshId"] for r in service.refreshes_described()] == [second, first]
    assert [
        r["InstanceRefreshId"] for r in service.refreshes_described(InstanceRefreshIds=[first])
    ] == [first]


def test_suspending_the_instance_refresh_process_pauses_the_refresh(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    service.start_refresh(Preferences={"InstanceWarmup": 0})
    service.handlers.suspend_processes(
        service.context,
        {"AutoScalingGroupName": "web", "ScalingProcesses": ["InstanceRefresh"]},  # type: ignore[arg-type]
    )

    service.reconciler.reconcile()
    assert progress(service)[0] == "Pending" and service.launcher.terminated == []
    service.handlers.resume_processes(
        service.context,
        {"AutoScalingGroupName": "web", "ScalingProcesses": ["InstanceRefresh"]},  # type: ignore[arg-type]
    )
    for _ in range(4):
        service.reconciler.reconcile()

    assert progress(service) == ("Successful", 100, 0)


def test_a_refresh_waits_for_members_still_on_their_launching_hooks(service):
    service.create(desired=0)
    service.put_hook("ready", "autoscaling:EC2_INSTANCE_LAUNCHING")
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()
    service.start_refresh(Preferences={"InstanceWarmup": 0})

    service.reconciler.reconcile()
    assert service.launcher.terminated == []
    service.complete("ready", "CONTINUE", InstanceId=member)
    service.reconciler.reconcile()

    assert service.launcher.terminated == [member]
