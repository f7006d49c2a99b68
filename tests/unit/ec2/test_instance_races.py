"""Engine failures and interleavings around the instance records, driven by fakes of our engine
that fail or block on cue."""

import threading

import pytest
from localstack.aws.api.ec2 import RunInstancesRequest

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.exceptions import InstanceLimitExceeded
from localstack_ssm_docker.ec2.instances import InstanceManager, ShuttingDown
from localstack_ssm_docker.ec2.limits import InstanceSlots
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.values import AmiImage
from tests.unit.ec2.engine_fakes import BlockingEngine, FailingEngine
from tests.unit.fakes import FakeEngine

AMI = AmiImage("ami-0b5b0b5b", "busybox", "localstack-ec2/busybox:ami-0b5b0b5b", "0")
ACCOUNT, REGION = "222222222222", "eu-west-3"


@pytest.fixture(autouse=True)
def clean_store():
    instance_stores[ACCOUNT][REGION].instances.clear()
    yield
    instance_stores[ACCOUNT][REGION].instances.clear()


def names(*instance_ids: str) -> set[str]:
    return {f"localstack-ec2.{i}" for i in instance_ids}


def test_terminate_handles_every_instance_when_one_container_cannot_be_removed():
    engine = FailingEngine()
    manager = InstanceManager(engine)
    manager.launch(ACCOUNT, REGION, ["i-1", "i-2", "i-3"], AMI)
    engine.failing = names("i-2")
    outcome = manager.terminate(ACCOUNT, REGION, ["i-1", "i-2", "i-3"])
    assert outcome.done == ["i-1", "i-3"]
    assert list(outcome.failed) == ["i-2"] and isinstance(outcome.failed["i-2"], EngineError)
    assert set(engine.containers) == names("i-2")
    assert [r.instance_id for r in models.records(ACCOUNT, REGION)] == ["i-2"]  # still there


def test_stop_and_start_change_the_state_only_where_the_container_did():
    engine = FailingEngine()
    manager = InstanceManager(engine)
    manager.launch(ACCOUNT, REGION, ["i-1", "i-2"], AMI)
    engine.failing = names("i-2")
    outcome = manager.stop(ACCOUNT, REGION, ["i-1", "i-2"])
    assert (outcome.done, list(outcome.failed)) == (["i-1"], ["i-2"])
    states = {r.instance_id: r.state for r in models.records(ACCOUNT, REGION)}
    assert states == {"i-1": "stopped", "i-2": "running"}
    engine.failing = names("i-1")
    outcome = manager.start(ACCOUNT, REGION, ["i-1"])
    assert (outcome.done, list(outcome.failed)) == ([], ["i-1"])
    assert models.get(ACCOUNT, REGION, "i-1").state == "stopped"  # type: ignore[union-attr]


def test_two_concurrent_launches_never_both_pass_a_limit_only_one_may_pass():
    engine = BlockingEngine()
    manager = InstanceManager(engine)
    slots = InstanceSlots(1, models.count)
    request = RunInstancesRequest(ImageId=AMI.ami_id, MinCount=1, MaxCount=1)
    outcomes: list[object] = []

    def run(instance_id: str) -> None:
        try:
            with slots.taken(ACCOUNT, REGION, request):
                manager.launch(ACCOUNT, REGION, [instance_id], AMI)
            outcomes.append(instance_id)
        except InstanceLimitExceeded as e:
            outcomes.append(e)

    first = threading.Thread(target=run, args=("i-1",))
    first.start()
    assert engine.entered.wait(10)  # the first launch holds its slot, its container not made
    run("i-2")  # the second request, meanwhile
    engine.release.set()
    first.join(10)
    assert isinstance(outcomes[0], InstanceLimitExceeded) and outcomes[1:] == ["i-1"]
    assert set(engine.containers) == names("i-1")


def test_a_failed_launch_gives_its_slots_back():
    engine = FakeEngine(fail_on="i-1")
    slots = InstanceSlots(1, models.count)
    request = RunInstancesRequest(ImageId=AMI.ami_id, MinCount=1, MaxCount=1)
    with pytest.raises(EngineError), slots.taken(ACCOUNT, REGION, request):
        InstanceManager(engine).launch(ACCOUNT, REGION, ["i-1"], AMI)
    with slots.taken(ACCOUNT, REGION, request) as allowed:
        assert allowed["MaxCount"] == 1


def test_a_launch_still_in_flight_at_shutdown_leaves_no_container():
    engine = BlockingEngine()
    manager = InstanceManager(engine, launch_wait=0.0)
    failures: list[BaseException] = []

    def launch() -> None:
        try:
            manager.launch(ACCOUNT, REGION, ["i-1"], AMI)
        except BaseException as e:
            failures.append(e)

    launching = threading.Thread(target=launch)
    launching.start()
    assert engine.entered.wait(10)
    manager.shutdown()  # removes the containers there are: this launch's is not made yet
    engine.release.set()  # now the launch makes its container
    launching.join(10)
    assert len(failures) == 1 and isinstance(failures[0], ShuttingDown)
    assert engine.containers == {}
    assert models.records(ACCOUNT, REGION) == []
    with pytest.raises(ShuttingDown):  # and none starts after shutdown
        manager.launch(ACCOUNT, REGION, ["i-2"], AMI)
    assert engine.containers == {}
