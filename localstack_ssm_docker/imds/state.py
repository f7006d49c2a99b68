"""What of the metadata service survives a restart with PERSISTENCE=1: its secrets (tokens stay
valid) and the instance-profile associations."""

import secrets
from dataclasses import dataclass

from localstack_ssm_docker.imds import profile_associations
from localstack_ssm_docker.persistence import StateDirectory

STATE_NAME = "imds"


@dataclass(frozen=True)
class Secrets:
    """Token key and relay secret; kept across restarts so tokens stay valid."""

    token_key: bytes
    relay_secret: str

    @classmethod
    def new(cls) -> "Secrets":
        return cls(secrets.token_bytes(32), secrets.token_hex(24))


def load_secrets(state: StateDirectory | None) -> Secrets:
    """The secrets of the last run (restoring its profile associations too), or new ones."""
    snapshot = state.load(STATE_NAME) if state else None
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("secrets"), Secrets):
        return Secrets.new()
    profile_associations.restore(snapshot.get("associations", {}))
    return snapshot["secrets"]


def save(state: StateDirectory | None, secrets: Secrets) -> None:
    """Writes the secrets and every association."""
    if state is None:
        return
    state.save(STATE_NAME, {"secrets": secrets, "associations": profile_associations.snapshot()})
