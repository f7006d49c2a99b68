import threading
import time

import pytest

from localstack_ssm_docker.engine import EngineError, ScriptJob
from localstack_ssm_docker.ssm.documents import plan_command
from localstack_ssm_docker.ssm.executor import CommandExecutor, Target, script_dir
from localstack_ssm_docker.ssm.models import Command, RunCommandStore
from tests.unit.fakes import FakeRunner, result

DEADLINE = 10


def command(command_id: str = "c" * 36) -> Command:
    return Command(
        command_id=command_id,
        document_name="AWS-RunShellScript",
        document_version="",
        comment="",
        parameters={"commands": ["echo hi"]},
        instance_ids=["i-11111111"],
        targets=[],
        requested_at=100.0,
        timeout_seconds=3600,
        execution_timeout=3600,
        max_concurrency="50",
        max_errors="0",
        plugin_name="aws:runShellScript",
    )


@pytest.fixture
def store() -> RunCommandStore:
    return RunCommandStore()


def run(runner: FakeRunner, store: RunCommandStore, targets: list[Target]) -> CommandExecutor:
    executor = CommandExecutor(runner, workers=4, clock=lambda: 200.0)
    plan = plan_command("AWS-RunShellScript", {"commands": ["echo hi"], "workingDirectory": ["/w"]})
    executor.submit(store, "eu-west-1", command(), plan, targets)
    return executor


def test_invocation_moves_from_in_progress_to_success(store):
    release = threading.Event()
    started = threading.Event()

    def respond(_container: str, _job: ScriptJob):
        started.set()
        assert release.wait(DEADLINE)
        return result(0, b"hi\n")

    runner = FakeRunner(respond)
    executor = run(runner, store, [Target("i-11111111", "container-1")])
    assert started.wait(DEADLINE)
    running = store.invocations["c" * 36]["i-11111111"]
    assert (running.status, running.response_code, running.stdout) == ("InProgress", -1, "")
    assert running.started_at == 200.0
    release.set()
    assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    done = _wait_terminal(store, "i-11111111")
    assert (done.status, done.status_details, done.response_code) == ("Success", "Success", 0)
    assert (done.stdout, done.stderr, done.ended_at) == ("hi\n", "", 200.0)


def test_job_carries_script_directory_environment_and_working_directory(store):
    runner = FakeRunner(lambda _c, _j: result())
    executor = run(runner, store, [Target("i-11111111", "container-1")])
    assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    container_id, job = runner.jobs[0]
    assert container_id == "container-1"
    assert job.script == "echo hi\n"
    assert job.working_directory == "/w"
    assert job.script_dir == script_dir("i-11111111", "c" * 36, "aws:runShellScript")
    assert job.script_dir.endswith("/awsrunShellScript/0.awsrunShellScript")
    assert job.environment == {
        "AWS_SSM_INSTANCE_ID": "i-11111111",
        "AWS_SSM_REGION_NAME": "eu-west-1",
        "SSM_COMMAND_ID": "c" * 36,
    }


def test_failure_keeps_output_and_adds_agent_note(store):
    runner = FakeRunner(lambda _c, _j: result(2, b"partial\n", b"boom\n"))
    executor = run(runner, store, [Target("i-11111111", "container-1")])
    assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    done = _wait_terminal(store, "i-11111111")
    assert (done.status, done.response_code, done.stdout) == ("Failed", 2, "partial\n")
    assert done.stderr == "boom\nfailed to run commands: exit status 2"


def test_engine_error_fails_the_invocation(store):
    def respond(_c, _j):
        raise EngineError("container is gone")

    runner = FakeRunner(respond)
    executor = run(runner, store, [Target("i-11111111", "container-1")])
    assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    done = _wait_terminal(store, "i-11111111")
    assert (done.status, done.response_code) == ("Failed", -1)
    assert "container is gone" in done.stderr


def test_invocations_of_one_command_run_at_the_same_time(store):
    barrier = threading.Barrier(3, timeout=DEADLINE)

    def respond(_c, _j):
        barrier.wait()  # breaks (and fails the invocation) unless all three run at once
        return result(0)

    runner = FakeRunner(respond)
    targets = [Target(f"i-1111111{n}", f"container-{n}") for n in range(3)]
    executor = run(runner, store, targets)
    for _ in targets:
        assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    statuses = {_wait_terminal(store, t.instance_id).status for t in targets}
    assert statuses == {"Success"}


def test_submit_records_pending_invocations_before_any_runs(store):
    gate = threading.Event()
    runner = FakeRunner(lambda _c, _j: gate.wait(DEADLINE) and result())
    executor = CommandExecutor(runner, workers=1, clock=lambda: 1.0)
    plan = plan_command("AWS-RunShellScript", {"commands": ["true"]})
    targets = [Target("i-11111111", "a"), Target("i-22222222", "b")]
    executor.submit(store, "us-east-1", command(), plan, targets)
    assert "c" * 36 in store.commands
    assert set(store.invocations["c" * 36]) == {"i-11111111", "i-22222222"}
    queued = store.invocations["c" * 36]["i-22222222"]  # behind the first, on the only worker
    gate.set()
    assert runner.finished.acquire(timeout=DEADLINE)
    assert runner.finished.acquire(timeout=DEADLINE)
    executor.shutdown()
    assert (queued.status, queued.status_details, queued.response_code) == (
        "Pending",
        "Pending",
        -1,
    )
    assert _wait_terminal(store, "i-22222222").status == "Success"


def _wait_terminal(store: RunCommandStore, instance_id: str):
    """The invocation once the executor's last update is visible (it follows the runner)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        invocation = store.invocations["c" * 36][instance_id]
        if invocation.is_terminal:
            return invocation
        time.sleep(0.001)
    raise AssertionError(f"{instance_id} did not end")
