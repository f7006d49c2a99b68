"""Lifecycle hooks through the handlers and the reconciler, with the fake launcher and EventBridge
and an injected clock: Pending:Wait and Terminating:Wait, CompleteLifecycleAction, heartbeats,
timeouts and the events AWS sends."""

import json

import pytest

from localstack_ssm_docker.autoscaling.api import LimitExceededFault
from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from tests.unit.autoscaling.service import Service

LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING"
TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING"


@pytest.fixture
def service() -> Service:
    return Service()


def details(service: Service) -> list[dict]:
    return [json.loads(e.detail) for e in service.events.sent]


def test_a_launching_hook_holds_new_members_in_pending_wait_until_each_is_continued(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, NotificationMetadata="web tier")
    service.set_desired(2)

    service.reconciler.reconcile()

    assert set(service.states().values()) == {"Pending:Wait"}
    assert [e.detail_type for e in service.events.sent] == [
        "EC2 Instance-launch Lifecycle Action"
    ] * 2
    group_arn = service.group()["AutoScalingGroupARN"]
    assert all(e.resources == (group_arn,) for e in service.events.sent)
    first, second = details(service)
    assert {first["EC2InstanceId"], second["EC2InstanceId"]} == set(service.members())
    assert first["AutoScalingGroupName"] == "web"
    assert first["LifecycleHookName"] == "ready"
    assert first["LifecycleTransition"] == LAUNCHING
    assert first["NotificationMetadata"] == "web tier"
    assert (first["Origin"], first["Destination"]) == ("EC2", "AutoScalingGroup")
    assert first["LifecycleActionToken"] != second["LifecycleActionToken"]

    service.complete("ready", "CONTINUE", LifecycleActionToken=first["LifecycleActionToken"])
    service.reconciler.reconcile()

    assert service.states() == {
        first["EC2InstanceId"]: "InService",
        second["EC2InstanceId"]: "Pending:Wait",
    }
    service.complete("ready", "CONTINUE", InstanceId=second["EC2InstanceId"])
    assert set(service.states().values()) == {"InService"}
    assert len(service.events.sent) == 2  # each action's event went once
    assert service.launcher.terminated == []


def test_a_member_waits_for_every_launching_hook(service):
    service.create(desired=0)
    service.put_hook("one", LAUNCHING)
    service.put_hook("two", LAUNCHING)
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()

    service.complete("one", "CONTINUE", InstanceId=member)
    assert service.states() == {member: "Pending:Wait"}
    service.complete("two", "CONTINUE", InstanceId=member)

    assert service.states() == {member: "InService"}


def test_an_abandoned_launch_is_terminated_and_replaced(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING)
    service.set_desired(1)
    service.reconciler.reconcile()
    (abandoned,) = service.members()

    service.complete("ready", "ABANDON", InstanceId=abandoned)
    service.reconciler.reconcile()

    assert service.launcher.terminated == [abandoned]
    (replacement,) = service.members()
    assert replacement != abandoned
    assert service.states() == {replacement: "Pending:Wait"}
    termination = next(a for a in service.activities() if a["Description"].startswith("Term"))
    assert "lifecycle action for hook ready was abandoned" in termination["Cause"]


def test_a_terminating_hook_holds_a_scale_in_until_the_action_is_completed(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    launches = len(service.launcher.orders)
    service.put_hook("drain", TERMINATING, NotificationMetadata='{"queue": "jobs"}')
    service.set_desired(1)

    service.reconciler.reconcile()

    waiting = [i for i, s in service.states().items() if s == "Terminating:Wait"]
    assert len(waiting) == 1
    assert service.launcher.terminated == []
    (event,) = service.events.sent
    assert event.detail_type == "EC2 Instance-terminate Lifecycle Action"
    detail = json.loads(event.detail)
    assert detail["EC2InstanceId"] == waiting[0]
    assert detail["LifecycleTransition"] == TERMINATING
    assert detail["NotificationMetadata"] == '{"queue": "jobs"}'
    assert (detail["Origin"], detail["Destination"]) == ("AutoScalingGroup", "EC2")
    service.reconciler.reconcile()  # a waiting member is neither terminated nor replaced
    assert service.launcher.terminated == [] and len(service.launcher.orders) == launches

    service.complete("drain", "ABANDON", LifecycleActionToken=detail["LifecycleActionToken"])
    service.reconciler.reconcile()

    assert service.launcher.terminated == waiting  # terminating: ABANDON terminates it too
    assert len(service.members()) == 1


def test_terminate_instance_in_auto_scaling_group_runs_the_terminating_hooks(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    service.put_hook("drain", TERMINATING)
    (member,) = service.members()

    service.handlers.terminate_instance_in_auto_scaling_group(
        service.context,
        {"InstanceId": member, "ShouldDecrementDesiredCapacity": True},  # type: ignore[arg-type]
    )
    service.reconciler.reconcile()

    assert service.states() == {member: "Terminating:Wait"}
    assert service.group()["DesiredCapacity"] == 0
    service.complete("drain", "CONTINUE", InstanceId=member)
    service.reconciler.reconcile()
    assert service.members() == [] and service.launcher.terminated == [member]


@pytest.mark.parametrize(
    ("default_result", "state_after"), [("CONTINUE", "InService"), ("ABANDON", None)]
)
def test_the_heartbeat_timeout_takes_the_default_result(service, default_result, state_after):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, HeartbeatTimeout=60, DefaultResult=default_result)
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()

    service.clock.advance(59)
    service.reconciler.reconcile()
    assert service.states() == {member: "Pending:Wait"}
    service.clock.advance(1)
    service.reconciler.reconcile()

    assert service.states().get(member) == state_after
    assert (member in service.launcher.terminated) == (state_after is None)


def test_a_heartbeat_moves_the_deadline_a_heartbeat_timeout_on(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, HeartbeatTimeout=60, DefaultResult="CONTINUE")
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()

    service.clock.advance(50)
    service.hooks.record_lifecycle_action_heartbeat(
        service.context,
        {  # type: ignore[arg-type]
            "AutoScalingGroupName": "web",
            "LifecycleHookName": "ready",
            "InstanceId": member,
        },
    )
    service.clock.advance(50)
    service.reconciler.reconcile()
    assert service.states() == {member: "Pending:Wait"}
    service.clock.advance(10)
    service.reconciler.reconcile()

    assert service.states() == {member: "InService"}


def test_heartbeats_never_hold_a_member_past_the_global_timeout(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, HeartbeatTimeout=30, DefaultResult="CONTINUE")
    (hook,) = service.hooks.describe_lifecycle_hooks(
        service.context,
        {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
    )["LifecycleHooks"]
    assert hook["GlobalTimeout"] == 3000  # 100 heartbeat timeouts
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()
    token = json.loads(service.events.sent[0].detail)["LifecycleActionToken"]

    for _ in range(150):  # a heartbeat every 20 s, for 3000 s
        service.clock.advance(20)
        service.reconciler.reconcile()
        if service.states()[member] != "Pending:Wait":
            break
        service.hooks.record_lifecycle_action_heartbeat(
            service.context,
            {  # type: ignore[arg-type]
                "AutoScalingGroupName": "web",
                "LifecycleHookName": "ready",
                "LifecycleActionToken": token,
            },
        )

    assert service.states() == {member: "InService"}
    assert service.clock.now() == 1_800_000_001.0 + 3000  # launched one second after the start


def test_hooks_given_at_creation_hold_the_first_launches(service):
    service.create(
        desired=1,
        LifecycleHookSpecificationList=[
            {
                "LifecycleHookName": "ready",
                "LifecycleTransition": LAUNCHING,
                "HeartbeatTimeout": 300,
            }
        ],
    )

    service.reconciler.reconcile()

    assert set(service.states().values()) == {"Pending:Wait"}
    assert len(service.events.sent) == 1


def test_put_describe_and_delete_lifecycle_hooks(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, HeartbeatTimeout=120, NotificationMetadata="m")
    service.hooks.put_lifecycle_hook(  # an update keeps what it does not name
        service.context,
        {  # type: ignore[arg-type]
            "AutoScalingGroupName": "web",
            "LifecycleHookName": "ready",
            "DefaultResult": "CONTINUE",
        },
    )
    service.put_hook("drain", TERMINATING)

    hooks = service.hooks.describe_lifecycle_hooks(
        service.context,
        {"AutoScalingGroupName": "web", "LifecycleHookNames": ["ready"]},  # type: ignore[arg-type]
    )["LifecycleHooks"]
    assert hooks == [
        {
            "LifecycleHookName": "ready",
            "AutoScalingGroupName": "web",
            "LifecycleTransition": LAUNCHING,
            "HeartbeatTimeout": 120,
            "GlobalTimeout": 12000,
            "DefaultResult": "CONTINUE",
            "NotificationMetadata": "m",
        }
    ]

    service.hooks.delete_lifecycle_hook(
        service.context,
        {"AutoScalingGroupName": "web", "LifecycleHookName": "ready"},  # type: ignore[arg-type]
    )
    left = service.hooks.describe_lifecycle_hooks(
        service.context,
        {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
    )["LifecycleHooks"]
    assert [(h["LifecycleHookName"], h["DefaultResult"]) for h in left] == [("drain", "ABANDON")]
    with pytest.raises(ValidationError, match="No Lifecycle Hook found with name ready"):
        service.hooks.delete_lifecycle_hook(
            service.context,
            {"AutoScalingGroupName": "web", "LifecycleHookName": "ready"},  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("request_extra", "message"),
    [
        ({"LifecycleTransition": "autoscaling:EC2_INSTANCE_REBOOTING"}, "Invalid Lifecycle"),
        ({"LifecycleTransition": LAUNCHING, "HeartbeatTimeout": 10}, "between 30 and 7200"),
        ({"LifecycleTransition": LAUNCHING, "DefaultResult": "RETRY"}, "DefaultResult"),
        ({}, "LifecycleTransition must be specified"),
    ],
)
def test_bad_hooks_are_refused_and_nothing_is_stored(service, request_extra, message):
    service.create(desired=0)

    with pytest.raises(ValidationError, match=message):
        service.hooks.put_lifecycle_hook(
            service.context,
            {"AutoScalingGroupName": "web", "LifecycleHookName": "h", **request_extra},  # type: ignore[arg-type]
        )

    assert (
        service.hooks.describe_lifecycle_hooks(
            service.context,
            {"AutoScalingGroupName": "web"},  # type: ignore[arg-type]
        )["LifecycleHooks"]
        == []
    )


def test_a_hook_on_an_unknown_group_is_refused(service):
    with pytest.raises(ValidationError, match="AutoScalingGroup name not found"):
        service.put_hook("ready", LAUNCHING)


def test_a_group_holds_at_most_fifty_hooks(service):
    service.create(desired=0)
    for n in range(50):
        service.put_hook(f"h{n}", LAUNCHING)

    with pytest.raises(LimitExceededFault):
        service.put_hook("h50", LAUNCHING)
    service.put_hook("h0", TERMINATING)  # an update of one of them is no new hook


def test_completing_an_action_that_is_not_open_is_a_validation_error(service):
    service.create(desired=1)
    service.reconciler.reconcile()
    (member,) = service.members()
    service.put_hook("ready", LAUNCHING)

    with pytest.raises(
        ValidationError, match=f"No active Lifecycle Action found with instance ID {member}"
    ):
        service.complete("ready", "CONTINUE", InstanceId=member)
    with pytest.raises(ValidationError, match="No active Lifecycle Action found with token t-1"):
        service.complete("ready", "CONTINUE", LifecycleActionToken="t-1")
    assert service.states() == {member: "InService"}


def test_a_force_delete_does_not_wait_for_terminating_hooks(service):
    service.create(desired=2)
    service.reconciler.reconcile()
    service.put_hook("drain", TERMINATING)
    service.set_desired(1)
    service.reconciler.reconcile()
    assert "Terminating:Wait" in service.states().values()

    service.handlers.delete_auto_scaling_group(
        service.context,
        {"AutoScalingGroupName": "web", "ForceDelete": True},  # type: ignore[arg-type]
    )
    service.reconciler.reconcile()

    assert len(service.launcher.terminated) == 2
    assert service.groups.all("111111111111", "us-east-1") == []


def test_an_event_bus_that_fails_leaves_the_action_to_its_timeout(service):
    service.create(desired=0)
    service.put_hook("ready", LAUNCHING, HeartbeatTimeout=30, DefaultResult="CONTINUE")
    service.events.refuse = "connection refused"
    service.set_desired(1)

    service.reconciler.reconcile()
    service.events.refuse = None
    service.reconciler.reconcile()

    assert service.events.sent == []  # sent once, not again each pass
    service.clock.advance(30)
    service.reconciler.reconcile()
    assert set(service.states().values()) == {"InService"}


def test_the_grace_period_starts_once_the_launching_hooks_let_the_member_in(service):
    service.create(desired=0, HealthCheckGracePeriod=100)
    service.put_hook("ready", LAUNCHING)
    service.set_desired(1)
    service.reconciler.reconcile()
    (member,) = service.members()
    service.clock.advance(200)
    service.complete("ready", "CONTINUE", InstanceId=member)
    service.launcher.running.discard(member)  # its container exited

    service.clock.advance(99)
    service.reconciler.reconcile()
    assert service.group()["Instances"][0]["HealthStatus"] == "Healthy"
    service.clock.advance(1)
    service.reconciler.reconcile()

    assert service.launcher.terminated == [member]
