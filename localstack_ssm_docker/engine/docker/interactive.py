"""Interactive execs (a shell with a TTY, a command with stdin) and connections to a port of an
instance, for Session Manager.

An exec is started attached (exec_stream.start_exec) and then used as a raw bidirectional socket:
reads come from the connection's buffered reader, writes go to the socket under it. Closing shuts
the socket down, which also wakes a thread blocked reading it.
"""

import contextlib
import ipaddress
import socket
from collections.abc import Iterator

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.containers import ip_address
from localstack_ssm_docker.engine.docker.exec_stream import AttachedExec, read_frames, start_exec

_READ_SIZE = 65536


class DockerExecChannel:
    """The stdin and output of one attached exec."""

    def __init__(self, attached: AttachedExec, tty: bool):
        self._response = attached.response
        self._reader = attached.reader
        self._socket = attached.socket
        self._frames: Iterator[tuple[int, bytes]] | None = (
            None if tty else read_frames(self._reader)
        )
        self._closed = False

    def read(self) -> bytes:
        """The next output (stdout and stderr alike); b"" once the process ended or on close."""
        try:
            if self._frames is None:
                return self._reader.read1(_READ_SIZE)
            for _, chunk in self._frames:
                if chunk:
                    return chunk
            return b""
        except (OSError, ValueError):
            return b""

    def write(self, data: bytes) -> None:
        """Sends `data` to the process's stdin; OSError once it is gone."""
        self._socket.sendall(data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            self._response.close()


def start_attached(
    api: APIClient,
    stream_api: APIClient,
    container_id: str,
    command: list[str],
    tty: bool,
    user: str | None,
    environment: dict[str, str],
) -> tuple[str, DockerExecChannel]:
    """Creates and starts an exec with stdin attached; its id and channel."""
    exec_id = api.exec_create(
        container_id,
        command,
        stdin=True,
        tty=tty,
        user=user or "",
        environment=environment or None,
    )["Id"]
    return exec_id, DockerExecChannel(start_exec(stream_api, exec_id, tty), tty)


_LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


def seen_from_host(host: str) -> str:
    """The address LocalStack connects to for a host named from the instance's point of view:
    "" (the instance itself) for no host and for loopback names and addresses, which mean the
    instance there, not LocalStack's host."""
    name = host.strip().lower().rstrip(".")
    if not name or name in _LOOPBACK_NAMES:
        return ""
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(name.strip("[]")).is_loopback:
            return ""
    return name


def connect(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to `address:port`, as LocalStack reaches the instance's network. Link-local
    addresses (the metadata service's among them) are refused: from LocalStack's host they would
    reach the host's own, not the instance's."""
    if not address:  # a container on no network: "" would be LocalStack's own host
        raise ConnectionRefusedError("the instance has no network address")
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(address.strip("[]")).is_link_local:
            raise ConnectionRefusedError(f"{address} is link-local: not reachable from here")
    connection = socket.create_connection((address, port), timeout=timeout)
    connection.settimeout(None)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


class DockerSessions:
    """Session Manager's role on the engine: attached execs with a TTY, their window size and exit
    code, short clean-up commands, and TCP connections into the instance's network.

    `remote_engine` names an engine on another host (DOCKER_HOST=tcp://...): its containers'
    addresses are on that host's networks, which LocalStack has no route to (and which may be
    the same private ranges as a local engine's, whose containers must never be reached instead).
    Port connections are then refused, which the client sees as a port that does not answer."""

    def __init__(self, api: APIClient, stream_api: APIClient, remote_engine: str | None = None):
        self._api = api
        self._stream_api = stream_api
        self._remote_engine = remote_engine

    def open_exec(
        self,
        container_id: str,
        command: list[str],
        tty: bool,
        user: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> tuple[str, DockerExecChannel]:
        with engine_errors():
            return start_attached(
                self._api, self._stream_api, container_id, command, tty, user, environment or {}
            )

    def resize_exec(self, exec_id: str, rows: int, cols: int) -> None:
        with engine_errors():
            self._api.exec_resize(exec_id, height=rows, width=cols)

    def exec_exit_code(self, exec_id: str) -> int | None:
        with engine_errors():
            return self._api.exec_inspect(exec_id).get("ExitCode")

    def run_quiet(self, container_id: str, command: list[str]) -> None:
        with engine_errors():
            exec_id = self._api.exec_create(container_id, command)
            self._api.exec_start(exec_id["Id"])

    def connect_port(
        self, container_id: str, host: str, port: int, timeout: float
    ) -> socket.socket:
        if self._remote_engine:
            raise ConnectionRefusedError(
                f"the instance runs on the remote Docker engine at {self._remote_engine}: "
                "its ports are not reachable from LocalStack"
            )
        address = seen_from_host(host) or self._address(container_id)
        return connect(address, port, timeout)

    def _address(self, container_id: str) -> str:
        with engine_errors():
            return ip_address(self._api.inspect_container(container_id))
