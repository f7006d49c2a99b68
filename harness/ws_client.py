"""A minimal blocking WebSocket client (wsproto over a socket) for driving the data channel by
hand in tests: bad tokens, garbage frames, vanished clients."""

import contextlib
import socket
import time
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Message,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)


class Closed(Exception):
    """The server closed the WebSocket (code in args[0])."""


class WebSocketClient:
    def __init__(self, url: str, timeout: float = 10):
        parts = urlsplit(url)
        self._socket = socket.create_connection((parts.hostname, parts.port or 80), timeout)
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._pending: list[str | bytes] = []
        self._closed: int | None = None
        self._buffers: list[str | bytes] = []
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self._socket.sendall(self._ws.send(Request(host=parts.netloc, target=target)))
        deadline = time.monotonic() + timeout
        while True:
            for event in self._events(deadline):
                if isinstance(event, AcceptConnection):
                    return
                if isinstance(event, RejectConnection):
                    raise Closed(event.status_code)

    def _events(self, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no WebSocket data in time")
        self._socket.settimeout(remaining)
        data = self._socket.recv(65536)
        self._ws.receive_data(data or None)
        return list(self._ws.events())

    def send(self, data: str | bytes) -> None:
        """Sends one message; Closed once the server closed the socket (a client cannot send
        after it received the server's close, and the close may come at any time)."""
        if self._closed is not None:
            raise Closed(self._closed)
        event = TextMessage(data) if isinstance(data, str) else BytesMessage(data)
        try:
            self._socket.sendall(self._ws.send(event))
        except OSError as e:  # the server dropped the connection after its close
            raise Closed(1006) from e

    def send_fragments(self, data: bytes, pieces: int) -> None:
        """Sends one binary message as `pieces` WebSocket fragments (as a client may)."""
        size = -(-len(data) // pieces)
        for start in range(0, len(data), size):
            last = start + size >= len(data)
            event = BytesMessage(data[start : start + size], message_finished=last)
            self._socket.sendall(self._ws.send(event))

    def receive(self, timeout: float = 10) -> str | bytes:
        """The next whole message; Closed when the server closed the socket."""
        deadline = time.monotonic() + timeout
        while not self._pending:
            if self._closed is not None:
                raise Closed(self._closed)
            for event in self._events(deadline):
                if isinstance(event, Message):
                    self._buffers.append(event.data)
                    if event.message_finished:
                        first = self._buffers[0]
                        joined = (
                            "".join(self._buffers)  # type: ignore[arg-type]
                            if isinstance(first, str)
                            else b"".join(self._buffers)  # type: ignore[arg-type]
                        )
                        self._pending.append(joined)
                        self._buffers = []
                elif isinstance(event, Ping):
                    self._socket.sendall(self._ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    self._closed = event.code  # raised once the messages before it are read
                    with contextlib.suppress(OSError):
                        self._socket.sendall(self._ws.send(event.response()))
        return self._pending.pop(0)

    def close(self) -> None:
        if self._closed is not None:  # answered the server's close already
            self._socket.close()
            return
        with contextlib.suppress(Exception):
            self._socket.sendall(self._ws.send(CloseConnection(code=1000)))
        self._socket.close()

    def abort(self) -> None:
        """Drops the TCP connection without a WebSocket close, as a vanished client does."""
        self._socket.close()
