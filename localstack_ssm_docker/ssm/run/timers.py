"""One thread that calls functions when they fall due (execution and delivery timeouts, retries).

The roles of Run Command take a `Timers` (the `TimerThread` here, or a test's that runs due calls
when the test advances its clock)."""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

LOG = logging.getLogger(__name__)


class Timer:
    """A scheduled call; `cancel()` stops it unless the timer thread has already taken it up."""

    def __init__(self, due: float, action: Callable[[], None]):
        self.due = due
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        """Keeps the call from running, unless it is already under way."""
        self.cancelled = True


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Timers(Protocol):
    """What Run Command's roles need of timers (tests drive their own)."""

    def call_later(self, delay: float, action: Callable[[], None]) -> Cancellable:
        """Calls `action` after `delay` seconds; a cancel() that comes after the call has
        started does not stop it, so an action must check that what it acts on is still its."""
        ...

    def shutdown(self) -> None: ...


class TimerThread:
    """Runs scheduled calls on one daemon thread, sleeping until the next one is due."""

    def __init__(self, name: str = "ssm-timers"):
        self._heap: list[tuple[float, int, Timer]] = []
        self._counter = itertools.count()
        self._wakeup = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def call_later(self, delay: float, action: Callable[[], None]) -> Timer:
        """Calls `action` after `delay` seconds (on the timer thread)."""
        timer = Timer(time.monotonic() + delay, action)
        with self._wakeup:
            heapq.heappush(self._heap, (timer.due, next(self._counter), timer))
            self._wakeup.notify()
        return timer

    def shutdown(self) -> None:
        """Stops the thread; calls not yet due never run."""
        with self._wakeup:
            self._stopped = True
            self._wakeup.notify()

    def _loop(self) -> None:
        while True:
            with self._wakeup:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._wakeup.wait(timeout)
                if self._stopped:
                    return
                _, _, timer = heapq.heappop(self._heap)
            if not timer.cancelled:
                try:
                    timer.action()
                except Exception:
                    LOG.exception("scheduled call failed")
