"""Launches under way, and the moment after which none may start: shutdown closes the gate, waits
a bounded time for the launches in flight, and only then removes the containers. A launch that
finishes after that sees the gate closed and removes what it made itself: a container made while
LocalStack stops never outlives it for want of a record."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ShuttingDown(Exception):
    """LocalStack is stopping: no instance may be launched any more."""


class LaunchGate:
    """Counts the launches in flight; closed once, at shutdown."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = True
        self._in_flight = 0

    @contextmanager
    def launching(self) -> Iterator[None]:
        """Around one launch; ShuttingDown when the gate is already closed."""
        with self._changed:
            if not self._open:
                raise ShuttingDown("LocalStack is shutting down")
            self._in_flight += 1
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    @property
    def closed(self) -> bool:
        with self._changed:
            return not self._open

    def close(self, timeout: float) -> bool:
        """No launch starts from now on; True once those in flight ended (False: `timeout`
        passed first)."""
        with self._changed:
            self._open = False
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout)
