"""An association's one timer when it is armed from two threads at once, or re-armed just as its
timer fires: the interleavings are driven by fake clocks that hold a call where the test says."""

import heapq
import threading

from localstack_ssm_docker.ssm.associations.models import AssociationRecord, AssociationVersion
from localstack_ssm_docker.ssm.associations.scheduler import AssociationScheduler
from tests.unit.ssm.associations.fake_clock import FakeClock

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
HOUR = 3600
DEADLINE = 10


def hourly() -> AssociationRecord:
    settings = {"Name": "AWS-RunShellScript", "ScheduleExpression": "rate(1 hour)"}
    return AssociationRecord("a-1", START, [AssociationVersion(1, START, settings)], START, START)


class HoldingClock(FakeClock):
    """`hold_next()`: the next `call_at` (on any thread) waits until `release` is set."""

    def __init__(self) -> None:
        super().__init__(START)
        self._hold = False
        self._guard = threading.Lock()
        self.holding, self.release = threading.Event(), threading.Event()

    def hold_next(self) -> None:
        with self._guard:
            self._hold = True

    def call_at(self, when, action):
        with self._guard:
            hold, self._hold = self._hold, False
        if hold:
            self.holding.set()
            assert self.release.wait(DEADLINE)
        with self._guard:
            return super().call_at(when, action)


class TakingClock(FakeClock):
    """`on_taken`: called once a due timer has been taken up (its cancel no longer stops it)
    and before its call runs, as a clock thread can be overtaken there."""

    def __init__(self) -> None:
        super().__init__(START)
        self.on_taken = None

    def advance(self, seconds: float) -> None:
        end = self._now + seconds
        while self._heap and self._heap[0][0] <= end:
            when, _, timer, action = heapq.heappop(self._heap)
            self._now = max(self._now, when)
            if not timer.cancelled:
                hook, self.on_taken = self.on_taken, None
                if hook is not None:
                    hook()
                action()
        self._now = end


def test_two_arms_at_once_leave_one_timer():
    clock = HoldingClock()
    scheduler = AssociationScheduler(clock, lambda *_: None)
    record = hourly()
    clock.hold_next()
    first = threading.Thread(target=scheduler.arm, args=("111111111111", "eu-west-1", record))
    first.start()
    try:
        assert clock.holding.wait(DEADLINE)
        scheduler.arm("111111111111", "eu-west-1", record)
    finally:
        clock.release.set()
        first.join(DEADLINE)
    assert (clock.pending, scheduler.armed) == (1, 1)


def test_a_timer_that_fires_as_it_is_replaced_leaves_its_replacement_armed():
    clock = TakingClock()
    due: list[str] = []
    scheduler = AssociationScheduler(
        clock, lambda _a, _r, association_id: due.append(association_id)
    )
    record = hourly()
    scheduler.arm("111111111111", "eu-west-1", record)

    def updated() -> None:  # as UpdateAssociation does: a new grid from now, re-armed
        record.schedule_mark = record.schedule_anchor = clock.now()
        scheduler.arm("111111111111", "eu-west-1", record)

    clock.on_taken = updated
    clock.advance(HOUR)
    assert due == ["a-1"]
    updated()  # a further update: the timer it cancels must be the one armed
    assert (clock.pending, scheduler.armed) == (1, 1)
