"""What goes out on one data channel socket, from any thread, written in order by one thread.

Under Twisted only the reactor thread may write a transport, and each hand-over to it (a
callFromThread) wakes the reactor and costs a turn of its loop. Frames queue here instead and
one hand-over writes every frame queued by then: while the reactor is busy, a bulk transfer's
frames and acknowledgements go out many per turn, and a lone frame (a keystroke's echo) still
goes at the next turn. A close is queued like a frame, so it follows what was sent before it.
"""

import threading
from collections.abc import Callable

Close = tuple[int, str | None]


class Outbox:
    """Frames and a close for one socket; `hand_over` runs a callable on the writing thread."""

    def __init__(
        self,
        hand_over: Callable[[Callable[[], None]], None],
        write: Callable[[bytes], None],
        close: Callable[[int, str | None], None],
    ):
        self._hand_over = hand_over
        self._write = write
        self._close = close
        self._lock = threading.Lock()
        self._queued: list[bytes | Close] = []
        self._handed_over = False

    def send(self, data: bytes) -> None:
        self._queue(data)

    def close(self, code: int, reason: str | None) -> None:
        self._queue((code, reason))

    def _queue(self, item: bytes | Close) -> None:
        with self._lock:
            self._queued.append(item)
            if self._handed_over:
                return  # the pending hand-over writes it too
            self._handed_over = True
        self._hand_over(self._flush)

    def _flush(self) -> None:
        """On the writing thread: everything queued so far, in order."""
        with self._lock:
            items, self._queued = self._queued, []
            self._handed_over = False
        for item in items:
            if isinstance(item, bytes):
                self._write(item)
            else:
                self._close(*item)
