"""Kills: execution timeouts, retried kills, containers that cannot be reached when the script
must end."""

import threading

import pytest

from localstack_ssm_docker.engine.errors import ContainerNotRunning
from localstack_ssm_docker.ssm.documents.plan import CommandPlan, StepPlan
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from localstack_ssm_docker.ssm.run.output_names import OutputLocations
from localstack_ssm_docker.ssm.run.status import REBOOT_EXIT_CODE
from tests.unit.builders import command
from tests.unit.fakes import FakeRunner, HeldPool, ManualTimers, result
from tests.unit.ssm.run.harness import (
    DEADLINE,
    PLAN,
    invocation,
    request,
    shell_plan,
    start,
    wait_for,
)


def test_execution_timeout_kills_and_keeps_output(executors, store):
    runner = FakeRunner(
        lambda _c, _j: result(137 if runner.killed.wait(DEADLINE) else 0, b"so far")
    )
    start(executors, runner, store, plan=shell_plan("sleep 100\n", 0.05))
    done = wait_for(store)
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "TimedOut",
        "ExecutionTimedOut",
        137,
    )
    assert done.result.stdout == "so far"


def test_kill_is_retried_until_it_reaches_the_script(executors, store):
    attempts = []
    runner = FakeRunner(lambda _c, _j: result(137 if runner.killed.wait(DEADLINE) else 0))
    runner.kill_answers = lambda: attempts.append(1) or len(attempts) >= 3
    start(executors, runner, store, plan=shell_plan("x\n", 0.05))
    assert wait_for(store).result.status == "TimedOut"
    assert len(attempts) == 3


def test_a_paused_container_ends_the_invocation_at_its_timeout_and_the_kill_goes_on(
    executors, store
):
    paused = threading.Event()
    paused.set()

    def kill_answers() -> bool:
        if paused.is_set():
            raise ContainerNotRunning("paused")
        return True

    runner = FakeRunner(lambda _c, _j: result(137 if runner.killed.wait(DEADLINE) else 0, b"late"))
    runner.kill_answers = kill_answers
    start(executors, runner, store, plan=shell_plan("sleep 100\n", 0.05))
    done = wait_for(store)
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "TimedOut",
        "ExecutionTimedOut",
        -1,
    )
    assert "paused" in done.result.stderr
    paused.clear()
    assert runner.killed.wait(DEADLINE)
    assert runner.finished.acquire(timeout=DEADLINE)
    assert invocation(store) == done


def test_shutdown_ends_an_invocation_whose_container_is_paused(store):
    started = threading.Event()

    def respond(_c, _j):
        started.set()
        return result(137 if runner.killed.wait(DEADLINE) else 0)

    def kill_answers() -> bool:
        raise ContainerNotRunning("paused")

    runner = FakeRunner(respond)
    runner.kill_answers = kill_answers
    executor = CommandExecutor(runner, workers=2)
    executor.submit(request(store, command(), PLAN, 1))
    assert started.wait(DEADLINE)
    executor.shutdown(deadline=DEADLINE)
    ended = invocation(store)
    assert (ended.result.status, ended.result.status_details, ended.result.response_code) == (
        "Failed",
        "Failed",
        -1,
    )
    assert ended.result.stderr == "LocalStack stopped while the command was running."
    runner.killed.set()


def _step(name: str, timeout: int) -> StepPlan:
    return StepPlan(name, "aws:runShellScript", name, f"echo {name}\n", "", timeout)


@pytest.mark.parametrize(
    ("plan", "first_exit_code"),
    [
        (CommandPlan((_step("first", 5), _step("second", 600))), 0),
        (CommandPlan((_step("first", 5),)), REBOOT_EXIT_CODE),
    ],
    ids=["next step", "re-run after exit 194"],
)
def test_a_timeout_whose_script_ended_meanwhile_kills_nothing_that_runs_after_it(
    executors, store, plan, first_exit_code
):
    """The timeout of the first run falls due while it runs; its kill is under way when that run
    ends by itself and the next one (the next step, or the re-run after a reboot) starts."""
    timers, control = ManualTimers(), HeldPool()
    first_started, first_may_end = threading.Event(), threading.Event()
    second_started, second_may_end = threading.Event(), threading.Event()

    def respond(_c, _j):
        if not first_started.is_set():
            first_started.set()
            assert first_may_end.wait(DEADLINE)
            return result(first_exit_code)
        second_started.set()
        assert second_may_end.wait(DEADLINE)
        return result(137 if runner.killed.is_set() else 0)

    runner = FakeRunner(respond)
    executor = CommandExecutor(runner, workers=2, timers=timers, control=control)
    executors.append(executor)
    executor.submit(request(store, command(), plan, 1))
    assert first_started.wait(DEADLINE)
    timers.advance(5)  # the first run's timeout: its kill goes to the control pool
    assert control.submitted.wait(DEADLINE)
    first_may_end.set()
    assert second_started.wait(DEADLINE)
    assert control.run_held() == 1  # the kill meant for the first run, now that the second runs
    second_may_end.set()
    done = wait_for(store)
    assert not runner.killed.is_set()
    assert (done.result.status, done.result.response_code) == ("Success", 0)


class _HeldSink:
    """An OutputSink whose first write waits until `release` is set."""

    def __init__(self) -> None:
        self.writing, self.release = threading.Event(), threading.Event()

    def write(self, account_id, region, command_, instance_id, step, streams):
        if not self.writing.is_set():
            self.writing.set()
            assert self.release.wait(DEADLINE)
        return OutputLocations()


class _Swept:
    """A StatusObserver that tells when LocalStack's stop has failed the waiting invocation."""

    def __init__(self, waiting: str) -> None:
        self._waiting = waiting
        self.event = threading.Event()

    def invocation_changed(self, account_id, region, command_, invocation_) -> None:
        if invocation_.instance_id == self._waiting and invocation_.result.status == "Failed":
            self.event.set()

    def command_changed(self, account_id, region, command_, status, instance_ids) -> None:
        pass

    def shutdown(self) -> None:
        pass


def test_a_step_that_would_start_after_localstack_began_to_stop_never_starts(store):
    """LocalStack stops between two steps (the first one's output on its way to S3): the stop's
    kills have been sent, so the second step's script, which nothing would kill, never starts."""
    sink, swept = _HeldSink(), _Swept("i-00000001")
    runner = FakeRunner(lambda _c, _j: result(0))
    executor = CommandExecutor(runner, workers=2, output_sink=sink, observer=swept)
    plan = CommandPlan((_step("first", 600), _step("second", 600)))
    executor.submit(
        request(store, command(output_s3_bucket_name="b", max_concurrency="1"), plan, 2)
    )
    assert sink.writing.wait(DEADLINE)
    stopping = threading.Thread(target=executor.shutdown, kwargs={"deadline": DEADLINE})
    stopping.start()
    assert swept.event.wait(DEADLINE)  # the stop has passed its sweep of running scripts
    sink.release.set()
    stopping.join(DEADLINE)
    assert [job.script_dir.rsplit("/", 1)[-1] for _, job in runner.jobs] == ["first"]
    ended = invocation(store)
    assert (ended.result.status, ended.plugins[1].result.stderr) == (
        "Failed",
        "LocalStack stopped while the command was running.",
    )


def test_an_invocation_ended_at_its_timeout_stays_ended_when_its_script_could_not_start(store):
    """The script's start fails (its container paused) only after the execution timeout has
    ended the invocation (TimedOut, the container unreachable): it is not Delayed and retried."""
    timers, control, pool = ManualTimers(), HeldPool(), HeldPool()

    def respond(_c, _j):
        timers.advance(5)  # the timeout falls due while the script is being started
        control.run_held()  # its kill finds the container paused: TimedOut at once
        raise ContainerNotRunning("paused")

    def kill_answers() -> bool:
        raise ContainerNotRunning("paused")

    runner = FakeRunner(respond)
    runner.kill_answers = kill_answers
    executor = CommandExecutor(
        runner, workers=1, timers=timers, control=control, pool=pool, retry_interval=1
    )
    executor.submit(request(store, command(), CommandPlan((_step("only", 5),)), 1))
    pool.run_held()  # the delivery, on this thread
    timers.advance(1)  # a retry would fall due now
    pool.run_held()
    ended = invocation(store)
    assert (ended.result.status, ended.result.status_details) == ("TimedOut", "ExecutionTimedOut")
    assert len(runner.jobs) == 1
