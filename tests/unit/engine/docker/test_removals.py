"""Removing many containers: each failure is its own, so one that cannot be removed never leaves
the others in place."""

import threading

import pytest

from localstack_ssm_docker.engine.docker.inventory import remove_each
from localstack_ssm_docker.engine.errors import EngineError


def test_one_container_that_cannot_be_removed_leaves_the_others_removed():
    removed: set[str] = set()
    lock = threading.Lock()

    def remove(container_id: str) -> None:
        if container_id == "c2":
            raise EngineError("removal of container c2 is already in progress")
        with lock:
            removed.add(container_id)

    assert remove_each(["c1", "c2", "c3", "c4"], remove) == 3
    assert removed == {"c1", "c3", "c4"}


def test_when_no_container_can_be_removed_the_engine_error_is_raised():
    def remove(container_id: str) -> None:
        raise EngineError("engine gone")

    with pytest.raises(EngineError):
        remove_each(["c1", "c2"], remove)
    assert remove_each([], remove) == 0
