"""Where the Docker engine is, seen from LocalStack, and what that rules out (pure).

LocalStack may run on the host or in a container, and the engine that runs the instances may be
its local one (the socket, perhaps mounted into LocalStack's container) or a remote one
(``DOCKER_HOST=tcp://...``, the docker-in-docker pattern of CI). A wrong set-up would otherwise show
only at the first RunInstances, as a 503: so at start one log line says what is missing (no
socket, a socket LocalStack may not open, an engine that does not answer) or what cannot work
across engines (bind mounts naming paths of LocalStack's filesystem, the endpoint instances
get). Nothing here talks to Docker: the caller passes what it learnt
(``engine/docker/probe.py``).
"""

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from localstack_ssm_docker.engine.values import INSIDE_PORT

DEFAULT_SOCKET = "/var/run/docker.sock"
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class EngineLocation:
    """The engine DOCKER_HOST names."""

    docker_host: str
    """DOCKER_HOST as configured, or the default socket's URL."""
    socket_path: str | None
    """The unix socket's path, for a local engine reached through one."""
    remote: bool
    """The engine runs on another host (or network namespace): its filesystem is not ours."""


def engine_location(env: Mapping[str, str] = os.environ) -> EngineLocation:
    """The engine the environment names, as docker-py reads DOCKER_HOST."""
    docker_host = (env.get("DOCKER_HOST") or "").strip() or f"unix://{DEFAULT_SOCKET}"
    url = urlparse(docker_host)
    if url.scheme in ("unix", "npipe", ""):
        path = url.path or docker_host
        return EngineLocation(docker_host, path if url.scheme != "npipe" else None, remote=False)
    return EngineLocation(docker_host, None, remote=(url.hostname or "") not in _LOOPBACK_HOSTS)


@dataclass(frozen=True)
class SocketAccess:
    """What this process may do with a unix socket's file."""

    exists: bool
    is_socket: bool = False
    readable_writable: bool = False
    owner: str = ""


def socket_access(path: str) -> SocketAccess:
    """Whether the socket exists and this process may open it (os.access, no connection made)."""
    try:
        info = os.stat(path)
    except OSError:
        return SocketAccess(exists=False)
    return SocketAccess(
        exists=True,
        is_socket=stat.S_ISSOCK(info.st_mode),
        readable_writable=os.access(path, os.R_OK | os.W_OK),
        owner=f"uid {info.st_uid}, gid {info.st_gid}, mode {stat.filemode(info.st_mode)}",
    )


_UNAVAILABLE = "EC2 RunInstances and SSM SendCommand answer 503 Unavailable until then"


def engine_problem(
    location: EngineLocation, access: SocketAccess | None, ping_error: str | None
) -> str | None:
    """The one line that says why no engine can be used, or None when the engine answered."""
    if location.socket_path and access is not None:
        if not access.exists:
            return (
                f"No Docker socket at {location.socket_path}: EC2 instances need a Docker engine. "
                "In a container, mount it (-v /var/run/docker.sock:/var/run/docker.sock), or set "
                f"DOCKER_HOST to a reachable engine; {_UNAVAILABLE}."
            )
        if not access.is_socket:
            return (
                f"{location.socket_path} is not a socket (a directory or file was mounted "
                f"there?): mount the Docker engine's socket; {_UNAVAILABLE}."
            )
        if not access.readable_writable:
            return (
                f"The Docker socket {location.socket_path} ({access.owner}) may not be opened by "
                f"this process (uid {os.getuid()}, gid {os.getgid()}): run LocalStack as root or "
                f"in the socket's group; {_UNAVAILABLE}."
            )
    if ping_error is not None:
        return (
            f"The Docker engine at {location.docker_host} does not answer ({ping_error}); "
            f"{_UNAVAILABLE}, and later requests retry."
        )
    return None


def bind_mount_problem(location: EngineLocation, volumes: list[str]) -> str | None:
    """With a remote engine, bind mounts (EC2_DOCKER_FLAGS -v /a:/b) name the ENGINE host's
    paths, not LocalStack's: said once, since the result depends on that host's files."""
    binds = [v for v in volumes if v.startswith("/")]
    if not location.remote or not binds:
        return None
    return (
        f"EC2_DOCKER_FLAGS bind mounts {', '.join(binds)} name paths on the Docker engine's host "
        f"({location.docker_host}), not in LocalStack's filesystem: instances see that host's "
        "files there (scripts and user data go over the Docker API and need no mount)."
    )


def remote_endpoint_said(location: EngineLocation, endpoint_url: str | None, name: str) -> str:
    """What instances on a remote engine get as AWS_ENDPOINT_URL, in one line: `name` (LocalStack's
    name) resolves to LocalStack only on the metadata network of a local engine, so they get the
    configured EC2_INSTANCE_ENDPOINT_URL or nothing."""
    said = f"The Docker engine at {location.docker_host} is remote: "
    if endpoint_url:
        return said + (
            f"instances get AWS_ENDPOINT_URL={endpoint_url} (EC2_INSTANCE_ENDPOINT_URL), "
            f"not http://{name}:{INSIDE_PORT}, which instances reach only on a local engine"
        )
    return said + (
        "instances get no address of this LocalStack (none is known to route from that "
        f"engine's network to LocalStack's): no AWS_ENDPOINT_URL, and {name} does not reach "
        "LocalStack there; set EC2_INSTANCE_ENDPOINT_URL to an address of LocalStack that "
        "network reaches"
    )
