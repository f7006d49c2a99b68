"""State kept across LocalStack restarts when PERSISTENCE=1: files in the data folder,
written with LocalStack's own pickler (localstack-core does not persist services by itself)."""

import logging
from pathlib import Path
from typing import Any

from localstack.state import pickle

LOG = logging.getLogger(__name__)


class StateDirectory:
    """Named snapshots in one folder, each replaced whole: a crash never leaves half a file."""

    def __init__(self, path: Path):
        self._path = path

    def save(self, name: str, state: Any) -> None:
        """Writes the snapshot `name`."""
        self._path.mkdir(parents=True, exist_ok=True)
        partial = self._path / f"{name}.partial"
        partial.write_bytes(pickle.dumps(state))
        partial.replace(self._path / f"{name}.pickle")

    def load(self, name: str) -> Any | None:
        """The snapshot `name`, or None when there is none (or it cannot be read)."""
        path = self._path / f"{name}.pickle"
        if not path.exists():
            return None
        try:
            return pickle.loads(path.read_bytes())
        except Exception as e:
            LOG.warning("state %s could not be read, starting without it: %s", path, e)
            return None
