"""Fakes of our container engine that fail or block on cue, for EC2's race and error tests."""

import threading

from localstack_ssm_docker.engine.errors import EngineNotAnswering
from localstack_ssm_docker.engine.values import ContainerFacts, ContainerResources, ContainerSpec
from tests.unit.fakes import FakeEngine


class FailingEngine(FakeEngine):
    """Removing, stopping, starting or resizing the containers named in `failing` raises
    EngineError."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[str] = set()

    def _check(self, container_id: str) -> None:
        if container_id in self.failing:
            raise EngineNotAnswering(f"engine gone while at {container_id}")

    def remove(self, container_id: str) -> None:
        self._check(container_id)
        super().remove(container_id)

    def stop(self, container_id: str) -> None:
        self._check(container_id)
        super().stop(container_id)

    def start(self, container_id: str) -> None:
        self._check(container_id)
        super().start(container_id)

    def update_resources(self, container_id: str, resources: ContainerResources) -> None:
        self._check(container_id)
        super().update_resources(container_id, resources)


class BlockingEngine(FakeEngine):
    """Each launch waits, before it makes the container, until the test releases it."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        self.entered.set()
        assert self.release.wait(10), "the test never released the launch"
        return super().launch(spec)
