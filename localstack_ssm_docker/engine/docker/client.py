"""Connections to the Docker engine, and the one place where docker-py's exceptions become the
engine interface's (by type, never by message text).

Every other module of this package wraps its docker-py calls in :func:`engine_errors`, so the
providers and the executor only ever see :mod:`localstack_ssm_docker.engine.errors` types.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import docker
import requests
from docker import APIClient
from docker.errors import APIError, DockerException, NotFound

from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    EngineError,
    EngineNotAnswering,
)

API_VERSION = "1.41"
POOL_SIZE = 64
_CONFLICT = 409


@contextmanager
def engine_errors() -> Iterator[None]:
    """Translates docker-py's exceptions into the engine interface's, by type."""
    try:
        yield
    except NotFound as e:
        raise ContainerGone(str(e)) from e
    except requests.exceptions.ConnectionError as e:
        raise EngineNotAnswering(f"the Docker engine is unavailable: {e}") from e
    except APIError as e:
        if e.status_code == _CONFLICT:
            raise ContainerNotRunning(str(e)) from e
        raise EngineError(str(e)) from e
    except DockerException as e:
        raise EngineNotAnswering(f"the Docker engine is unavailable: {e}") from e


class DockerClients(NamedTuple):
    """Two clients of one Docker engine: short control calls, and exec streams."""

    control: APIClient
    """Every call but exec output: with docker-py's default read timeout."""
    streams: APIClient
    """Exec output, which lasts as long as the script: no read timeout."""


def clients_from_env() -> DockerClients:
    """Clients of the Docker host the environment names (DOCKER_HOST or the socket)."""
    with engine_errors():
        control = docker.from_env(version=API_VERSION, max_pool_size=POOL_SIZE)
        streams = docker.from_env(version=API_VERSION, max_pool_size=POOL_SIZE, timeout=None)
    return DockerClients(control.api, streams.api)
