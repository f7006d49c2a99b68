import threading

from localstack_ssm_docker.ssm.run.timers import TimerThread


def test_calls_run_in_due_order_and_cancelled_ones_not_at_all():
    timers = TimerThread()
    ran: list[str] = []
    done = threading.Event()
    try:
        timers.call_later(0.06, lambda: (ran.append("last"), done.set()))
        timers.call_later(0.02, lambda: ran.append("first"))
        timers.call_later(0.04, lambda: ran.append("cancelled")).cancel()
        assert done.wait(5)
    finally:
        timers.shutdown()
    assert ran == ["first", "last"]


def test_a_failing_call_does_not_stop_the_others():
    timers = TimerThread()
    done = threading.Event()
    try:
        timers.call_later(0.0, lambda: 1 / 0)
        timers.call_later(0.01, done.set)
        assert done.wait(5)
    finally:
        timers.shutdown()
