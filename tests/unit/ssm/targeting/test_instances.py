from collections.abc import Collection

import pytest
from localstack.aws.api.ssm import InvalidInstanceId

from localstack_ssm_docker.ec2.models import STOPPED, InstanceRecord
from localstack_ssm_docker.engine.errors import EngineError, EngineNotAnswering
from localstack_ssm_docker.engine.values import ContainerFacts, ForeignContainer
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from tests.unit.ec2.fakes import FakeEc2Directory
from tests.unit.fakes import FakeEngine

ACCOUNT, REGION = "111111111111", "eu-central-1"
SCOPE = (ACCOUNT, REGION)


class Engine(FakeEngine):
    """The fake engine, with other backends' containers (`foreign`, or `foreign_error` when they
    cannot be listed) and an `unavailable` switch; `described` records whose facts were read."""

    def __init__(self) -> None:
        super().__init__()
        self.foreign: list[ForeignContainer] = []
        self.foreign_error: EngineError | None = None
        self.unavailable = False
        self.described: list[str] = []

    def container_states(self) -> dict[str, str]:
        if self.unavailable:
            raise EngineNotAnswering("no engine")
        return super().container_states()

    def foreign_instances(self) -> list[ForeignContainer]:
        if self.unavailable:
            raise EngineNotAnswering("no engine")
        if self.foreign_error is not None:
            raise self.foreign_error
        return list(self.foreign)

    def describe(self, container_id: str) -> ContainerFacts:
        self.described.append(container_id)
        return ContainerFacts(container_id, "10.0.0.9", f"{container_id}.host", {"NAME": "Other"})


def record(instance_id: str, launched_at: float = 0.0, **changes) -> InstanceRecord:
    fields: dict = {
        "instance_id": instance_id,
        "ami_id": "ami-1",
        "image": "img",
        "container_id": f"c-{instance_id}",
        "ip_address": "10.0.0.1",
        "computer_name": f"{instance_id}.compute.internal",
        "launched_at": launched_at,
    }
    return InstanceRecord(**(fields | changes))


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def ec2() -> FakeEc2Directory:
    return FakeEc2Directory()


def launch(engine: Engine, ec2: FakeEc2Directory, *records: InstanceRecord) -> None:
    ec2.records.setdefault(SCOPE, []).extend(records)
    for r in records:
        engine.containers[r.container_id] = "running"


def pings(directory: InstanceDirectory, **kwargs) -> list[tuple[str, str]]:
    return [
        (m.record.instance_id, m.ping_status)
        for m in directory.managed_instances(ACCOUNT, REGION, **kwargs)
    ]


def test_running_instances_are_managed_in_launch_order_with_their_tags(engine, ec2):
    launch(engine, ec2, record("i-11111111", 1.0), record("i-22222222", 2.0))
    launch(engine, ec2, record("i-33333333", 3.0, state=STOPPED))
    ec2.tag_values = {"i-22222222": {"role": "web"}, "i-33333333": {"role": "db"}}
    managed = InstanceDirectory(engine, ec2).managed_instances(ACCOUNT, REGION)
    assert [(m.record.instance_id, m.ping_status, m.tags) for m in managed] == [
        ("i-11111111", "Online", {}),
        ("i-22222222", "Online", {"role": "web"}),
    ]
    assert InstanceDirectory(engine, ec2).managed_instances(ACCOUNT, "us-east-1") == []


def test_an_instance_is_online_only_while_its_container_runs_and_it_is_not_rebooting(engine, ec2):
    launch(
        engine,
        ec2,
        record("i-11111111"),
        record("i-22222222"),
        record("i-33333333", rebooting=True),
        record("i-44444444"),
    )
    engine.containers["c-i-22222222"] = "paused"
    del engine.containers["c-i-44444444"]
    assert pings(InstanceDirectory(engine, ec2)) == [
        ("i-11111111", "Online"),
        ("i-22222222", "ConnectionLost"),
        ("i-33333333", "ConnectionLost"),
        ("i-44444444", "ConnectionLost"),
    ]


def test_without_an_engine_instances_lose_connection_unless_strict(engine, ec2):
    launch(engine, ec2, record("i-11111111"))
    engine.unavailable = True
    directory = InstanceDirectory(engine, ec2)
    assert pings(directory) == [("i-11111111", "ConnectionLost")]
    with pytest.raises(EngineNotAnswering):
        directory.managed_instances(ACCOUNT, REGION, strict=True)
    with pytest.raises(EngineNotAnswering):
        directory.require_online(ACCOUNT, REGION, ["i-11111111"])


def test_require_online_names_every_instance_that_is_not(engine, ec2):
    launch(engine, ec2, record("i-11111111"), record("i-22222222"), record("i-33333333"))
    engine.containers["c-i-22222222"] = "exited"
    directory = InstanceDirectory(engine, ec2)
    found = directory.require_online(ACCOUNT, REGION, ["i-33333333", "i-11111111"])
    assert list(found) == ["i-33333333", "i-11111111"]
    assert found["i-11111111"].container_id == "c-i-11111111"
    with pytest.raises(InvalidInstanceId) as raised:
        directory.require_online(ACCOUNT, REGION, ["i-11111111", "i-22222222", "i-99999999"])
    assert raised.value.message == (
        f"Instances [[i-22222222, i-99999999]] not in a valid state for account {ACCOUNT}"
    )


class AskedEngine(Engine):
    """Records which containers' states each question to the engine was about (None: all)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[str] | None] = []

    def container_states(self) -> dict[str, str]:
        self.asked.append(None)
        return super().container_states()

    def container_states_of(self, container_ids: Collection[str]) -> dict[str, str]:
        self.asked.append(sorted(container_ids))
        states = super().container_states()
        return {c: states[c] for c in container_ids if c in states}


def test_require_online_asks_the_engine_about_the_named_instances_containers_alone(ec2):
    engine = AskedEngine()
    launch(engine, ec2, record("i-11111111"), record("i-22222222"), record("i-33333333"))
    engine.containers["c-i-33333333"] = "paused"
    directory = InstanceDirectory(engine, ec2)
    assert list(directory.require_online(ACCOUNT, REGION, ["i-22222222"])) == ["i-22222222"]
    with pytest.raises(InvalidInstanceId):
        directory.require_online(ACCOUNT, REGION, ["i-11111111", "i-33333333"])
    assert engine.asked == [["c-i-22222222"], ["c-i-11111111", "c-i-33333333"]]


def test_containers_of_another_backends_running_instances_are_adopted(engine, ec2):
    engine.foreign = [
        ForeignContainer("f-1", "i-0000000000000aaaa", "running", 5.0),
        ForeignContainer("f-2", "i-0000000000000bbbb", "running", 6.0),  # not running in EC2
        ForeignContainer("f-3", "i-0000000000000cccc", "created", 7.0),  # not running yet
    ]
    ec2.running[SCOPE] = {"i-0000000000000aaaa", "i-0000000000000cccc"}
    ec2.tag_values = {"i-0000000000000aaaa": {"team": "x"}}
    directory = InstanceDirectory(engine, ec2, adopt_foreign=True)
    (adopted,) = directory.managed_instances(ACCOUNT, REGION)
    assert (adopted.record.instance_id, adopted.ping_status, adopted.tags) == (
        "i-0000000000000aaaa",
        "Online",
        {"team": "x"},
    )
    assert (adopted.record.container_id, adopted.record.launched_at) == ("f-1", 5.0)
    assert (adopted.record.ip_address, adopted.record.computer_name) == ("10.0.0.9", "f-1.host")
    assert adopted.record.os_release == {"NAME": "Other"}
    online = directory.require_online(ACCOUNT, REGION, ["i-0000000000000aaaa"])
    assert online == {"i-0000000000000aaaa": adopted.record}
    assert engine.described == ["f-1"]  # read once, then known
    assert InstanceDirectory(engine, ec2).managed_instances(ACCOUNT, REGION) == []


def test_an_adopted_container_that_stops_loses_connection(engine, ec2):
    engine.foreign = [ForeignContainer("f-1", "i-0000000000000aaaa", "running", 5.0)]
    ec2.running[SCOPE] = {"i-0000000000000aaaa"}
    directory = InstanceDirectory(engine, ec2, adopt_foreign=True)
    assert pings(directory) == [("i-0000000000000aaaa", "Online")]
    engine.foreign = [ForeignContainer("f-1", "i-0000000000000aaaa", "exited", 5.0)]
    assert pings(directory) == [("i-0000000000000aaaa", "ConnectionLost")]


def test_foreign_containers_that_cannot_be_listed_are_not_adopted(engine, ec2):
    launch(engine, ec2, record("i-11111111"))
    engine.foreign = [ForeignContainer("f-1", "i-0000000000000aaaa", "running", 5.0)]
    ec2.running[SCOPE] = {"i-0000000000000aaaa"}
    engine.foreign_error = EngineError("cannot list")
    assert pings(InstanceDirectory(engine, ec2, adopt_foreign=True)) == [("i-11111111", "Online")]


def test_prepare_and_computer_names_go_to_ec2(engine, ec2):
    launch(engine, ec2, record("i-11111111"), record("i-22222222", state=STOPPED))
    directory = InstanceDirectory(engine, ec2)
    directory.prepare()
    assert ec2.prepared == 1
    assert directory.computer_names(ACCOUNT, REGION) == {
        "i-11111111": "i-11111111.compute.internal",
        "i-22222222": "i-22222222.compute.internal",
    }
