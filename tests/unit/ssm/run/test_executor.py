import threading
import time

import pytest

from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    ContainerRestarted,
    ContainerStopped,
    EngineError,
    EngineUnavailable,
)
from localstack_ssm_docker.engine.values import (
    ScriptJob,
)
from localstack_ssm_docker.ssm.documents.aws_owned import RUN_SHELL_SCRIPT_CONTENT
from localstack_ssm_docker.ssm.documents.plan import CommandPlan, Document, StepPlan, plan_command
from localstack_ssm_docker.ssm.integrations.output_sink import OutputLocations
from localstack_ssm_docker.ssm.models import Invocation, RunCommandStore
from localstack_ssm_docker.ssm.run.executor import CommandExecutor, Scope, Target, script_dir
from tests.unit.builders import CID, command
from tests.unit.fakes import FakeRunner, result

DEADLINE = 10
SCOPE = Scope("111111111111", "eu-west-1")
DOCUMENT = Document("AWS-RunShellScript", "1", RUN_SHELL_SCRIPT_CONTENT)
PLAN = plan_command(DOCUMENT, {"commands": ["echo hi"], "workingDirectory": ["/w"]})


def shell_plan(script: str, timeout: float) -> CommandPlan:
    step = StepPlan("aws:runShellScript", "aws:runShellScript", "0.x", script, "", timeout)
    return CommandPlan((step,))


def targets(count: int) -> list[Target]:
    return [Target(f"i-{n:08d}", f"container-{n}") for n in range(count)]


@pytest.fixture
def store() -> RunCommandStore:
    return RunCommandStore()


@pytest.fixture
def executors():
    started: list[CommandExecutor] = []
    yield started
    for executor in started:
        executor.shutdown()


def start(
    executors, runner, store, count=1, plan=PLAN, lookup=None, options=None, **changes
) -> CommandExecutor:
    """An executor (shut down after the test) running `plan` for a command with `changes`;
    `options` go to the executor."""
    executor = CommandExecutor(
        runner, workers=8, parameter_lookup=lookup, retry_interval=0.05, **(options or {})
    )
    executors.append(executor)
    executor.submit(store, SCOPE, command(**changes), DOCUMENT, plan, targets(count))
    return executor


def invocation(store: RunCommandStore, instance_id: str = "i-00000000") -> Invocation:
    return store.invocations[CID][instance_id]


def wait_for(store, instance_id="i-00000000", until=lambda i: i.is_terminal) -> Invocation:
    """Polls the store (with a deadline) until the invocation satisfies `until`."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if until(current := invocation(store, instance_id)):
            return current
        time.sleep(0.001)
    raise AssertionError(f"{instance_id}: condition not met; last {invocation(store, instance_id)}")


def test_invocation_moves_from_in_progress_to_success(executors, store):
    release, started = threading.Event(), threading.Event()

    def respond(_container: str, _job: ScriptJob):
        started.set()
        assert release.wait(DEADLINE)
        return result(0, b"hi\n")

    start(executors, FakeRunner(respond), store)
    assert started.wait(DEADLINE)
    running = invocation(store)
    assert (running.status, running.response_code, running.stdout) == ("InProgress", -1, "")
    assert running.started_at is not None
    release.set()
    done = wait_for(store)
    assert (done.status, done.status_details, done.response_code) == ("Success", "Success", 0)
    assert (done.stdout, done.stderr) == ("hi\n", "")
    assert done.ended_at >= done.started_at


def test_job_carries_script_directory_environment_and_working_directory(executors, store):
    runner = FakeRunner(lambda _c, _j: result())
    start(executors, runner, store)
    wait_for(store)
    container_id, job = runner.jobs[0]
    assert container_id == "container-0"
    assert (job.script, job.working_directory) == ("echo hi\n", "/w")
    assert job.script_dir == script_dir("i-00000000", CID, PLAN.steps[0])
    assert job.script_dir.endswith(f"/{CID}/awsrunShellScript/0.awsrunShellScript")
    assert job.environment == {
        "AWS_SSM_INSTANCE_ID": "i-00000000",
        "AWS_SSM_REGION_NAME": "eu-west-1",
        "SSM_COMMAND_ID": CID,
    }


def test_failure_keeps_output_and_adds_agent_note(executors, store):
    start(executors, FakeRunner(lambda _c, _j: result(2, b"partial\n", b"boom\n")), store)
    done = wait_for(store)
    assert (done.status, done.response_code, done.stdout) == ("Failed", 2, "partial\n")
    assert done.stderr == "boom\nfailed to run commands: exit status 2"


@pytest.mark.parametrize(
    ("exit_code", "status", "stdout_note", "stderr_note"),
    [
        (168, "Success", True, False),
        (169, "Failed", False, True),
        (137, "TimedOut", False, False),
    ],
)
def test_special_exit_codes(executors, store, exit_code, status, stdout_note, stderr_note):
    start(executors, FakeRunner(lambda _c, _j: result(exit_code, b"out\n")), store)
    done = wait_for(store)
    assert (done.status, done.response_code) == (status, exit_code)
    assert (done.stdout != "out\n") == stdout_note
    assert ("exit status" in done.stderr) == stderr_note


def test_exit_194_reboots_and_runs_the_step_again(executors, store):
    codes = iter([194, 0])
    runner = FakeRunner(lambda _c, _j: result(next(codes), b"run\n"))
    start(executors, runner, store)
    done = wait_for(store)
    assert (done.status, done.response_code, runner.restarts, len(runner.jobs)) == (
        "Success",
        0,
        1,
        2,
    )


def test_engine_errors_fail_the_invocation(executors, store):
    def respond(container, _j):
        raise ContainerGone("gone") if container == "container-0" else EngineError("broken")

    start(executors, FakeRunner(respond), store, count=2, max_errors="5")
    gone, broken = wait_for(store, "i-00000000"), wait_for(store, "i-00000001")
    assert (gone.status, gone.status_details, gone.response_code) == ("Failed", "Undeliverable", -1)
    assert (broken.status, broken.status_details) == ("Failed", "Failed")
    assert "broken" in broken.stderr


def test_execution_timeout_kills_and_keeps_output(executors, store):
    runner = FakeRunner(
        lambda _c, _j: result(137 if runner.killed.wait(DEADLINE) else 0, b"so far")
    )
    start(executors, runner, store, plan=shell_plan("sleep 100\n", 0.05))
    done = wait_for(store)
    assert (done.status, done.status_details, done.response_code) == (
        "TimedOut",
        "ExecutionTimedOut",
        137,
    )
    assert done.stdout == "so far"


def test_kill_is_retried_until_it_reaches_the_script(executors, store):
    attempts = []
    runner = FakeRunner(lambda _c, _j: result(137 if runner.killed.wait(DEADLINE) else 0))
    runner.kill_answers = lambda: attempts.append(1) or len(attempts) >= 3
    start(executors, runner, store, plan=shell_plan("x\n", 0.05))
    assert wait_for(store).status == "TimedOut"
    assert len(attempts) == 3


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
    assert (cancelling.status, cancelling.status_details) == ("Cancelling", "Cancelling")
    allow_kill.set()
    done = wait_for(store)
    assert (done.status, done.status_details, done.response_code) == ("Cancelled", "Cancelled", 137)


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
        assert (invocation(store, waiting).status, invocation(store, waiting).status_details) == (
            "Cancelled",
            "Cancelled",
        )
    gate.set()
    assert wait_for(store).status == "Success"
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
    statuses = sorted(invocation(store, t.instance_id).status for t in targets(5))
    assert statuses == ["InProgress", "InProgress", "Pending", "Pending", "Pending"]
    go.set()
    for t in targets(5):
        assert wait_for(store, t.instance_id).status == "Success"
    assert peak[0] == 2


def test_percentage_concurrency_rounds_up(executors, store):
    go = threading.Event()
    runner = FakeRunner(lambda _c, _j: result(0 if go.wait(DEADLINE) else 1))
    start(executors, runner, store, count=3, max_concurrency="10%")
    wait_for(store, "i-00000000", lambda i: i.status == "InProgress")
    assert [invocation(store, t.instance_id).status for t in targets(3)][1:] == ["Pending"] * 2
    go.set()


def test_spent_error_budget_terminates_unsent_invocations(executors, store):
    runner = FakeRunner(lambda _c, _j: result(1))
    start(executors, runner, store, count=4, max_concurrency="1", max_errors="1")
    ended = [wait_for(store, t.instance_id) for t in targets(4)]
    assert [(i.status, i.status_details) for i in ended] == [
        ("Failed", "Failed"),
        ("Failed", "Failed"),
        ("Cancelled", "Terminated"),
        ("Cancelled", "Terminated"),
    ]
    assert len(runner.jobs) == 2


def test_undeliverable_instance_times_out_delivery(executors, store):
    def respond(_c, _j):
        raise ContainerNotRunning("paused")

    start(executors, FakeRunner(respond), store, timeout_seconds=0.3)
    wait_for(store, until=lambda i: i.status == "Delayed")
    done = wait_for(store)
    assert (done.status, done.status_details, done.response_code) == (
        "TimedOut",
        "DeliveryTimedOut",
        -1,
    )


def test_queued_invocations_time_out_delivery_behind_concurrency(executors, store):
    go = threading.Event()
    runner = FakeRunner(lambda _c, _j: result(0 if go.wait(DEADLINE) else 1))
    start(executors, runner, store, count=2, max_concurrency="1", timeout_seconds=0.2)
    queued = wait_for(store, "i-00000001")
    assert (queued.status, queued.status_details) == ("TimedOut", "DeliveryTimedOut")
    go.set()
    assert wait_for(store, "i-00000000").status == "Success"


def lookup(found: dict[str, tuple[str, str]]):
    def answer(account, region, names):
        assert (account, region) == (SCOPE.account_id, SCOPE.region)
        return {n: found[n] for n in names if n in found}, [n for n in names if n not in found]

    return answer


def test_parameter_store_references_are_resolved_at_run_time(executors, store):
    runner = FakeRunner(lambda _c, _j: result(0))
    parameters = {"commands": ["echo {{ ssm:greeting }} {{ssm:/app/name:2}}"]}
    found = {"greeting": ("String", "hello"), "/app/name:2": ("String", "app")}
    start(executors, runner, store, lookup=lookup(found), parameters=parameters)
    assert wait_for(store).status == "Success"
    assert runner.jobs[0][1].script == "echo hello app\n"


@pytest.mark.parametrize(
    ("found", "message"),
    [
        ({}, "Input contains invalid parameters [greeting]"),
        (
            {"greeting": ("SecureString", "x")},
            "Parameters [greeting] of type SecureString are not supported",
        ),
    ],
)
def test_unresolvable_references_fail_the_invocation(executors, store, found, message):
    runner = FakeRunner(lambda _c, _j: result(0))
    parameters = {"commands": ["echo {{ssm:greeting}}"]}
    start(executors, runner, store, lookup=lookup(found), parameters=parameters)
    done = wait_for(store)
    assert (done.status, done.response_code, done.stderr) == ("Failed", 1, message)
    assert runner.jobs == []


def test_invocations_of_one_command_run_at_the_same_time(executors, store):
    barrier = threading.Barrier(3, timeout=DEADLINE)

    def respond(_c, _j):
        barrier.wait()  # breaks (failing the invocations) unless all three run at once
        return result(0)

    start(executors, FakeRunner(respond), store, count=3)
    assert {wait_for(store, t.instance_id).status for t in targets(3)} == {"Success"}


def test_an_unexpected_error_fails_the_invocation_instead_of_leaving_it_running(executors, store):
    def broken_lookup(_account, _region, _names):
        raise RuntimeError("lookup exploded")

    parameters = {"commands": ["echo {{ssm:x}}"]}
    runner = FakeRunner(lambda _c, _j: result(0))
    start(executors, runner, store, lookup=broken_lookup, parameters=parameters)
    done = wait_for(store)
    assert (done.status, done.status_details) == ("Failed", "Failed")
    assert "lookup exploded" in done.stderr


class RecordingSink:
    def __init__(self, fail: bool = False):
        self.fail = fail
        self.writes: list[tuple] = []

    def write(self, account_id, region, command_, instance_id, step, streams):
        if self.fail:
            raise RuntimeError("S3 is down")
        self.writes.append((account_id, region, instance_id, step.plugin_name, streams))
        return OutputLocations("https://s3/out", "")


def test_full_output_goes_to_the_sink_while_inline_output_is_cut(executors, store):
    big = b"o" * 30_000
    runner = FakeRunner(lambda _c, job: result(0, big[: job.output_limit]))
    sink = RecordingSink()
    options = {"output_sink": sink, "full_output_limit": 1 << 20}
    start(executors, runner, store, options=options, output_s3_bucket_name="bucket")
    done = wait_for(store)
    assert len(done.stdout) == 24_000
    assert done.stdout_url == "https://s3/out"
    ((account, region, instance_id, plugin, streams),) = sink.writes
    assert (account, region, instance_id, plugin) == (
        "111111111111",
        "eu-west-1",
        "i-00000000",
        "aws:runShellScript",
    )
    assert streams == {"stdout": big, "stderr": b""}


def test_a_failing_sink_does_not_change_the_status(executors, store):
    runner = FakeRunner(lambda _c, _j: result(0, b"x"))
    options = {"output_sink": RecordingSink(fail=True)}
    start(executors, runner, store, options=options, output_s3_bucket_name="bucket")
    done = wait_for(store)
    assert (done.status, done.stdout, done.stdout_url) == ("Success", "x", "")


def test_no_sink_write_without_a_destination(executors, store):
    sink = RecordingSink()
    runner = FakeRunner(lambda _c, job: result(0, b"x" * job.output_limit))
    start(executors, runner, store, options={"output_sink": sink, "full_output_limit": 1 << 20})
    wait_for(store)
    assert sink.writes == []
    assert runner.jobs[0][1].output_limit == 24_000


def steps_plan(*steps: tuple[str, str, bool]) -> CommandPlan:
    return CommandPlan(
        tuple(
            StepPlan(name, action, name, f"echo {name}\n", "", 60, exit_on_failure)
            for name, action, exit_on_failure in steps
        )
    )


def test_steps_run_in_order_with_a_result_each(executors, store):
    codes = {"echo one\n": 0, "echo two\n": 3}
    runner = FakeRunner(lambda _c, job: result(codes[job.script], job.script.encode()))
    plan = steps_plan(("one", "aws:runShellScript", False), ("two", "aws:runShellScript", False))
    start(executors, runner, store, plan=plan, plugin_names=plan.plugin_names)
    done = wait_for(store)
    assert [job.script for _, job in runner.jobs] == ["echo one\n", "echo two\n"]
    assert [(p.name, p.status, p.response_code) for p in done.plugins] == [
        ("one", "Success", 0),
        ("two", "Failed", 3),
    ]
    assert [job.script_dir.rsplit("/", 1)[1] for _, job in runner.jobs] == ["one", "two"]
    assert (done.status, done.response_code) == ("Failed", 3)
    assert done.stdout == "echo one\n\necho two\n"


def test_unsupported_step_fails_clearly_and_exit_stops_the_rest(executors, store):
    runner = FakeRunner(lambda _c, _j: result(0))
    plan = steps_plan(
        ("first", "aws:runShellScript", False),
        ("windows", "aws:runPowerShellScript", True),
        ("never", "aws:runShellScript", False),
    )
    start(executors, runner, store, plan=plan, plugin_names=plan.plugin_names)
    done = wait_for(store)
    first, windows, never = done.plugins
    assert first.status == "Success"
    assert (windows.status, windows.response_code) == ("Failed", 1)
    assert "aws:runPowerShellScript" in windows.stderr
    assert (never.status, never.status_details, never.started_at) == ("Cancelled", "Skipped", None)
    assert len(runner.jobs) == 1
    assert done.status == "Failed"


def test_exit_169_skips_the_remaining_steps(executors, store):
    runner = FakeRunner(lambda _c, _j: result(169))
    plan = steps_plan(("stop", "aws:runShellScript", False), ("later", "aws:runShellScript", False))
    start(executors, runner, store, plan=plan, plugin_names=plan.plugin_names)
    done = wait_for(store)
    assert [(p.status, p.status_details) for p in done.plugins] == [
        ("Failed", "Failed"),
        ("Cancelled", "Skipped"),
    ]
    assert len(runner.jobs) == 1


class RecordingObserver:
    def __init__(self):
        self.changes: list[tuple[str, str]] = []
        self.closed = False

    def invocation_changed(self, account_id, region, command_, invocation):
        self.changes.append(("invocation", invocation.status))

    def command_changed(self, account_id, region, command_, status, instance_ids):
        self.changes.append(("command", status))

    def shutdown(self):
        self.closed = True


def test_observer_hears_each_status_change_once(store):
    observer = RecordingObserver()
    executor = CommandExecutor(FakeRunner(lambda _c, _j: result(1)), 2, observer=observer)
    executor.submit(store, SCOPE, command(), DOCUMENT, PLAN, targets(1))
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
    executor.submit(store, SCOPE, command(), DOCUMENT, PLAN, targets(1))
    done = wait_for(store)
    executor.shutdown()
    assert (done.status, done.stderr) == ("Success", "")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ContainerRestarted("rebooted"), "The instance rebooted while the command was running."),
        (
            ContainerStopped("container abc exited with 137", result(137, b"out", b"err\n")),
            "err\nThe instance's container stopped while the command was running "
            "(container abc exited with 137).",
        ),
        (
            EngineUnavailable("the Docker engine is unavailable"),
            "The Docker engine became unavailable while the command was running "
            "(the Docker engine is unavailable).",
        ),
    ],
)
def test_the_container_ending_under_the_script_fails_the_invocation(
    executors, store, error, message
):
    def respond(_c, _j):
        raise error

    start(executors, FakeRunner(respond), store)
    done = wait_for(store)
    assert (done.status, done.status_details, done.response_code) == ("Failed", "Failed", -1)
    assert done.stderr == message


def test_shutdown_ends_running_and_waiting_invocations(store):
    started = threading.Event()

    def respond(_c, _j):
        started.set()
        return result(137 if runner.killed.wait(DEADLINE) else 0)

    runner = FakeRunner(respond)
    executor = CommandExecutor(runner, workers=4)
    executor.submit(store, SCOPE, command(max_concurrency="1"), DOCUMENT, PLAN, targets(2))
    assert started.wait(DEADLINE)
    executor.shutdown(deadline=DEADLINE)
    running, waiting = invocation(store, "i-00000000"), invocation(store, "i-00000001")
    assert (running.status, running.status_details) == ("Failed", "Failed")
    assert running.stderr == "LocalStack stopped while the command was running."
    assert (waiting.status, waiting.status_details) == ("Failed", "Undeliverable")


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
    assert (done.status, done.status_details, done.response_code) == (
        "TimedOut",
        "ExecutionTimedOut",
        -1,
    )
    assert "paused" in done.stderr
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
    executor.submit(store, SCOPE, command(), DOCUMENT, PLAN, targets(1))
    assert started.wait(DEADLINE)
    executor.shutdown(deadline=DEADLINE)
    ended = invocation(store)
    assert (ended.status, ended.status_details, ended.response_code) == ("Failed", "Failed", -1)
    assert ended.stderr == "LocalStack stopped while the command was running."
    runner.killed.set()
