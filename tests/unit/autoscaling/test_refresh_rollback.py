"""Instance refresh rollback (RollbackInstanceRefresh and AutoRollback) and MaxHealthyPercentage
above 100, through the handlers and the reconciler with the fake launcher and an injected clock."""

import pytest

from localstack_ssm_docker.autoscaling.api import (
    ActiveInstanceRefreshNotFoundFault,
    IrreversibleInstanceRefreshFault,
)
from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from tests.unit.autoscaling.service import Service

V1 = {"LaunchTemplateName": "web", "Version": "1"}
V2 = {"DesiredConfiguration": {"LaunchTemplate": {"LaunchTemplateName": "web-v2", "Version": "2"}}}


@pytest.fixture
def service() -> Service:
    service = Service()
    service.lookup.templates["lt-0fedcba9876543210"] = "web-v2"
    return service


def versions(service: Service) -> dict[str, str]:
    """Each member's launch template name."""
    return {
        i["InstanceId"]: i["LaunchTemplate"]["LaunchTemplateName"]
        for i in service.group()["Instances"]
    }


def test_a_rollback_replaces_the_members_launched_from_the_target_with_the_groups_own(service):
    service.create(desired=2, LaunchTemplate=V1)
    service.reconciler.reconcile()
    first, second = sorted(service.members())
    refresh_id = service.start_refresh(
        Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 0}, **V2
    )
    service.reconciler.reconcile()  # the first batch: one member, replaced from web-v2
    (new,) = [i for i, name in versions(service).items() if name == "web-v2"]
    before = service.refreshes_described()[0]

    assert service.rollback_refresh() == refresh_id

    described = service.refreshes_described()[0]
    assert described["Status"] == "RollbackInProgress"
    details = described["RollbackDetails"]
    assert details["RollbackReason"] == "Rollback initiated by user."
    assert details["PercentageCompleteOnRollback"] == before["PercentageComplete"]
    assert details["InstancesToUpdateOnRollback"] == before["InstancesToUpdate"]
    assert "RollbackStartTime" in details
    for _ in range(3):
        service.reconciler.reconcile()

    described = service.refreshes_described()[0]
    assert (described["Status"], described["PercentageComplete"]) == ("RollbackSuccessful", 100)
    assert set(versions(service).values()) == {"web"}
    assert second in service.members()  # never replaced, never touched by the rollback
    assert service.launcher.terminated == [first, new]
    assert service.group()["LaunchTemplate"]["LaunchTemplateName"] == "web"
    with pytest.raises(ActiveInstanceRefreshNotFoundFault):
        service.rollback_refresh()


@pytest.mark.parametrize(
    ("group_template", "desired", "reason"),
    [
        (V1, {}, "no desired configuration was specified"),
        ({"LaunchTemplateName": "web"}, V2, "launch template's $Default version"),
        ({"LaunchTemplateName": "web", "Version": "$Latest"}, V2, "$Latest version"),
    ],
)
def test_a_refresh_that_cannot_roll_back_is_irreversible_and_goes_on(
    service, group_template, desired, reason
):
    service.create(desired=1, LaunchTemplate=group_template)
    service.start_refresh(**desired)

    with pytest.raises(IrreversibleInstanceRefreshFault) as refused:
        service.rollback_refresh()

    assert reason in refused.value.message
    assert service.refreshes_described()[0]["Status"] == "Pending"


def test_a_rollback_without_an_active_refresh_is_active_instance_refresh_not_found(service):
    service.create(desired=1, LaunchTemplate=V1)

    with pytest.raises(ActiveInstanceRefreshNotFoundFault, match="No in progress or pending"):
        service.rollback_refresh()


def test_auto_rollback_rolls_back_a_refresh_whose_replacements_keep_failing(service):
    service.create(desired=2, LaunchTemplate=V1)
    service.reconciler.reconcile()
    service.start_refresh(
        Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 0, "AutoRollback": True}, **V2
    )
    service.reconciler.reconcile()  # the first member replaced from web-v2
    service.launcher.refuse = "Insufficient capacity"
    service.reconciler.reconcile()  # the second goes, its replacement fails
    for delay in (10, 20):
        service.clock.advance(delay)
        service.reconciler.reconcile()  # the third failure in a row ends the refresh

    described = service.refreshes_described()[0]
    assert described["Status"] == "RollbackInProgress"
    assert described["Preferences"]["AutoRollback"] is True
    assert "Insufficient capacity" in described["RollbackDetails"]["RollbackReason"]
    service.launcher.refuse = None  # no back-off left: the group's own source launches at once
    for _ in range(3):
        service.reconciler.reconcile()

    assert service.refreshes_described()[0]["Status"] == "RollbackSuccessful"
    assert set(versions(service).values()) == {"web"} and len(service.members()) == 2


def test_a_rollback_whose_launches_keep_failing_is_rollback_failed(service):
    service.create(desired=1, LaunchTemplate=V1)
    service.reconciler.reconcile()
    service.start_refresh(Preferences={"InstanceWarmup": 0}, **V2)
    service.reconciler.reconcile()  # replaced from web-v2
    service.rollback_refresh()
    service.launcher.refuse = "Insufficient capacity"
    service.reconciler.reconcile()
    for delay in (10, 20):
        service.clock.advance(delay)
        service.reconciler.reconcile()

    described = service.refreshes_described()[0]
    assert (described["Status"], described["StatusReason"]) == (
        "RollbackFailed",
        "Insufficient capacity",
    )


@pytest.mark.parametrize(
    ("group_template", "request_extra", "message"),
    [
        (V1, {}, "when the DesiredConfiguration parameter is empty"),
        ({"LaunchTemplateName": "web"}, V2, "$Default version"),
    ],
)
def test_auto_rollback_on_a_refresh_that_could_not_roll_back_is_refused(
    service, group_template, request_extra, message
):
    service.create(desired=1, LaunchTemplate=group_template)

    with pytest.raises(ValidationError) as refused:
        service.start_refresh(Preferences={"AutoRollback": True}, **request_extra)

    assert message in refused.value.message
    assert service.refreshes_described() == []


def test_max_healthy_above_100_launches_the_replacements_before_terminating(service):
    service.create(desired=2, LaunchTemplate=V1)
    service.reconciler.reconcile()
    originals = set(service.members())
    service.start_refresh(
        Preferences={
            "MinHealthyPercentage": 100,
            "MaxHealthyPercentage": 200,
            "InstanceWarmup": 30,
        },
        **V2,
    )

    service.reconciler.reconcile()  # both replacements launch, nothing goes yet
    assert len(service.members()) == 4 and service.launcher.terminated == []
    assert service.refreshes_described()[0]["Preferences"]["MaxHealthyPercentage"] == 200
    service.reconciler.reconcile()  # they are warming up: the old members stay
    assert service.launcher.terminated == []
    service.clock.advance(30)
    service.reconciler.reconcile()  # warm: the old members go, none replaces them
    assert set(service.launcher.terminated) == originals and len(service.members()) == 2
    service.reconciler.reconcile()

    described = service.refreshes_described()[0]
    assert (described["Status"], described["PercentageComplete"]) == ("Successful", 100)
    assert set(versions(service).values()) == {"web-v2"}


def test_max_healthy_keeps_the_group_within_both_percentages(service):
    service.create(desired=4, LaunchTemplate=V1)
    service.reconciler.reconcile()
    service.start_refresh(
        Preferences={"MinHealthyPercentage": 50, "MaxHealthyPercentage": 150, "InstanceWarmup": 0},
        **V2,
    )

    service.reconciler.reconcile()  # 2 of 4 go (50 % stay healthy), 4 launch (150 % in all)
    assert len(service.launcher.terminated) == 2 and len(service.members()) == 6
    service.reconciler.reconcile()  # the last 2 go, nothing launches
    assert len(service.launcher.terminated) == 4 and len(service.members()) == 4
    service.reconciler.reconcile()
    assert service.refreshes_described()[0]["Status"] == "Successful"


@pytest.mark.parametrize(
    ("preferences", "message"),
    [
        ({"MinHealthyPercentage": 90, "MaxHealthyPercentage": 201}, "between 100 and 200"),
        ({"MinHealthyPercentage": 90, "MaxHealthyPercentage": 99}, "between 100 and 200"),
        ({"MaxHealthyPercentage": 150}, "MinHealthyPercentage must be specified"),
        ({"MinHealthyPercentage": 40, "MaxHealthyPercentage": 150}, "cannot be greater than 100"),
    ],
)
def test_a_bad_max_healthy_percentage_is_refused_and_starts_nothing(service, preferences, message):
    service.create(desired=1, LaunchTemplate=V1)

    with pytest.raises(ValidationError, match=message):
        service.start_refresh(Preferences=preferences)

    assert service.refreshes_described() == []


def test_auto_rollback_of_a_group_moved_to_latest_since_the_start_fails_the_refresh(service):
    service.create(desired=1, LaunchTemplate=V1)
    service.reconciler.reconcile()
    service.start_refresh(Preferences={"InstanceWarmup": 0, "AutoRollback": True}, **V2)
    service.handlers.update_auto_scaling_group(
        service.context,
        {
            "AutoScalingGroupName": "web",
            "LaunchTemplate": {"LaunchTemplateName": "web", "Version": "$Latest"},
        },  # type: ignore[arg-type]
    )
    service.launcher.refuse = "Insufficient capacity"
    service.reconciler.reconcile()
    for delay in (10, 20):
        service.clock.advance(delay)
        service.reconciler.reconcile()

    described = service.refreshes_described()[0]
    assert (described["Status"], described["StatusReason"]) == ("Failed", "Insufficient capacity")
    assert "RollbackDetails" not in described
