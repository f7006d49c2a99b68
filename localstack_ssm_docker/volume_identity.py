"""A random name kept in LocalStack's data folder, telling apart LocalStacks in containers.

On the host, a LocalStack's data folder and gateway address name it (wiring's owner key). Every
LocalStack container has the same paths (/var/lib/localstack) and the same gateway (0.0.0.0:4566),
so two of them on one Docker engine (`make run-docker` beside Compose) would take each other's
instance containers for their own and remove them at start. Their volumes differ: a name written
there once tells them apart, and stays the same across `docker restart` and `docker compose down &&
up` as long as the volume does, so that a persistent LocalStack still finds its instances.
"""

import os
import uuid
from pathlib import Path

FILE_NAME = "localstack-ssm-docker/volume-id"


def volume_identity(data_folder: Path) -> str:
    """The name kept in `data_folder`, written on first use (atomically: first writer wins)."""
    path = data_folder / FILE_NAME
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    candidate.write_text(uuid.uuid4().hex)
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()
