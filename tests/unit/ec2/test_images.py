"""CreateImage's records and states: pending until the capture ends, then available or failed;
names held once per account and region; Docker images removed once nothing holds them; records
brought back after a restart."""

import threading
from dataclasses import replace

import pytest
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.image_records import (
    AVAILABLE,
    FAILED,
    PENDING,
    ImageRegistry,
    NameTaken,
    is_valid_name,
    repository_name,
)
from localstack_ssm_docker.ec2.images import INTERRUPTED, ImageService, InvalidName
from localstack_ssm_docker.ec2.models import STOPPED, InstanceRecord
from localstack_ssm_docker.engine.values import IMAGE_OWNER_LABEL
from localstack_ssm_docker.persistence import StateDirectory
from tests.unit.ec2.image_fakes import FakeImageEngine
from tests.unit.fakes import HeldPool

ACCOUNT, REGION = "222222222222", "eu-west-3"
INSTANCE = InstanceRecord(
    instance_id="i-0aaaaaaaaaaaaaaa1",
    ami_id="ami-0b5b0b5b0b5b0b5b0",
    image="localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0",
    container_id="c-1",
    ip_address="172.17.0.5",
    computer_name="i-0aaaaaaaaaaaaaaa1.eu-west-3.compute.internal",
    launched_at=0.0,
)


@pytest.fixture(autouse=True)
def clean_stores():
    models.instance_stores[ACCOUNT][REGION].instances.clear()
    models.put(ACCOUNT, REGION, [INSTANCE])
    backend = ec2_backends[ACCOUNT][REGION]
    before = set(backend.amis)
    yield
    models.instance_stores[ACCOUNT][REGION].instances.clear()
    for ami_id in set(backend.amis) - before:
        backend.amis.pop(ami_id)


def moto_ami(ami_id: str):
    return ec2_backends[ACCOUNT][REGION].amis[ami_id]


def make(engine: FakeImageEngine, pool: HeldPool, **kwargs) -> ImageService:
    return ImageService(
        engine, submit=pool.submit, clock=lambda: "2026-12-03T12:00:00.000Z", **kwargs
    )


def test_image_is_pending_until_its_capture_commits_then_available():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool)
    record = images.create(
        ACCOUNT, REGION, INSTANCE, "golden (v1)", "desc", no_reboot=True, tags={"team": "qa"}
    )
    assert record.state == PENDING
    assert record.reference == f"localstack-ec2/golden-v1:{record.ami_id}"
    assert moto_ami(record.ami_id).state == PENDING
    assert engine.calls == []

    assert pool.run_held() == 1
    assert engine.calls == [
        (
            "commit",
            "c-1",
            record.reference,
            {IMAGE_OWNER_LABEL: f"{ACCOUNT}:{REGION}"},
            True,
        )
    ]
    ami = moto_ami(record.ami_id)
    assert (ami.state, ami.owner_id, ami.name, ami.description) == (
        AVAILABLE,
        ACCOUNT,
        "golden (v1)",
        "desc",
    )
    assert {t["key"]: t["value"] for t in ami.get_tags()} == {"team": "qa"}
    assert ami.source_instance_id == INSTANCE.instance_id
    assert ami.platform_details == "Linux/UNIX"


def test_the_reply_waits_for_a_capture_that_ends_in_time_and_the_image_is_available_by_then():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool, reply_within=30.0)
    record = images.create(ACCOUNT, REGION, INSTANCE, "waited", no_reboot=True)
    seen: dict[str, object] = {}

    def reply() -> None:
        seen["ended"] = images.wait_for_capture(record.ami_id)
        seen["state"] = moto_ami(record.ami_id).state

    waiter = threading.Thread(target=reply)
    waiter.start()
    assert pool.run_held() == 1  # the capture ends on this thread while the reply waits
    waiter.join(10)
    assert seen == {"ended": True, "state": AVAILABLE}


def test_a_failed_capture_ends_the_wait_too():
    engine, pool = FakeImageEngine(), HeldPool()
    engine.fail_commit = True
    images = make(engine, pool, reply_within=30.0)
    record = images.create(ACCOUNT, REGION, INSTANCE, "failing", no_reboot=True)
    pool.run_held()
    assert images.wait_for_capture(record.ami_id) is True
    assert moto_ami(record.ami_id).state == FAILED


def test_a_capture_that_outlasts_the_bound_gets_its_reply_while_still_pending():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool, reply_within=0.01)
    record = images.create(ACCOUNT, REGION, INSTANCE, "slow", no_reboot=True)
    assert images.wait_for_capture(record.ami_id) is False  # the capture is still held
    assert moto_ami(record.ami_id).state == PENDING
    pool.run_held()
    assert moto_ami(record.ami_id).state == AVAILABLE


def test_without_no_reboot_a_running_instance_is_stopped_for_the_commit_and_started_after():
    engine, pool = FakeImageEngine(), HeldPool()
    rebooting_during_commit = []
    engine.on_commit = lambda: rebooting_during_commit.append(
        models.get(ACCOUNT, REGION, INSTANCE.instance_id).rebooting
    )
    make(engine, pool).create(ACCOUNT, REGION, INSTANCE, "rebooted")
    pool.run_held()
    assert [c[0] for c in engine.calls] == ["stop", "commit", "start"]
    assert engine.calls[1][4] is False  # stopped: nothing to pause
    assert rebooting_during_commit == [True]
    assert models.get(ACCOUNT, REGION, INSTANCE.instance_id).rebooting is False


def test_a_stopped_instance_is_captured_without_being_started():
    engine, pool = FakeImageEngine(), HeldPool()
    stopped = replace(INSTANCE, state=STOPPED)
    make(engine, pool).create(ACCOUNT, REGION, stopped, "from-stopped")
    pool.run_held()
    assert [c[0] for c in engine.calls] == ["commit"]


def test_failed_commit_makes_the_image_failed_with_a_reason_and_the_instance_runs_again():
    engine, pool = FakeImageEngine(), HeldPool()
    engine.fail_commit = True
    record = make(engine, pool).create(ACCOUNT, REGION, INSTANCE, "lost")
    pool.run_held()
    ami = moto_ami(record.ami_id)
    assert ami.state == FAILED
    assert ami.state_reason["Code"] == "Server.InternalError"
    assert "No such container" in ami.state_reason["Message"]
    assert [c[0] for c in engine.calls] == ["stop", "commit", "start"]
    assert engine.images == {}


def test_a_name_is_held_by_one_image_of_an_account_and_region():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool)
    first = images.create(ACCOUNT, REGION, INSTANCE, "shared-name")
    with pytest.raises(NameTaken) as taken:
        images.create(ACCOUNT, REGION, INSTANCE, "shared-name")
    assert taken.value.ami_id == first.ami_id
    assert images.deregister(ACCOUNT, REGION, first.ami_id) == first
    assert images.create(ACCOUNT, REGION, INSTANCE, "shared-name").ami_id != first.ami_id


def test_a_malformed_name_is_refused_before_anything_is_made():
    engine, pool = FakeImageEngine(), HeldPool()
    with pytest.raises(InvalidName):
        make(engine, pool).create(ACCOUNT, REGION, INSTANCE, "no|pipes")
    assert pool.run_held() == 0


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("ab", False),
        ("abc", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("web (v2) [x86]/o'k@_-.", True),
        ("tab\tname", False),
        ("semi;colon", False),
    ],
)
def test_aws_rule_for_image_names(name, valid):
    assert is_valid_name(name) is valid


def test_docker_repository_of_an_image_name_is_lower_case_with_dashes():
    assert repository_name("Web Server (v2)") == "web-server-v2"
    assert repository_name("()[]") == "image"


def test_deregistered_image_a_container_holds_goes_at_a_later_sweep():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool)
    record = images.create(ACCOUNT, REGION, INSTANCE, "held", no_reboot=True)
    pool.run_held()
    (image_id,) = engine.images
    engine.held.add(image_id)
    images.deregister(ACCOUNT, REGION, record.ami_id)
    assert engine.images == {image_id: ""}  # untagged, kept
    images.sweep()
    assert engine.images == {image_id: ""}
    engine.held.clear()
    images.sweep()
    assert engine.images == {}
    engine.calls.clear()
    images.sweep()
    assert engine.calls == []  # nothing owed any more


def test_image_deregistered_during_its_capture_is_removed_when_the_capture_ends():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool)
    record = images.create(ACCOUNT, REGION, INSTANCE, "short-lived", no_reboot=True)
    images.deregister(ACCOUNT, REGION, record.ami_id)
    pool.run_held()
    assert engine.images == {}
    assert [c[0] for c in engine.calls] == ["commit", "remove"]


def test_another_accounts_deregister_leaves_the_image_alone():
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool)
    record = images.create(ACCOUNT, REGION, INSTANCE, "mine", no_reboot=True)
    pool.run_held()
    assert images.deregister("333333333333", REGION, record.ami_id) is None
    assert images.deregister(ACCOUNT, "us-east-1", record.ami_id) is None
    assert len(engine.images) == 1


def test_restart_brings_images_back_and_fails_those_whose_capture_was_under_way(tmp_path):
    engine, pool = FakeImageEngine(), HeldPool()
    state = StateDirectory(tmp_path)
    first = make(engine, pool, state=state)
    done = first.create(ACCOUNT, REGION, INSTANCE, "done", no_reboot=True)
    pool.run_held()
    under_way = first.create(ACCOUNT, REGION, INSTANCE, "under-way", no_reboot=True)
    first.shutdown()
    backend = ec2_backends[ACCOUNT][REGION]
    backend.amis.pop(done.ami_id)
    backend.amis.pop(under_way.ami_id)

    registry = ImageRegistry()
    make(engine, HeldPool(), state=state, registry=registry).recover()
    assert moto_ami(done.ami_id).state == AVAILABLE
    assert moto_ami(done.ami_id).owner_id == ACCOUNT
    failed = moto_ami(under_way.ami_id)
    assert (failed.state, failed.state_reason) == (
        FAILED,
        {"Code": INTERRUPTED[0], "Message": INTERRUPTED[1]},
    )
    restored = registry.get(done.ami_id)
    assert restored is not None and restored.image_id == done_image_id(engine)
    with pytest.raises(NameTaken):  # the restored image holds its name again
        registry.claim(replace(restored, ami_id="ami-0ffffffffffffffff"))


def done_image_id(engine: FakeImageEngine) -> str:
    (image_id,) = engine.images
    return image_id


def test_an_available_image_never_becomes_failed():
    registry = ImageRegistry()
    engine, pool = FakeImageEngine(), HeldPool()
    images = make(engine, pool, registry=registry)
    record = images.create(ACCOUNT, REGION, INSTANCE, "once", no_reboot=True)
    pool.run_held()
    assert registry.finish(record.ami_id, reason=("Server.InternalError", "late")) is None
    assert registry.get(record.ami_id).state == AVAILABLE


def test_new_description_is_shown_and_kept_after_a_restart(tmp_path):
    engine, pool = FakeImageEngine(), HeldPool()
    state = StateDirectory(tmp_path)
    first = make(engine, pool, state=state)
    record = first.create(ACCOUNT, REGION, INSTANCE, "described", description="old")
    pool.run_held()
    first.describe("333333333333", REGION, record.ami_id, "not theirs")
    first.describe(ACCOUNT, REGION, record.ami_id, "Debian with the hello service")
    assert moto_ami(record.ami_id).description == "Debian with the hello service"
    first.shutdown()
    ec2_backends[ACCOUNT][REGION].amis.pop(record.ami_id)

    make(engine, HeldPool(), state=state).recover()
    assert moto_ami(record.ami_id).description == "Debian with the hello service"
