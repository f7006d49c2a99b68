import threading

from localstack_ssm_docker.ssm.run.timers import Scheduler


def test_calls_run_in_due_order_and_cancelled_ones_not_at_all():
    scheduler = Scheduler()
    ran: list[str] = []
    done = threading.Event()
    try:
        scheduler.call_later(0.06, lambda: (ran.append("last"), done.set()))
        scheduler.call_later(0.02, lambda: ran.append("first"))
        scheduler.call_later(0.04, lambda: ran.append("cancelled")).cancel()
        assert done.wait(5)
    finally:
        scheduler.shutdown()
    assert ran == ["first", "last"]


def test_a_failing_call_does_not_stop_the_others():
    scheduler = Scheduler()
    done = threading.Event()
    try:
        scheduler.call_later(0.0, lambda: 1 / 0)
        scheduler.call_later(0.01, done.set)
        assert done.wait(5)
    finally:
        scheduler.shutdown()
