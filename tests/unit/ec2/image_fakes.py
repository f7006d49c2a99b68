"""A fake of the engine's ImageEngine protocol: commits recorded, images held by containers on
the test's say."""

from collections.abc import Mapping

from localstack_ssm_docker.engine.errors import ContainerGone
from localstack_ssm_docker.engine.interface import ImageEngine


class FakeImageEngine:
    """Records every call in `calls`; `fail_commit` makes commits fail as a lost container
    does; image ids in `held` are in use by a container (removal keeps them)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.images: dict[str, str] = {}
        """Image id -> tag (empty once untagged), as the engine holds them."""
        self.held: set[str] = set()
        self.fail_commit = False
        self.on_commit = lambda: None

    def commit_image(
        self, container_id: str, reference: str, labels: Mapping[str, str], pause: bool
    ) -> str:
        self.calls.append(("commit", container_id, reference, dict(labels), pause))
        self.on_commit()
        if self.fail_commit:
            raise ContainerGone(f"No such container: {container_id}")
        image_id = f"sha256:{len(self.images):04d}"
        self.images[image_id] = reference
        return image_id

    def remove_image(self, reference: str, image_id: str) -> bool:
        self.calls.append(("remove", reference, image_id))
        if image_id in self.held:
            self.images[image_id] = ""
            return False
        self.images.pop(image_id, None)
        return True

    def stop(self, container_id: str) -> None:
        self.calls.append(("stop", container_id))

    def start(self, container_id: str) -> None:
        self.calls.append(("start", container_id))


def _structurally_complete() -> None:
    """Never called: mypy checks here that the fake implements the protocol."""
    engine: ImageEngine = FakeImageEngine()
    del engine
