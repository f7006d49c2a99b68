"""The objects the EC2 and SSM providers share in one LocalStack process, built on first use."""

import functools

from localstack_ssm_docker.config import Settings
from localstack_ssm_docker.docker_engine import DockerEngine


@functools.cache
def settings() -> Settings:
    """This process's settings."""
    return Settings.from_env()


@functools.cache
def docker_engine() -> DockerEngine:
    """The one Docker engine client (and connection pool) of this process."""
    return DockerEngine.from_env(ami_mappings=settings().ami_images)
