"""aws:executeScript against a fake of our task-container interface: what the container is
asked to run with, and what the step returns or fails with for each way the container ends."""

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from localstack_ssm_docker.engine.errors import EngineNotAnswering, ImageMissing, TaskStopped
from localstack_ssm_docker.engine.values import ContainerTask, ScriptResult
from localstack_ssm_docker.ssm.automation.actions.base import (
    AwsCredentials,
    DeclaredOutput,
    InvalidStep,
    StepContext,
    StepFailed,
)
from localstack_ssm_docker.ssm.automation.actions.execute_script import (
    JOB_FILE,
    ExecuteScript,
    ScriptHost,
)
from tests.unit.fakes import FakeTasks, result

SCRIPT = "def script_handler(events, context):\n    return {'message': events['name']}\n"
INPUTS = {
    "Runtime": "python3.11",
    "Handler": "script_handler",
    "Script": SCRIPT,
    "InputPayload": {"name": "world"},
}
NOW = datetime(2026, 12, 3, 18, 4, 5, tzinfo=UTC)


class NoClients:
    def client(self, service_name: str) -> Any:
        raise AssertionError("aws:executeScript calls no API from LocalStack's process")


def step_context(
    deadline: float | None = None,
    credentials: AwsCredentials | None = None,
    outputs: tuple[DeclaredOutput, ...] = (),
) -> StepContext:
    return StepContext(
        execution_id="0123abcd-0000-4000-8000-000000000001",
        step_name="greet",
        account_id="000000000000",
        region="eu-west-1",
        clients=NoClients(),
        cancelled=threading.Event(),
        deadline=deadline,
        credentials=credentials,
        outputs=outputs,
    )


def outcome(value: dict, log: bytes = b"") -> ScriptResult:
    return result(0, json.dumps(value).encode(), log)


def action(
    tasks: FakeTasks, endpoint: str | None = "http://172.17.0.1:4566", monotonic: float = 100.0
) -> ExecuteScript:
    host = ScriptHost(tasks, "automation:test", "instances-net", endpoint, ("metadata-net",))
    return ExecuteScript(lambda: host, now=lambda: NOW, monotonic=lambda: monotonic)


def job_of(task: ContainerTask) -> dict:
    files = dict(task.files)
    return json.loads(files[JOB_FILE])


def test_a_handlers_return_value_is_the_steps_payload_and_output_payload() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": {"message": "hi"}}))

    outputs = action(tasks).run(INPUTS, step_context())

    assert outputs["Payload"] == {"message": "hi"}
    assert json.loads(outputs["OutputPayload"]) == {"Payload": {"message": "hi"}}
    assert "ExecutionLog" not in outputs


def test_declared_outputs_are_selected_from_the_payload() -> None:
    payload = {"message": "hi", "count": 3, "names": ["a", "b"]}
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": payload}))
    declared = (
        DeclaredOutput("message", "$.Payload.message", "String"),
        DeclaredOutput("count", "$.Payload.count", "Integer"),
        DeclaredOutput("names", "$.Payload.names", "StringList"),
    )

    outputs = action(tasks).run(INPUTS, step_context(outputs=declared))

    assert (outputs["message"], outputs["count"], outputs["names"]) == ("hi", 3, ["a", "b"])
    assert outputs["Payload"] == payload


def test_what_the_script_printed_is_the_steps_execution_log() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": None}, b"hello\nworld\n"))

    outputs = action(tasks).run(INPUTS, step_context())

    assert outputs["ExecutionLog"] == "hello\nworld\n"
    assert outputs["Payload"] is None


def test_the_container_gets_events_context_and_the_script_to_run() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": 1}))

    action(tasks).run(INPUTS, step_context())

    (task, _stop, _deadline) = tasks.tasks[0]
    job = job_of(task)
    assert job["script"] == SCRIPT
    assert job["handler"] == "script_handler"
    assert job["events"] == {"name": "world"}
    assert job["context"]["automation:EXECUTION_ID"] == "0123abcd-0000-4000-8000-000000000001"
    assert job["context"]["global:REGION"] == "eu-west-1"
    assert job["context"]["global:ACCOUNT_ID"] == "000000000000"
    assert job["context"]["global:DATE_TIME"] == "2026-12-03_18.04.05"
    assert task.image == "automation:test"
    assert task.network == "instances-net"
    assert task.networks == ("metadata-net",)  # 169.254.169.254 is ours, never the host's
    assert task.command[:2] == ("python3", "-c") and task.command[-1] == JOB_FILE


def test_the_container_reaches_localstack_as_the_executions_principal_and_never_imds() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": 1}))
    credentials = AwsCredentials("ASIAEXAMPLE", "secret", "token")

    action(tasks).run(INPUTS, step_context(credentials=credentials))

    environment = tasks.tasks[0][0].environment
    assert environment["AWS_ENDPOINT_URL"] == "http://172.17.0.1:4566"
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert environment["AWS_ACCESS_KEY_ID"] == "ASIAEXAMPLE"
    assert environment["AWS_SECRET_ACCESS_KEY"] == "secret"
    assert environment["AWS_SESSION_TOKEN"] == "token"
    assert environment["AWS_EC2_METADATA_DISABLED"] == "true"


def test_without_credentials_the_script_gets_none() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": 1}))

    action(tasks).run(INPUTS, step_context())

    assert not any(key.startswith("AWS_ACCESS") for key in tasks.tasks[0][0].environment)


def test_a_script_that_raised_fails_the_step_with_its_traceback() -> None:
    traceback = 'Traceback (most recent call last):\n  File "/automation/script.py"...\nKeyError'
    tasks = FakeTasks(lambda _t, _s: outcome({"Error": traceback}))

    with pytest.raises(StepFailed) as failed:
        action(tasks).run(INPUTS, step_context())

    assert traceback in failed.value.message


def test_a_container_that_ended_without_an_outcome_fails_the_step_with_its_log() -> None:
    tasks = FakeTasks(lambda _t, _s: result(137, b"", b"Killed"))

    with pytest.raises(StepFailed) as failed:
        action(tasks).run(INPUTS, step_context())

    assert "exit code 137" in failed.value.message
    assert "Killed" in failed.value.message


def test_a_payload_over_100_kb_fails_the_step() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": "x" * 110_000}))

    with pytest.raises(StepFailed, match="100 KB"):
        action(tasks).run(INPUTS, step_context())


def test_the_steps_cancel_event_is_what_stops_the_container() -> None:
    def stopped(_task: ContainerTask, stop: threading.Event) -> ScriptResult:
        assert stop.is_set()
        raise TaskStopped("stopped", timed_out=False)

    tasks = FakeTasks(stopped)
    context = step_context()
    context.cancelled.set()

    with pytest.raises(StepFailed, match="cancelled"):
        action(tasks).run(INPUTS, context)

    assert tasks.tasks[0][1] is context.cancelled


def test_a_container_past_its_deadline_times_the_step_out() -> None:
    def timed_out(_task: ContainerTask, _stop: threading.Event) -> ScriptResult:
        raise TaskStopped("timed out", timed_out=True)

    with pytest.raises(StepFailed, match="timed out"):
        action(FakeTasks(timed_out)).run(INPUTS, step_context(deadline=130.0))


def test_the_deadline_is_the_steps_timeout_within_awss_ten_minutes() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": 1}))

    action(tasks, monotonic=100.0).run(INPUTS, step_context(deadline=130.0))
    action(tasks, monotonic=100.0).run(INPUTS, step_context(deadline=None))
    action(tasks, monotonic=100.0).run(INPUTS, step_context(deadline=5000.0))

    assert [deadline for _t, _s, deadline in tasks.tasks] == [130.0, 700.0, 700.0]


def test_a_missing_runtime_image_fails_the_step_saying_how_to_build_it() -> None:
    def missing(_task: ContainerTask, _stop: threading.Event) -> ScriptResult:
        raise ImageMissing("image automation:test not found")

    with pytest.raises(StepFailed, match="make automation-image"):
        action(FakeTasks(missing)).run(INPUTS, step_context())


def test_without_an_endpoint_no_container_starts_and_the_step_fails() -> None:
    tasks = FakeTasks(lambda _t, _s: outcome({"Payload": 1}))

    with pytest.raises(StepFailed, match="EC2_INSTANCE_ENDPOINT_URL"):
        action(tasks, endpoint=None).run(INPUTS, step_context())

    assert tasks.tasks == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"Runtime": None}, "Runtime is required"),
        ({"Runtime": "python2.7"}, "Runtime python2.7"),
        ({"Runtime": "PowerShell 7.4"}, "only Python runtimes"),
        ({"Handler": None}, "Handler is required"),
        ({"Script": None}, "Script is required"),
        ({"Attachment": "script.zip"}, "Attachment is not supported"),
        ({"InputPayload": ["a"]}, "InputPayload must be a StringMap"),
    ],
)
def test_inputs_that_can_never_run_are_refused_naming_the_step(change: dict, named: str) -> None:
    inputs = {**INPUTS, **change}
    inputs = {key: value for key, value in inputs.items() if value is not None}

    with pytest.raises(InvalidStep) as refused:
        action(FakeTasks(lambda _t, _s: result())).check("greet", inputs)

    assert "greet" in refused.value.message
    assert named in refused.value.message


def test_every_python_runtime_aws_lists_and_unresolved_references_pass_the_check() -> None:
    checker = action(FakeTasks(lambda _t, _s: result()))
    for runtime in ("python3.8", "python3.9", "python3.10", "python3.11", "{{ Runtime }}"):
        checker.check("greet", {**INPUTS, "Runtime": runtime})
    checker.check("greet", {**INPUTS, "InputPayload": "{{ Payload }}"})


def test_inputs_refused_at_run_time_start_no_container() -> None:
    tasks = FakeTasks(lambda _t, _s: result())

    with pytest.raises(StepFailed, match="Runtime"):
        action(tasks).run({**INPUTS, "Runtime": "python2.7"}, step_context())

    assert tasks.tasks == []


def test_an_engine_that_does_not_answer_fails_the_step() -> None:
    def no_engine() -> ScriptHost:
        raise EngineNotAnswering("the Docker engine is unavailable: connection refused")

    with pytest.raises(StepFailed, match="the Docker engine is unavailable"):
        ExecuteScript(no_engine).run(INPUTS, step_context())
