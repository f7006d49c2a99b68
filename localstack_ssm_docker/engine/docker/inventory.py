"""Which instance containers exist on the engine: this LocalStack's (found by its owner label,
including those of its earlier runs after a restart), orphans (another LocalStack's, whose
process is gone and did not mean to keep them), and foreign ones (named like instances but
started by another EC2 backend), which the SSM side may adopt.

Removals run in parallel and each one's failure is its own: one container that cannot be removed
never leaves the others in place, and twenty go well inside Docker's 10 s stop timeout.
"""

import logging
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.labels import (
    LABEL_OWNER,
    instance_id_of,
    is_orphan,
    is_owned_by,
    owner_filter,
)
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.values import CONTAINER_NAME_PREFIX, ForeignContainer

LOG = logging.getLogger(__name__)

_REMOVAL_PARALLELISM = 20


class Inventory:
    """Lists (and clears) instance containers by label and name."""

    def __init__(
        self,
        api: APIClient,
        owner: str,
        remove: Callable[[str], None],
        gone: Callable[[str], bool] = lambda _process: False,
    ):
        self._api = api
        self._owner = owner
        self._remove = remove
        self._gone = gone

    def container_states(self, only: Collection[str] | None = None) -> dict[str, str]:
        """The state ("running", "paused", "exited", ...) of this LocalStack's instance containers
        (labelled with its owner key: this run's and, after a restart, earlier runs'), by id;
        with `only`, of those of them (the engine lists just those: one container's entry
        instead of every instance's, for a request that names its instances)."""
        filters: dict[str, str | list[str]] = {"label": owner_filter(self._owner)}
        if only is not None:
            filters["id"] = list(only)
        with engine_errors():
            containers = self._api.containers(all=True, filters=filters)
        wanted = None if only is None else set(only)
        return {c["Id"]: c["State"] for c in containers if wanted is None or c["Id"] in wanted}

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many
        went (EngineError when none of several could be removed)."""
        return self._remove_all([c for c in self.container_states() if c not in keep])

    def remove_orphans(self) -> int:
        """Removes the containers other LocalStacks' processes left behind unmeant (see
        :func:`.labels.is_orphan`); a live LocalStack's, or a kept one's, stay. How many went."""
        with engine_errors():
            containers = self._api.containers(all=True, filters={"label": LABEL_OWNER})
        orphans = [
            c["Id"] for c in containers if is_orphan(c.get("Labels"), self._owner, self._gone)
        ]
        return self._remove_all(orphans)

    def _remove_all(self, container_ids: list[str]) -> int:
        return remove_each(container_ids, self._remove)

    def foreign_instances(self) -> list[ForeignContainer]:
        """Containers named ``localstack-ec2.<instance-id>`` that this LocalStack did not start."""
        with engine_errors():
            containers = self._api.containers(all=True, filters={"name": CONTAINER_NAME_PREFIX})
        found = []
        for container in containers:
            if is_owned_by(container.get("Labels"), self._owner):
                continue
            for name in container.get("Names") or []:
                if instance_id := instance_id_of(name):
                    found.append(
                        ForeignContainer(
                            container["Id"], instance_id, container["State"], container["Created"]
                        )
                    )
        return found


def remove_each(container_ids: list[str], remove: Callable[[str], None]) -> int:
    """Removes every container, in parallel, each failure its own; how many went (EngineError
    when none of them could be removed)."""
    if not container_ids:
        return 0

    def attempt(container_id: str) -> EngineError | None:
        try:
            remove(container_id)
        except EngineError as e:
            return e
        return None

    failures: list[EngineError] = []
    with ThreadPoolExecutor(
        max_workers=min(_REMOVAL_PARALLELISM, len(container_ids)),
        thread_name_prefix="container-removal",
    ) as pool:
        for container_id, error in zip(
            container_ids, pool.map(attempt, container_ids), strict=True
        ):
            if error is not None:
                LOG.warning("container %s not removed: %s", container_id[:12], error)
                failures.append(error)
    if failures and len(failures) == len(container_ids):
        raise failures[0]
    return len(container_ids) - len(failures)
