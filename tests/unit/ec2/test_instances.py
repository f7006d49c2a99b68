import pytest

from localstack_ssm_docker.ec2.amis import require_ami
from localstack_ssm_docker.ec2.exceptions import InvalidAmiIdMalformed, InvalidAmiIdNotFound
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.engine.errors import (
    EngineError,
    NetworkGone,
)
from localstack_ssm_docker.engine.values import (
    AmiImage,
    ContainerFacts,
    ContainerSpec,
)
from tests.unit.fakes import FakeEngine

AMI = AmiImage("ami-0b5b0b5b", "busybox", "localstack-ec2/busybox:ami-0b5b0b5b", "0")
ACCOUNT, REGION = "111111111111", "eu-central-1"


@pytest.fixture(autouse=True)
def clean_store():
    instance_stores[ACCOUNT][REGION].instances.clear()
    yield
    instance_stores[ACCOUNT][REGION].instances.clear()


def test_launch_records_each_instance_with_its_container():
    engine = FakeEngine()
    records = InstanceManager(engine).launch(ACCOUNT, REGION, ["i-11111111", "i-22222222"], AMI)
    assert [r.container_id for r in records] == [
        "localstack-ec2.i-11111111",
        "localstack-ec2.i-22222222",
    ]
    assert records[0].computer_name == "i-11111111.eu-central-1.compute.internal"
    assert set(instance_stores[ACCOUNT][REGION].instances) == {"i-11111111", "i-22222222"}


def test_failed_launch_leaves_no_container_and_no_record():
    engine = FakeEngine(fail_on="i-33333333")
    with pytest.raises(EngineError):
        InstanceManager(engine).launch(ACCOUNT, REGION, ["i-11111111", "i-33333333"], AMI)
    assert engine.containers == {}
    assert instance_stores[ACCOUNT][REGION].instances == {}


def test_stop_start_and_terminate_follow_the_instance():
    engine = FakeEngine()
    manager = InstanceManager(engine)
    manager.launch(ACCOUNT, REGION, ["i-11111111"], AMI)
    container = instance_stores[ACCOUNT][REGION].instances["i-11111111"].container_id
    manager.stop(ACCOUNT, REGION, ["i-11111111"])
    record = instance_stores[ACCOUNT][REGION].instances["i-11111111"]
    assert (record.state, engine.containers[container]) == ("stopped", "exited")
    manager.start(ACCOUNT, REGION, ["i-11111111"])
    record = instance_stores[ACCOUNT][REGION].instances["i-11111111"]
    assert (record.state, engine.containers[container]) == ("running", "running")
    manager.terminate(ACCOUNT, REGION, ["i-11111111"])
    assert engine.containers == {}
    assert instance_stores[ACCOUNT][REGION].instances == {}


def test_shutdown_removes_containers_unless_told_to_keep_them():
    kept = FakeEngine()
    InstanceManager(kept, remove_containers_on_shutdown=False).launch(
        ACCOUNT, REGION, ["i-11111111"], AMI
    )
    InstanceManager(kept, remove_containers_on_shutdown=False).shutdown()
    assert len(kept.containers) == 1
    removed = FakeEngine()
    manager = InstanceManager(removed)
    manager.launch(ACCOUNT, REGION, ["i-22222222"], AMI)
    manager.shutdown()
    assert removed.containers == {}


def test_require_ami():
    assert require_ami({AMI.ami_id: AMI}, AMI.ami_id) is AMI
    with pytest.raises(InvalidAmiIdNotFound):
        require_ami({}, "ami-12345678")
    with pytest.raises(InvalidAmiIdMalformed):
        require_ami({}, "img-12345678")


def test_user_data_scripts_start_in_every_new_container():
    engine = FakeEngine()
    InstanceManager(engine).launch(
        ACCOUNT, REGION, ["i-11111111", "i-22222222"], AMI, "#!/bin/sh\necho hi\n"
    )
    assert sorted(engine.detached) == [
        ("localstack-ec2.i-11111111", ["#!/bin/sh\necho hi\n"], "/var/log/cloud-init-output.log"),
        ("localstack-ec2.i-22222222", ["#!/bin/sh\necho hi\n"], "/var/log/cloud-init-output.log"),
    ]


def test_reboot_happens_in_the_background_and_the_instance_is_rebooting_meanwhile():
    engine = FakeEngine()
    manager = InstanceManager(engine)
    manager.launch(ACCOUNT, REGION, ["i-11111111"], AMI)
    engine.reboot_gate.clear()
    manager.reboot(ACCOUNT, REGION, ["i-11111111"])
    assert instance_stores[ACCOUNT][REGION].instances["i-11111111"].rebooting
    engine.reboot_gate.set()
    assert engine.restarted.wait(10)
    manager.shutdown()  # waits for reboots under way
    assert not instance_stores[ACCOUNT][REGION].instances["i-11111111"].rebooting


def test_persistence_keeps_instances_and_their_containers_across_a_restart(tmp_path):
    from localstack_ssm_docker.persistence import StateDirectory

    engine = FakeEngine()
    state = StateDirectory(tmp_path)
    first = InstanceManager(engine, state=state)
    first.recover()
    first.launch(ACCOUNT, REGION, ["i-11111111", "i-22222222"], AMI)
    first.stop(ACCOUNT, REGION, ["i-22222222"])
    first.shutdown()
    assert len(engine.containers) == 2  # kept for the next run
    engine.containers["orphan"] = "running"
    engine.containers["localstack-ec2.i-11111111"] = "exited"  # the engine restarted meanwhile
    instance_stores[ACCOUNT][REGION].instances.clear()

    second = InstanceManager(engine, state=state)
    second.recover()
    restored = instance_stores[ACCOUNT][REGION].instances
    assert {i: r.state for i, r in restored.items()} == {
        "i-11111111": "running",
        "i-22222222": "stopped",
    }
    assert engine.containers == {
        "localstack-ec2.i-11111111": "running",
        "localstack-ec2.i-22222222": "exited",
    }


def test_without_persistence_a_start_removes_what_an_earlier_run_left(tmp_path):
    engine = FakeEngine()
    engine.containers["left-behind"] = "running"
    InstanceManager(engine, remove_containers_on_shutdown=False).recover()
    assert "left-behind" in engine.containers
    InstanceManager(engine).recover()
    assert engine.containers == {}


class SharedNetworkRemovedOnce(FakeEngine):
    """An engine on which another LocalStack removes the shared network between this one's
    check of it and the container's start, once."""

    def __init__(self) -> None:
        super().__init__()
        self.launched_on: list[tuple[str, ...]] = []

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        self.launched_on.append(spec.networks)
        if spec.networks == ("metadata-before",):
            raise NetworkGone("network metadata-before is gone")
        return super().launch(spec)


def test_a_launch_that_finds_the_shared_network_gone_makes_it_again_and_launches():
    engine = SharedNetworkRemovedOnce()
    restores: list[bool] = []

    def launch_extras(region: str, restore: bool = False):
        restores.append(restore)
        return ("metadata-again",) if restore else ("metadata-before",), {}

    manager = InstanceManager(engine, launch_extras=launch_extras)
    (record,) = manager.launch(ACCOUNT, REGION, ["i-11111111"], AMI)
    assert engine.launched_on == [("metadata-before",), ("metadata-again",)]
    assert restores == [False, True]
    assert engine.containers == {record.container_id: "running"}


def test_a_launch_of_many_instances_asks_for_the_networks_once_and_puts_each_on_them():
    engine = SharedNetworkRemovedOnce()
    asked: list[str] = []

    def launch_extras(region: str, restore: bool = False):
        asked.append(region)
        return ("metadata-again",), {"AWS_REGION": region}

    ids = [f"i-{n:08d}" for n in range(20)]
    InstanceManager(engine, launch_extras=launch_extras).launch(ACCOUNT, REGION, ids, AMI)
    assert asked == [REGION]
    assert engine.launched_on == [("metadata-again",)] * 20


class SpecRecordingEngine(FakeEngine):
    """Keeps the spec of each container it launches."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: list[ContainerSpec] = []

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        self.specs.append(spec)
        return super().launch(spec)


def test_an_images_boot_hook_goes_to_its_containers_and_the_key_pair_to_the_records():
    engine = SpecRecordingEngine()
    ami = AmiImage(
        "ami-0d3b1a2c", "debian", "localstack-ec2/debian:ami-0d3b1a2c", "0", boot_hook="/sbin/boot"
    )
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk9 deploy"
    records = InstanceManager(engine).launch(
        ACCOUNT, REGION, ["i-11111111"], ami, "#!/bin/sh\necho hi", key
    )
    assert [s.boot_hook for s in engine.specs] == ["/sbin/boot"]
    assert records[0].public_key == key
    assert engine.detached == [
        ("localstack-ec2.i-11111111", ["#!/bin/sh\necho hi"], "/var/log/cloud-init-output.log")
    ]


def test_an_image_without_a_boot_hook_boots_as_before_and_no_key_pair_means_no_key():
    engine = SpecRecordingEngine()
    records = InstanceManager(engine).launch(ACCOUNT, REGION, ["i-11111111"], AMI)
    assert [s.boot_hook for s in engine.specs] == [""]
    assert records[0].public_key is None


def test_each_instance_of_a_launch_gets_the_resolver_asked_for_once():
    engine = SpecRecordingEngine()
    asked: list[bool] = []

    def resolver() -> str | None:
        asked.append(True)
        return "169.254.169.253"

    ids = ["i-11111111", "i-22222222"]
    InstanceManager(engine, resolver=resolver).launch(ACCOUNT, REGION, ids, AMI)
    assert asked == [True]
    assert [s.resolver for s in engine.specs] == ["169.254.169.253"] * 2


def test_without_a_resolver_instances_keep_the_engines_name_servers():
    engine = SpecRecordingEngine()
    InstanceManager(engine).launch(ACCOUNT, REGION, ["i-11111111"], AMI)
    assert [s.resolver for s in engine.specs] == [None]
