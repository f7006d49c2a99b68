"""Which instance containers exist on the engine: this LocalStack's (found by its owner label,
including those of its earlier runs after a restart), and foreign ones (named like instances but
started by another EC2 backend), which the SSM side may adopt."""

from collections.abc import Callable

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.labels import instance_id_of, is_owned_by, owner_filter
from localstack_ssm_docker.engine.values import CONTAINER_NAME_PREFIX, ForeignContainer


class Inventory:
    """Lists (and clears) instance containers by label and name."""

    def __init__(self, api: APIClient, owner: str, remove: Callable[[str], None]):
        self._api = api
        self._owner = owner
        self._remove = remove

    def container_states(self) -> dict[str, str]:
        """The state ("running", "paused", "exited", ...) of this LocalStack's instance containers
        (labelled with its owner key: this run's and, after a restart, earlier runs'), by id."""
        with engine_errors():
            containers = self._api.containers(
                all=True, filters={"label": owner_filter(self._owner)}
            )
        return {c["Id"]: c["State"] for c in containers}

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many."""
        doomed = [c for c in self.container_states() if c not in keep]
        for container_id in doomed:
            self._remove(container_id)
        return len(doomed)

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
