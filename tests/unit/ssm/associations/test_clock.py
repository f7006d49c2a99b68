import threading
import time

from localstack_ssm_docker.ssm.associations import clock as clock_module
from localstack_ssm_docker.ssm.associations.clock import SystemClock


def test_a_far_call_waits_in_hops_and_runs_at_its_time(monkeypatch):
    monkeypatch.setattr(clock_module, "MAX_WAIT", 0.05)
    clock = SystemClock("test-clock")
    fired = threading.Event()
    fired_at: list[float] = []
    due = clock.now() + 0.3

    def action() -> None:
        fired_at.append(clock.now())
        fired.set()

    try:
        clock.call_at(due, action)
        assert fired.wait(5)
        assert fired_at[0] >= due
    finally:
        clock.shutdown()


def test_a_cancelled_far_call_never_runs(monkeypatch):
    monkeypatch.setattr(clock_module, "MAX_WAIT", 0.05)
    clock = SystemClock("test-clock")
    fired = threading.Event()
    later = threading.Event()
    try:
        handle = clock.call_at(clock.now() + 0.2, fired.set)
        handle.cancel()
        clock.call_at(clock.now() + 0.4, later.set)
        assert later.wait(5)  # a call due after the cancelled one has run ...
        assert not fired.is_set()  # ... and the cancelled one did not
    finally:
        clock.shutdown()


def test_a_past_time_runs_at_once():
    clock = SystemClock("test-clock")
    fired = threading.Event()
    try:
        clock.call_at(time.time() - 3600, fired.set)
        assert fired.wait(5)
    finally:
        clock.shutdown()
