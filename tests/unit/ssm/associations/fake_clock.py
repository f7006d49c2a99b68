"""A clock whose time moves only when a test advances it, running calls as they fall due."""

import heapq
import itertools
from collections.abc import Callable


class FakeTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    def __init__(self, start: float):
        self._now = start
        self._heap: list[tuple[float, int, FakeTimer, Callable[[], None]]] = []
        self._counter = itertools.count()
        self.wakeups = 0

    def now(self) -> float:
        return self._now

    def call_at(self, when: float, action: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer()
        heapq.heappush(self._heap, (when, next(self._counter), timer, action))
        return timer

    def shutdown(self) -> None:
        self._heap.clear()

    @property
    def pending(self) -> int:
        return sum(1 for _, _, t, _ in self._heap if not t.cancelled)

    def advance(self, seconds: float) -> None:
        """Moves time on, running each call when its time comes (calls may arm more)."""
        end = self._now + seconds
        while self._heap and self._heap[0][0] <= end:
            when, _, timer, action = heapq.heappop(self._heap)
            self._now = max(self._now, when)
            if not timer.cancelled:
                self.wakeups += 1
                action()
        self._now = end
