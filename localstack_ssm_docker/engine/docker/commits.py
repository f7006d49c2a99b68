"""Instance containers captured as images (CreateImage), and those images removed again.

A capture keeps the configuration of the image the container was made from (its entrypoint,
command, environment and labels), not the container's own: the entrypoint, environment and labels
this extension gave the instance's container are the instance's, never the AMI's. Docker merges
the configuration given to a commit over the container's, field by field, so the source image's
fields are given whole, with the capture's own labels on top.
"""

from collections.abc import Mapping

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.errors import ContainerGone, ContainerNotRunning

_KEPT_FIELDS = ("Entrypoint", "Cmd", "Env", "WorkingDir", "User", "ExposedPorts", "StopSignal")


class ImageCommits:
    """`docker commit` of instance containers, and the removal of what was committed."""

    def __init__(self, api: APIClient):
        self._api = api

    def commit(
        self, container_id: str, reference: str, labels: Mapping[str, str], pause: bool
    ) -> str:
        """Commits the container's filesystem as `reference` (repository:tag); its image id.
        `pause` freezes the container's processes for the copy (Docker's default)."""
        repository, _, tag = reference.rpartition(":")
        with engine_errors():
            container = self._api.inspect_container(container_id)
            source = self._api.inspect_image(container["Image"])
            source_config = source.get("Config") or {}
            conf = {name: source_config[name] for name in _KEPT_FIELDS if source_config.get(name)}
            conf["Labels"] = {**(source_config.get("Labels") or {}), **labels}
            committed = self._api.commit(
                container_id, repository=repository, tag=tag, pause=pause, conf=conf
            )
        return str(committed["Id"])

    def remove(self, reference: str, image_id: str) -> bool:
        """Removes the tag `reference` and, unless a container still uses it, the image; True
        once the image is gone, False while a container (or an image made from it) holds it."""
        try:
            with engine_errors():
                self._api.remove_image(reference, force=True)  # only untags an image in use
        except ContainerGone:
            pass
        try:
            with engine_errors():
                self._api.remove_image(image_id)
        except ContainerGone:
            return True
        except ContainerNotRunning:  # Docker's 409: a container or a child image uses it
            return False
        return True
