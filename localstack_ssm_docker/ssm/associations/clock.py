"""The one clock State Manager's schedules read and arm timers on.

Behind this interface the unit tests drive schedules through days of fake time, while LocalStack
uses `SystemClock`: wall-clock time and one timer thread that sleeps until the next due call (so
an idle clock costs nothing).
"""

import time
from collections.abc import Callable
from typing import Protocol

from localstack_ssm_docker.ssm.run.timers import TimerThread


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Wall-clock time, and calls at a wall-clock time."""

    def now(self) -> float:
        """POSIX seconds."""
        ...

    def call_at(self, when: float, action: Callable[[], None]) -> Cancellable:
        """Calls `action` (on the clock's thread) once `when` has come; at once if it has."""
        ...

    def shutdown(self) -> None:
        """No call runs after this returns."""
        ...


MAX_WAIT = 86400.0
"""The longest single wait: a call further away waits in hops (a thread cannot wait for
years, and wall-clock time may move meanwhile)."""


class _Hopping:
    """A call armed in hops; cancelling it cancels the current hop."""

    def __init__(self) -> None:
        self.current: Cancellable | None = None
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True
        if self.current is not None:
            self.current.cancel()


class SystemClock:
    """time.time() and a `TimerThread`."""

    def __init__(self, name: str = "ssm-associations"):
        self._timers = TimerThread(name)

    def now(self) -> float:
        return time.time()

    def call_at(self, when: float, action: Callable[[], None]) -> Cancellable:
        handle = _Hopping()
        self._arm(handle, when, action)
        return handle

    def _arm(self, handle: _Hopping, when: float, action: Callable[[], None]) -> None:
        delay = max(0.0, when - time.time())
        if delay <= MAX_WAIT:
            handle.current = self._timers.call_later(delay, action)
        else:

            def hop() -> None:
                if not handle.cancelled:
                    self._arm(handle, when, action)

            handle.current = self._timers.call_later(MAX_WAIT, hop)
        if handle.cancelled:  # a cancel() that came while this hop got armed may have missed it
            handle.current.cancel()

    def shutdown(self) -> None:
        self._timers.shutdown()
