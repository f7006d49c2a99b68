"""Whole WebSocket messages from a data channel's socket.

A WebSocket message may come in fragments (the client's choice), and its bytes in several
reads; a data channel frame decodes only whole. Under Twisted, rolo's adapter hands over each
chunk wsproto parses as if it were a message (it leaves out wsproto's ``message_finished``), so
there the messages are read from wsproto's events and joined up to their last chunk. Other
adapters hand over whole messages, which count as finished."""

import queue
import time
from collections.abc import Callable

from localstack.http.websocket import WebSocket, WebSocketDisconnectedError
from wsproto.events import CloseConnection

Events = Callable[[float], object]
"""The socket's next event within a timeout (TimeoutError when none came)."""


class MessageReader:
    """The messages of one socket; a message's chunks wait for its last one across reads."""

    def __init__(self, events: Events):
        self._events = events
        self._parts: list[str | bytes] = []

    def next(self, timeout: float) -> str | bytes | None:
        """The next whole message, or None when none was completed within `timeout`;
        WebSocketDisconnectedError once the client closed the socket."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self._events(max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                return None
            if isinstance(event, CloseConnection):
                raise WebSocketDisconnectedError(event.code)
            data = getattr(event, "data", None)
            if isinstance(data, str | bytes | bytearray):
                self._parts.append(data if isinstance(data, str) else bytes(data))
                if getattr(event, "message_finished", True):
                    parts, self._parts = self._parts, []
                    if isinstance(parts[0], str):
                        return "".join(p for p in parts if isinstance(p, str))
                    return b"".join(p for p in parts if isinstance(p, bytes))
            if time.monotonic() >= deadline:
                return None


def reader_for(websocket: WebSocket) -> MessageReader:
    """The reader for an accepted socket: wsproto's own events under Twisted."""
    adapter = websocket.socket
    try:
        from rolo.serving.twisted import TwistedWebSocketAdapter
    except ImportError:
        return MessageReader(adapter.receive)
    if not isinstance(adapter, TwistedWebSocketAdapter):
        return MessageReader(adapter.receive)
    pending = adapter.channel.eventQueue

    def events(timeout: float) -> object:
        try:
            return pending.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None

    return MessageReader(events)
