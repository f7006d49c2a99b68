"""Association requests at the same time, through the provider's handlers: the interleaving is
driven by a clock that holds the first request inside the service (after the API's own reading
of the store) until the second request has been served."""

import threading
from types import SimpleNamespace

import pytest
from localstack.aws.api.ssm import (
    AssociationAlreadyExists,
    InvalidAssociationVersion,
    ServiceException,
)

from localstack_ssm_docker.ssm.api.provider import SsmDockerProvider
from localstack_ssm_docker.ssm.associations.models import association_stores
from localstack_ssm_docker.ssm.models import run_command_stores
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from tests.unit.ec2.fakes import FakeEc2Directory
from tests.unit.fakes import FakeEngine
from tests.unit.ssm.associations.fake_clock import FakeClock

ACCOUNT, REGION = "111111111111", "eu-west-1"
CONTEXT = SimpleNamespace(account_id=ACCOUNT, region=REGION)
DEADLINE = 10


class HoldingClock(FakeClock):
    """`hold_next()`: the next `now()` (on any thread) waits until `release` is set."""

    def __init__(self) -> None:
        super().__init__(1_700_000_000.0)
        self._hold = False
        self._guard = threading.Lock()
        self.holding = threading.Event()
        self.release = threading.Event()

    def hold_next(self) -> None:
        with self._guard:
            self._hold = True

    def now(self) -> float:
        with self._guard:
            hold, self._hold = self._hold, False
        if hold:
            self.holding.set()
            assert self.release.wait(DEADLINE)
        return super().now()


def Provider(clock: HoldingClock) -> SsmDockerProvider:
    return SsmDockerProvider(
        InstanceDirectory(FakeEngine(), FakeEc2Directory()),
        executor=object(),  # no command runs here
        association_clock=clock,
    )


@pytest.fixture(autouse=True)
def clean_stores():
    association_stores.reset()
    run_command_stores.reset()
    yield
    association_stores.reset()
    run_command_stores.reset()


def _first_held_second_served(clock: HoldingClock, first, second) -> list[object]:
    """Runs `first` on a thread until the clock holds it, `second` to its end, then lets `first`
    go on: what each returned or raised, in that order."""
    outcomes: list[object] = [None, None]

    def call(index: int, fn) -> None:
        try:
            outcomes[index] = fn()
        except ServiceException as e:
            outcomes[index] = e

    clock.hold_next()
    held = threading.Thread(target=call, args=(0, first))
    held.start()
    try:
        assert clock.holding.wait(DEADLINE)
        call(1, second)
    finally:
        clock.release.set()
        held.join(DEADLINE)
    return outcomes


def test_two_creates_of_the_same_instance_association_at_once_store_one():
    clock = HoldingClock()
    provider = Provider(clock)
    request = {
        "Name": "AWS-RunShellScript",
        "InstanceId": "i-0123456789abcdef0",
        "Parameters": {"commands": ["echo hi"]},
    }

    def create():
        return provider.associations.create_association(CONTEXT, dict(request))

    first, second = _first_held_second_served(clock, create, create)
    assert "AssociationDescription" in second
    assert isinstance(first, AssociationAlreadyExists)
    assert len(association_stores[ACCOUNT][REGION].associations) == 1


def test_two_updates_of_the_same_version_at_once_add_one_version():
    clock = HoldingClock()
    provider = Provider(clock)
    created = provider.associations.create_association(
        CONTEXT,
        {
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
            "Parameters": {"commands": ["echo 1"]},
        },
    )
    association_id = created["AssociationDescription"]["AssociationId"]

    def update(text: str):
        return lambda: provider.associations.update_association(
            CONTEXT,
            {
                "AssociationId": association_id,
                "AssociationVersion": "1",
                "Parameters": {"commands": [text]},
            },
        )

    first, second = _first_held_second_served(clock, update("echo 2"), update("echo 3"))
    assert second["AssociationDescription"]["AssociationVersion"] == "2"
    assert isinstance(first, InvalidAssociationVersion)
    record = association_stores[ACCOUNT][REGION].associations[association_id]
    assert [v.settings["Parameters"] for v in record.versions] == [
        {"commands": ["echo 1"]},
        {"commands": ["echo 3"]},
    ]


class HeldTags(list):
    """The Tags of a request, whose reading waits (once) until `release` is set."""

    def __init__(self, tags, holding: threading.Event, release: threading.Event):
        super().__init__(tags)
        self._holding, self._release = holding, release

    def __iter__(self):
        self._holding.set()
        assert self._release.wait(DEADLINE)
        return super().__iter__()


def test_two_tag_requests_at_once_keep_both_tags():
    clock = HoldingClock()
    provider = Provider(clock)
    created = provider.associations.create_association(
        CONTEXT,
        {
            "Name": "AWS-RunShellScript",
            "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
            "Parameters": {"commands": ["echo 1"]},
        },
    )
    association_id = created["AssociationDescription"]["AssociationId"]
    holding, release = threading.Event(), threading.Event()

    def tag(tags):
        return lambda: provider.association_tags.add_tags_to_resource(
            CONTEXT,
            {"ResourceType": "Association", "ResourceId": association_id, "Tags": tags},
        )

    held = threading.Thread(target=tag(HeldTags([{"Key": "a", "Value": "1"}], holding, release)))
    held.start()
    try:
        assert holding.wait(DEADLINE)
        tag([{"Key": "b", "Value": "2"}])()
    finally:
        release.set()
        held.join(DEADLINE)
    listed = provider.association_tags.list_tags_for_resource(
        CONTEXT, {"ResourceType": "Association", "ResourceId": association_id}
    )
    assert sorted(t["Key"] for t in listed["TagList"]) == ["a", "b"]
