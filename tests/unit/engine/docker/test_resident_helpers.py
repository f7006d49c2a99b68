"""Which resident helper a job gets: the one started with its container (waited for while it
starts), idle ones, new ones; which are kept, retired or forgotten. Helpers here are fakes of the
extension's own Helper interface; the shell side is in test_resident_shell.py."""

import threading
from collections.abc import Callable

import pytest

from localstack_ssm_docker.engine.docker.resident import (
    IDLE_PER_CONTAINER,
    MAX_FAILED_STARTS,
    NotStarted,
    ResidentHelpers,
    Sink,
)
from localstack_ssm_docker.engine.docker.scripts import BoundedBuffer
from localstack_ssm_docker.engine.errors import ContainerNotRunning
from localstack_ssm_docker.engine.values import ScriptJob

WAIT = 10


class FakeHelper:
    """Answers each job with `exit_code`; `gone` makes it fail before the script starts."""

    def __init__(self, number: int, resident: bool, proven: bool):
        self.number = number
        self.resident = resident
        self.proven = proven
        self.gone = False
        self.paused = False
        self.closed = False
        self.exit_code: int | None = 0
        self.jobs = 0
        self.busy = threading.Event()
        self.release: threading.Event | None = None

    def run(self, request: bytes, token: str, stdout: Sink, stderr: Sink) -> int | None:
        if self.gone or self.closed:
            raise NotStarted("gone")
        if self.paused:
            raise ContainerNotRunning("paused")
        self.proven = True
        self.jobs += 1
        self.busy.set()
        if self.release is not None:
            assert self.release.wait(WAIT)
        stdout.write(f"helper {self.number}\n".encode())
        return self.exit_code

    def close(self) -> None:
        self.closed = True


class FakeStarter:
    """Starts FakeHelpers, recording (container, resident, ready); `gate`, when set, holds the
    starts that wait for the helper to be ready (the background's) until it is set; `fail_with`
    makes starts fail; `dead_on_arrival` gives helpers that are gone before their first job."""

    def __init__(self) -> None:
        self.starts: list[tuple[str, bool, bool]] = []
        self.helpers: list[FakeHelper] = []
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.fail_with: Exception | None = None
        self.dead_on_arrival = False
        self.hold: threading.Event | None = None
        """Given to new helpers: their jobs wait for it."""

    def __call__(self, container_id: str, resident: bool, ready: bool) -> FakeHelper:
        self.starts.append((container_id, resident, ready))
        if ready:
            self.entered.set()
            if self.gate is not None:
                assert self.gate.wait(WAIT)
        if self.fail_with is not None:
            raise self.fail_with
        helper = FakeHelper(len(self.helpers), resident, proven=ready)
        helper.gone = self.dead_on_arrival
        helper.release = self.hold
        self.helpers.append(helper)
        return helper


class ManualBackground:
    """Keeps background calls until the test runs them (on a thread, or right here)."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], None]] = []

    def __call__(self, work: Callable[[], None]) -> None:
        self.calls.append(work)

    def run_all(self) -> None:
        while self.calls:
            self.calls.pop(0)()

    def run_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.calls.pop(0))
        thread.start()
        return thread


def job(script: str = "echo hi\n") -> ScriptJob:
    return ScriptJob(script, "/var/lib/amazon/ssm/i-1/document/c/0", "", {}, 1000)


def run(helpers: ResidentHelpers, container: str = "c1", **kwargs) -> tuple[int | None, bytes]:
    out, err = BoundedBuffer(1000), BoundedBuffer(1000)
    code = helpers.run(container, job(), out, err, **kwargs)
    return code, out.value()


def in_thread(action: Callable[[], object]) -> tuple[threading.Thread, list]:
    results: list = []
    thread = threading.Thread(target=lambda: results.append(action()))
    thread.start()
    return thread, results


@pytest.fixture
def starter() -> FakeStarter:
    return FakeStarter()


@pytest.fixture
def background() -> ManualBackground:
    return ManualBackground()


@pytest.fixture
def helpers(starter, background) -> ResidentHelpers:
    return ResidentHelpers(starter, background, start_wait=WAIT)


def test_a_started_container_gets_a_resident_helper_in_the_background_that_its_first_job_uses(
    helpers, starter, background
):
    helpers.prepare("c1")
    assert starter.starts == []  # nothing on the caller's thread
    background.run_all()
    assert starter.starts == [("c1", True, True)]
    assert run(helpers) == (0, b"helper 0\n")
    assert run(helpers) == (0, b"helper 0\n")
    assert len(starter.starts) == 1


def test_preparing_a_container_that_has_its_resident_helper_starts_nothing(
    helpers, starter, background
):
    helpers.prepare("c1")
    helpers.prepare("c1")
    background.run_all()
    helpers.prepare("c1")
    assert background.calls == [] and len(starter.starts) == 1


def test_a_job_that_comes_while_the_resident_helper_starts_waits_for_it(
    helpers, starter, background
):
    starter.gate = threading.Event()
    helpers.prepare("c1")
    starting = background.run_in_thread()
    assert starter.entered.wait(WAIT)
    waiting, results = in_thread(lambda: run(helpers))
    poll_until(lambda: helpers._containers["c1"].awaited)
    starter.gate.set()
    starting.join(WAIT)
    waiting.join(WAIT)
    assert results == [(0, b"helper 0\n")]
    assert starter.starts == [("c1", True, True)]


def test_a_second_job_meanwhile_starts_a_helper_of_its_own_that_is_not_resident(
    helpers, starter, background
):
    starter.gate = threading.Event()
    helpers.prepare("c1")
    starting = background.run_in_thread()
    assert starter.entered.wait(WAIT)
    first, first_result = in_thread(lambda: run(helpers))
    poll_until(lambda: helpers._containers["c1"].awaited)  # the first job waits
    assert run(helpers) == (0, b"helper 0\n")  # the second: a helper of its own, at once
    assert starter.starts[1] == ("c1", False, False)
    first.join(WAIT)  # the first takes the helper given back first
    assert first_result == [(0, b"helper 0\n")]
    starter.gate.set()
    starting.join(WAIT)
    assert [h.resident for h in starter.helpers] == [False, True]
    assert run(helpers) == (0, b"helper 1\n")  # the resident one first


def test_a_helper_started_for_a_container_forgotten_meanwhile_is_closed_when_it_comes(
    helpers, starter, background
):
    helpers.prepare("c1")
    helpers.forget("c1")  # restarted, stopped or removed before the helper is up
    background.run_all()
    assert starter.helpers[0].closed
    assert run(helpers) == (0, b"helper 1\n")
    assert starter.starts[1] == ("c1", True, False)


def test_a_forgotten_containers_idle_helpers_are_closed_and_preparing_it_again_starts_anew(
    helpers, starter, background
):
    helpers.prepare("c1")
    background.run_all()
    helpers.forget("c1")
    assert starter.helpers[0].closed
    helpers.prepare("c1")
    background.run_all()
    assert run(helpers) == (0, b"helper 1\n")


def test_a_resident_helper_gone_while_idle_is_replaced_without_counting_as_a_failed_start(
    helpers, starter, background
):
    helpers.prepare("c1")
    background.run_all()
    starter.helpers[0].gone = True  # its container restarted behind our back, the engine did
    for expected in range(1, MAX_FAILED_STARTS + 2):
        assert run(helpers) == (0, f"helper {expected}\n".encode())
        starter.helpers[expected].gone = True
    assert [s[1] for s in starter.starts[1:]] == [True] * (MAX_FAILED_STARTS + 1)


def test_a_container_whose_helpers_never_start_gets_execs_after_a_few_tries(helpers, starter):
    starter.dead_on_arrival = True  # no sh, cat or mv in the image
    for _ in range(MAX_FAILED_STARTS):
        with pytest.raises(NotStarted):
            run(helpers)
    with pytest.raises(NotStarted):
        run(helpers)
    assert len(starter.starts) == MAX_FAILED_STARTS


def test_a_resident_helper_that_fails_to_start_in_the_background_is_started_by_the_next_job(
    helpers, starter, background
):
    starter.fail_with = NotStarted("the helper ended before it was ready")
    helpers.prepare("c1")
    background.run_all()
    starter.fail_with = None
    assert run(helpers) == (0, b"helper 0\n")
    assert starter.starts[1] == ("c1", True, False)


def test_a_job_that_was_killed_retires_its_helper_and_the_next_job_starts_a_resident_one(
    helpers, starter, background
):
    helpers.prepare("c1")
    background.run_all()
    starter.helpers[0].exit_code = 137
    assert run(helpers, retire=lambda: True) == (137, b"helper 0\n")
    assert starter.helpers[0].closed
    assert run(helpers) == (0, b"helper 1\n")
    assert starter.starts[1] == ("c1", True, False)


def test_a_job_without_a_recorded_exit_code_retires_its_helper(helpers, starter, background):
    helpers.prepare("c1")
    background.run_all()
    starter.helpers[0].exit_code = None
    assert run(helpers) == (None, b"helper 0\n")
    assert starter.helpers[0].closed


def test_concurrent_jobs_get_extra_helpers_of_which_a_few_stay_idle_and_the_resident_one_is_first(
    helpers, starter, background
):
    helpers.prepare("c1")
    background.run_all()
    release = threading.Event()
    starter.helpers[0].release = starter.hold = release
    count = IDLE_PER_CONTAINER + 2
    threads = []
    for k in range(count):
        threads.append(in_thread(lambda: run(helpers))[0])
        poll_until(lambda k=k: len(starter.helpers) == k + 1 and starter.helpers[k].busy.is_set())
    release.set()
    for thread in threads:
        thread.join(WAIT)
    resident, *extras = starter.helpers
    assert resident.resident and not resident.closed
    assert not any(h.resident for h in extras)
    assert sum(not h.closed for h in extras) == IDLE_PER_CONTAINER - 1  # idle, up to 4 in all
    assert run(helpers) == (0, b"helper 0\n")


def poll_until(condition: Callable[[], bool]) -> None:
    """Waits until the condition holds (another thread gets there)."""
    done = threading.Event()
    for _ in range(WAIT * 1000):
        if condition():
            return
        done.wait(0.001)
    raise AssertionError("condition not met")


def test_jobs_the_helper_cannot_carry_start_no_helper(helpers, starter):
    out, err = BoundedBuffer(10), BoundedBuffer(10)
    with pytest.raises(NotStarted):
        helpers.run("c1", job("x" * 100_000), out, err)
    assert starter.starts == []


def test_a_paused_container_says_so_and_its_frozen_helpers_are_let_go(helpers, starter, background):
    helpers.prepare("c1")
    background.run_all()
    release = threading.Event()
    starter.helpers[0].release = release
    busy, _ = in_thread(lambda: run(helpers))
    poll_until(lambda: starter.helpers[0].busy.is_set())
    assert run(helpers) == (0, b"helper 1\n")  # an extra one, idle afterwards
    release.set()
    busy.join(WAIT)
    starter.helpers[0].paused = True
    with pytest.raises(ContainerNotRunning):
        run(helpers)
    assert all(h.closed for h in starter.helpers)
    assert run(helpers) == (0, b"helper 2\n")  # resumed: a new resident helper
    assert starter.starts[-1] == ("c1", True, False)
