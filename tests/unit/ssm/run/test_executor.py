"""CommandExecutor: scheduling within MaxConcurrency and MaxErrors, delivery timeouts,
CancelCommand, the observer and shutdown."""

import threading
import time

from localstack_ssm_docker.engine.values import ScriptJob
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from tests.unit.builders import CID, command
from tests.unit.fakes import FakeRunner, result
from tests.unit.ssm.run.harness import (
    DEADLINE,
    PLAN,
    invocation,
    request,
    start,
    targets,
    wait_for,
)


def test_invocation_moves_from_in_progress_to_success(executors, store):
    release, started = threading.Event(), threading.Event()

    def respond(_container: str, _job: ScriptJob):
        started.set()
        assert release.wait(DEADLINE)
        return result(0, b"hi\n")

    start(executors, FakeRunner(respond), store)
    assert started.wait(DEADLINE)
    running = invocation(store)
    assert (running.result.status, running.result.response_code, running.result.stdout) == (
        "InProgress",
        -1,
        "",
    )
    assert running.result.started_at is not None
    release.set()
    done = wait_for(store)
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "Success",
        "Success",
        0,
    )
    assert (done.result.stdout, done.result.stderr) == ("hi\n", "")
    assert done.result.ended_at >= done.result.started_at


def test_cancel_of_running_invocation_shows_cancelling_then_cancelled(executors, store):
    started, allow_kill = threading.Event(), threading.Event()

    def respond(_c, _j):
        started.set()
        return result(137 if runner.killed.wait(DEADLINE) else 0)

    runner = FakeRunner(respond)
    runner.kill_answers = allow_kill.is_set
    executor = start(executors, runner, store)
    assert started.wait(DEADLINE)
    executor.cancel(CID)
    cancelling = invocation(store)
    assert (cancelling.result.status, cancelling.result.status_details) == (
        "Cancelling",
        "Cancelling",
    )
    allow_kill.set()
    done = wait_for(store)
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "Cancelled",
        "Cancelled",
        137,
    )


def test_cancel_of_waiting_invocations_ends_them_without_running(executors, store):
    gate, started = threading.Event(), threading.Event()

    def respond(_c, _j):
        started.set()
        return result(0 if gate.wait(DEADLINE) else 1)

    runner = FakeRunner(respond)
    executor = start(executors, runner, store, count=3, max_concurrency="1")
    assert started.wait(DEADLINE)
    executor.cancel(CID, ["i-00000001", "i-00000002"])
    for waiting in ("i-00000001", "i-00000002"):
        assert (
            invocation(store, waiting).result.status,
            invocation(store, waiting).result.status_details,
        ) == (
            "Cancelled",
            "Cancelled",
        )
    gate.set()
    assert wait_for(store).result.status == "Success"
    assert len(runner.jobs) == 1


def test_cancel_after_the_end_changes_nothing(executors, store):
    executor = start(executors, FakeRunner(lambda _c, _j: result(0)), store)
    done = wait_for(store)
    executor.cancel(CID)
    assert invocation(store) == done


def test_max_concurrency_caps_running_invocations(executors, store):
    lock, go = threading.Lock(), threading.Event()
    active, peak = [0], [0]

    def respond(_c, _j):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        go.wait(DEADLINE)
        with lock:
            active[0] -= 1
        return result(0)

    start(executors, FakeRunner(respond), store, count=5, max_concurrency="2")
    deadline = time.monotonic() + DEADLINE
    while active[0] < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    statuses = sorted(invocation(store, t.instance_id).result.status for t in targets(5))
    assert statuses == ["InProgress", "InProgress", "Pending", "Pending", "Pending"]
    go.set()
    for t in targets(5):
        assert wait_for(store, t.instance_id).result.status == "Success"
    assert peak[0] == 2


def test_percentage_concurrency_rounds_up(executors, store):
    go = threading.Event()
    runner = FakeRunner(lambda _c, _j: result(0 if go.wait(DEADLINE) else 1))
    start(executors, runner, store, count=3, max_concurrency="10%")
    wait_for(store, "i-00000000", lambda i: i.result.status == "InProgress")
    assert [invocation(store, t.instance_id).result.status for t in targets(3)][1:] == [
        "Pending"
    ] * 2
    go.set()


def test_spent_error_budget_terminates_unsent_invocations(executors, store):
    runner = FakeRunner(lambda _c, _j: result(1))
    start(executors, runner, store, count=4, max_concurrency="1", max_errors="1")
    ended = [wait_for(store, t.instance_id) for t in targets(4)]
    assert [(i.result.status, i.result.status_details) for i in ended] == [
        ("Failed", "Failed"),
        ("Failed", "Failed"),
        ("Cancelled", "Terminated"),
        ("Cancelled", "Terminated"),
    ]
    assert len(runner.jobs) == 2


def test_queued_invocations_time_out_delivery_behind_concurrency(executors, store):
    go = threading.Event()
    runner = FakeRunner(lambda _c, _j: result(0 if go.wait(DEADLINE) else 1))
    start(executors, runner, store, count=2, max_concurrency="1", timeout_seconds=0.2)
    queued = wait_for(store, "i-00000001")
    assert (queued.result.status, queued.result.status_details) == ("TimedOut", "DeliveryTimedOut")
    go.set()
    assert wait_for(store, "i-00000000").result.status == "Success"


def test_invocations_of_one_command_run_at_the_same_time(executors, store):
    barrier = threading.Barrier(3, timeout=DEADLINE)

    def respond(_c, _j):
        barrier.wait()  # breaks (failing the invocations) unless all three run at once
        return result(0)

    start(executors, FakeRunner(respond), store, count=3)
    assert {wait_for(store, t.instance_id).result.status for t in targets(3)} == {"Success"}


class RecordingObserver:
    def __init__(self):
        self.changes: list[tuple[str, str]] = []
        self.closed = False

    def invocation_changed(self, account_id, region, command_, invocation):
        self.changes.append(("invocation", invocation.result.status))

    def command_changed(self, account_id, region, command_, status, instance_ids):
        self.changes.append(("command", status))

    def shutdown(self):
        self.closed = True


def test_observer_hears_each_status_change_once(store):
    observer = RecordingObserver()
    executor = CommandExecutor(FakeRunner(lambda _c, _j: result(1)), 2, observer=observer)
    executor.submit(request(store, command(), PLAN, 1))
    deadline = time.monotonic() + DEADLINE
    while len(observer.changes) < 4 and time.monotonic() < deadline:
        time.sleep(0.001)
    executor.shutdown()
    assert observer.changes == [
        ("invocation", "InProgress"),
        ("command", "InProgress"),
        ("invocation", "Failed"),
        ("command", "Failed"),
    ]
    assert observer.closed


def test_a_failing_observer_does_not_break_the_invocation(store):
    class Broken(RecordingObserver):
        def invocation_changed(self, *args):
            raise RuntimeError("observer down")

    executor = CommandExecutor(FakeRunner(lambda _c, _j: result(0)), 2, observer=Broken())
    executor.submit(request(store, command(), PLAN, 1))
    done = wait_for(store)
    executor.shutdown()
    assert (done.result.status, done.result.stderr) == ("Success", "")


def test_shutdown_ends_running_and_waiting_invocations(store):
    started = threading.Event()

    def respond(_c, _j):
        started.set()
        return result(137 if runner.killed.wait(DEADLINE) else 0)

    runner = FakeRunner(respond)
    executor = CommandExecutor(runner, workers=4)
    executor.submit(request(store, command(max_concurrency="1"), PLAN, 2))
    assert started.wait(DEADLINE)
    executor.shutdown(deadline=DEADLINE)
    running, waiting = invocation(store, "i-00000000"), invocation(store, "i-00000001")
    assert (running.result.status, running.result.status_details) == ("Failed", "Failed")
    assert running.result.stderr == "LocalStack stopped while the command was running."
    assert (waiting.result.status, waiting.result.status_details) == ("Failed", "Undeliverable")
