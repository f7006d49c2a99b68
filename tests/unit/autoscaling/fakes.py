"""Fakes of Auto Scaling's own interfaces: the instance launcher, EC2 lookups and EventBridge."""

import itertools
from collections.abc import Collection

from localstack_ssm_docker.autoscaling.lifecycle_hooks import LifecycleEvent
from localstack_ssm_docker.autoscaling.reconciler import Launched, LaunchFailed, LaunchOrder
from tests.unit.ssm.associations.fake_clock import FakeClock


class FakeLauncher:
    """Instances as ids in `running`; `refuse` makes every launch fail with that message;
    `orders` and `terminated` record what was asked; `clock` (when given) moves one second per
    launch, so launch times differ."""

    def __init__(self, clock: FakeClock | None = None):
        self._ids = itertools.count(1)
        self._clock = clock
        self.running: set[str] = set()
        self.orders: list[LaunchOrder] = []
        self.terminated: list[str] = []
        self.refuse: str | None = None

    def launch(self, account_id: str, region: str, order: LaunchOrder) -> list[Launched]:
        self.orders.append(order)
        if self.refuse is not None:
            raise LaunchFailed(self.refuse)
        launched = []
        for _ in range(order.count):
            instance_id = f"i-{next(self._ids):017x}"
            self.running.add(instance_id)
            launched.append(Launched(instance_id, "t3.micro"))
        if self._clock is not None:
            self._clock.advance(1)
        return launched

    def terminate(self, account_id: str, region: str, instance_ids: list[str]) -> None:
        self.terminated.extend(instance_ids)
        self.running.difference_update(instance_ids)

    def healthy(self, account_id: str, region: str, instance_ids: Collection[str]) -> set[str]:
        return {i for i in instance_ids if i in self.running}


class FakeLookup:
    """EC2's launch templates (id -> name) and subnets (id -> zone)."""

    def __init__(self) -> None:
        self.templates = {"lt-0123456789abcdef0": "web"}
        self.subnets = {"subnet-a": "us-east-1a", "subnet-b": "us-east-1b"}

    def launch_template(
        self, account_id: str, region: str, template_id: str | None, name: str | None
    ) -> tuple[str, str] | None:
        for known_id, known_name in self.templates.items():
            if template_id == known_id or name == known_name:
                return known_id, known_name
        return None

    def subnet_zones(self, account_id: str, region: str, subnet_ids: list[str]) -> dict[str, str]:
        return {s: self.subnets[s] for s in subnet_ids if s in self.subnets}


class FakeEvents:
    """The lifecycle events sent, in order; `refuse` makes every send fail with that message."""

    def __init__(self) -> None:
        self.sent: list[LifecycleEvent] = []
        self.refuse: str | None = None

    def send(self, account_id: str, region: str, event: LifecycleEvent) -> None:
        if self.refuse is not None:
            raise RuntimeError(self.refuse)
        self.sent.append(event)
