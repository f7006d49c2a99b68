"""Port sessions: TCP connections to a port of the instance (or of a host it reaches), carried
over the channel either multiplexed with smux (LocalPortForwarding: one smux stream per local
connection of the client) or as one plain stream (AWS-StartSSHSession and other Port documents).

A port nothing listens on is not a dead session: the client is told with a ConnectToPortError
flag, that one stream is closed, and later connections are tried again.
"""

import contextlib
import logging
import socket
import threading
from collections.abc import Callable

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import SessionEngine
from localstack_ssm_docker.ssm.sessions import smux
from localstack_ssm_docker.ssm.sessions.channel import MAX_FRAME_PAYLOAD
from localstack_ssm_docker.ssm.sessions.codec import Flag, PayloadType, flag_payload

LOG = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
_STREAM_READ_SIZE = MAX_FRAME_PAYLOAD
"""One read, at most one channel frame."""
_MUX_READ_SIZE = MAX_FRAME_PAYLOAD - 2 * smux.HEADER.size
"""One read, at most one channel frame once cut into smux frames (two headers)."""
Output = Callable[[bytes, int], None]


class _Target:
    """One TCP connection to the destination, opened on its own thread. What the client sends
    before the connection is up waits, and reaches the connection first, in order: until the
    waiting data is sent, later data joins it instead of overtaking it."""

    def __init__(self, connect: Callable[[], socket.socket]):
        self._connect = connect
        self._socket: socket.socket | None = None
        self._pending: list[bytes] = []
        self._pending_fin = False
        self._flushed = False
        self._lock = threading.Lock()
        self._closed = False

    def open(self) -> socket.socket | None:
        try:
            connection = self._connect()
        except (OSError, EngineError) as e:
            LOG.debug("port session connect failed: %s", e)
            return None
        with self._lock:
            if self._closed:
                connection.close()
                return None
            self._socket = connection
        while True:
            with self._lock:
                pending, self._pending = self._pending, []
                if not pending:
                    self._flushed = True  # from now on send() writes directly
                    fin = self._pending_fin
                    break
            with contextlib.suppress(OSError):
                for data in pending:
                    connection.sendall(data)
        if fin:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_WR)
        return connection

    def send(self, data: bytes) -> None:
        with self._lock:
            if not self._flushed or self._socket is None:
                self._pending.append(data)
                return
            connection = self._socket
        with contextlib.suppress(OSError):
            connection.sendall(data)

    def finish(self) -> None:
        with self._lock:
            if not self._flushed or self._socket is None:
                self._pending_fin = True
                return
            connection = self._socket
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connection = self._socket
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


class _PortBridgeBase:
    def __init__(
        self,
        engine: SessionEngine,
        container_id: str,
        host: str,
        port: int,
        output: Output,
        ended: Callable[[str], None],
    ):
        self._engine = engine
        self._container_id = container_id
        self._host = host
        self._port = port
        self._output = output
        self._ended = ended
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def _connect(self) -> socket.socket:
        return self._engine.connect_port(
            self._container_id, self._host, self._port, CONNECT_TIMEOUT_SECONDS
        )

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _join(self) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)


class MuxPortBridge(_PortBridgeBase):
    """smux v1 server: each SYN from the client opens a connection to the destination."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._decoder = smux.Decoder()
        self._streams: dict[int, _Target] = {}
        self._instance_address = ""

    def _connect(self) -> socket.socket:
        """To the instance itself (no host), later connections go to the address the first
        one reached instead of asking the engine for it again: the address stays while the
        session lives (an instance that stops or restarts ends its sessions)."""
        if self._host:
            return super()._connect()
        with self._lock:
            address = self._instance_address
        connection = self._engine.connect_port(
            self._container_id, address, self._port, CONNECT_TIMEOUT_SECONDS
        )
        if not address:
            with self._lock:
                self._instance_address = connection.getpeername()[0]
        return connection

    def start(self) -> None:
        pass

    def on_input(self, payload_type: int, payload: bytes) -> None:
        if payload_type != PayloadType.OUTPUT:
            return
        try:
            frames = self._decoder.feed(payload)
        except smux.SmuxError as e:
            self._ended(f"invalid port forwarding data: {e}")
            return
        for frame in frames:
            self._on_frame(frame)

    def _on_frame(self, frame: smux.SmuxFrame) -> None:
        sid = frame.stream_id
        if frame.cmd == smux.Cmd.SYN:
            with self._lock:
                if self._closed or sid in self._streams:
                    return
                target = self._streams[sid] = _Target(self._connect)
            self._spawn(lambda: self._serve(sid, target), f"ssm-port-{sid}")
        elif frame.cmd == smux.Cmd.PSH:
            with self._lock:
                found = self._streams.get(sid)
            if found is not None and frame.data:
                found.send(frame.data)
        elif frame.cmd == smux.Cmd.FIN:
            with self._lock:
                found = self._streams.get(sid)
            if found is not None:
                found.finish()

    def _serve(self, sid: int, target: _Target) -> None:
        connection = target.open()
        if connection is None:
            with self._lock:
                self._streams.pop(sid, None)
                closed = self._closed
            if not closed:
                self._output(flag_payload(Flag.CONNECT_TO_PORT_ERROR), PayloadType.FLAG)
                self._output(smux.encode(smux.Cmd.FIN, sid), PayloadType.OUTPUT)
            return
        try:
            while data := connection.recv(_MUX_READ_SIZE):
                self._output(smux.encode(smux.Cmd.PSH, sid, data), PayloadType.OUTPUT)
        except OSError:
            pass
        with self._lock:
            self._streams.pop(sid, None)
            closed = self._closed
        if not closed:
            self._output(smux.encode(smux.Cmd.FIN, sid), PayloadType.OUTPUT)
        target.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            streams = list(self._streams.values())
            self._streams.clear()
        for target in streams:
            target.close()
        self._join()


class StreamPortBridge(_PortBridgeBase):
    """One connection carried as a plain byte stream (``ssh -o ProxyCommand=...``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target = _Target(self._connect)

    def start(self) -> None:
        self._spawn(self._serve, "ssm-port-stream")

    def _serve(self) -> None:
        connection = self._target.open()
        if connection is None:
            with self._lock:
                closed = self._closed
            if not closed:  # a bridge closed meanwhile: its session is ending already
                self._ended(f"Unable to connect to specified port {self._port}.")
            return
        try:
            while data := connection.recv(_STREAM_READ_SIZE):
                self._output(data, PayloadType.OUTPUT)
        except OSError:
            pass
        self._ended("")

    def on_input(self, payload_type: int, payload: bytes) -> None:
        if payload_type == PayloadType.OUTPUT and payload:
            self._target.send(payload)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._target.close()
        self._join()
