"""The extension's settings, read from the environment (documented in the README)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Settings of one LocalStack process."""

    workers: int = 64
    """SSM_DOCKER_WORKERS: invocations that can run at the same time."""
    remove_containers: bool = True
    """EC2_REMOVE_CONTAINERS: remove instance containers when LocalStack shuts down."""
    full_output_limit: int = 16 * 1024 * 1024
    """SSM_DOCKER_FULL_OUTPUT_LIMIT: bytes of each stream kept for S3 / CloudWatch Logs."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """Settings from environment variables, with the defaults above."""
        return cls(
            workers=int(env.get("SSM_DOCKER_WORKERS") or cls.workers),
            remove_containers=(env.get("EC2_REMOVE_CONTAINERS") or "1").lower() in _TRUE,
            full_output_limit=int(env.get("SSM_DOCKER_FULL_OUTPUT_LIMIT") or cls.full_output_limit),
        )
