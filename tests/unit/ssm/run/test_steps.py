"""Steps: the script in its folder, exit codes the agent reads, reboots, several steps, output
to the sink, the container ending under the script."""

import pytest

from localstack_ssm_docker.engine.errors import (
    ContainerRestarted,
    ContainerStopped,
    EngineNotAnswering,
)
from localstack_ssm_docker.ssm.run.output_names import OutputLocations
from localstack_ssm_docker.ssm.run.steps import script_dir
from tests.unit.builders import CID
from tests.unit.fakes import FakeRunner, result
from tests.unit.ssm.run.harness import (
    PLAN,
    start,
    steps_plan,
    wait_for,
)


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
    assert (done.result.status, done.result.response_code, done.result.stdout) == (
        "Failed",
        2,
        "partial\n",
    )
    assert done.result.stderr == "boom\nfailed to run commands: exit status 2"


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
    assert (done.result.status, done.result.response_code) == (status, exit_code)
    assert (done.result.stdout != "out\n") == stdout_note
    assert ("exit status" in done.result.stderr) == stderr_note


def test_exit_194_reboots_and_runs_the_step_again(executors, store):
    codes = iter([194, 0])
    runner = FakeRunner(lambda _c, _j: result(next(codes), b"run\n"))
    start(executors, runner, store)
    done = wait_for(store)
    assert (done.result.status, done.result.response_code, runner.restarts, len(runner.jobs)) == (
        "Success",
        0,
        1,
        2,
    )


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
    assert len(done.result.stdout) == 24_000
    assert done.result.stdout_url == "https://s3/out"
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
    assert (done.result.status, done.result.stdout, done.result.stdout_url) == ("Success", "x", "")


def test_no_sink_write_without_a_destination(executors, store):
    sink = RecordingSink()
    runner = FakeRunner(lambda _c, job: result(0, b"x" * job.output_limit))
    start(executors, runner, store, options={"output_sink": sink, "full_output_limit": 1 << 20})
    wait_for(store)
    assert sink.writes == []
    assert runner.jobs[0][1].output_limit == 24_000


def test_steps_run_in_order_with_a_result_each(executors, store):
    codes = {"echo one\n": 0, "echo two\n": 3}
    runner = FakeRunner(lambda _c, job: result(codes[job.script], job.script.encode()))
    plan = steps_plan(("one", "aws:runShellScript", False), ("two", "aws:runShellScript", False))
    start(executors, runner, store, plan=plan, plugin_names=plan.plugin_names)
    done = wait_for(store)
    assert [job.script for _, job in runner.jobs] == ["echo one\n", "echo two\n"]
    assert [(p.name, p.result.status, p.result.response_code) for p in done.plugins] == [
        ("one", "Success", 0),
        ("two", "Failed", 3),
    ]
    assert [job.script_dir.rsplit("/", 1)[1] for _, job in runner.jobs] == ["one", "two"]
    assert (done.result.status, done.result.response_code) == ("Failed", 3)
    assert done.result.stdout == "echo one\n\necho two\n"


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
    assert first.result.status == "Success"
    assert (windows.result.status, windows.result.response_code) == ("Failed", 1)
    assert "aws:runPowerShellScript" in windows.result.stderr
    assert (never.result.status, never.result.status_details, never.result.started_at) == (
        "Cancelled",
        "Skipped",
        None,
    )
    assert len(runner.jobs) == 1
    assert done.result.status == "Failed"


def test_exit_169_skips_the_remaining_steps(executors, store):
    runner = FakeRunner(lambda _c, _j: result(169))
    plan = steps_plan(("stop", "aws:runShellScript", False), ("later", "aws:runShellScript", False))
    start(executors, runner, store, plan=plan, plugin_names=plan.plugin_names)
    done = wait_for(store)
    assert [(p.result.status, p.result.status_details) for p in done.plugins] == [
        ("Failed", "Failed"),
        ("Cancelled", "Skipped"),
    ]
    assert len(runner.jobs) == 1


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
            EngineNotAnswering("the Docker engine is unavailable"),
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
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "Failed",
        "Failed",
        -1,
    )
    assert done.result.stderr == message
