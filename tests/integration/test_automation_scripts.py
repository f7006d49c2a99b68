"""aws:executeScript against the real Docker engine and a real LocalStack: the action is called
directly (as the Automation engine calls it) and its script runs in the runtime image
(`make automation-image`), reaching LocalStack through the endpoint relay instances use."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import docker
import pytest

from harness.localstack_process import LocalStack
from localstack_ssm_docker.config import Settings
from localstack_ssm_docker.engine.docker.engine import DockerEngine
from localstack_ssm_docker.engine.docker.labels import LABEL_TASK_OWNER
from localstack_ssm_docker.imds.endpoint_relay import EndpointRelay
from localstack_ssm_docker.ssm.automation.actions.base import (
    AwsCredentials,
    StepContext,
    StepFailed,
)
from localstack_ssm_docker.ssm.automation.actions.execute_script import (
    TASK_LABEL,
    ExecuteScript,
    ScriptHost,
)
from tests.integration.helpers import automation_finished, poll

ACCOUNT = "111111111111"
REGION = "eu-west-1"
IMAGE = Settings().automation_script_image


class LocalStackClients:
    """Our AwsClients: boto3 clients at the test's LocalStack, as the execution's account."""

    def __init__(self, localstack: LocalStack):
        self._localstack = localstack

    def client(self, service_name: str) -> Any:
        return self._localstack.client(service_name, region=REGION, account=ACCOUNT)


@pytest.fixture(scope="module")
def engine(docker_client: docker.DockerClient) -> Iterator[DockerEngine]:
    """An engine of its own owner: what it leaves behind is this module's doing."""
    docker_client.images.get(IMAGE)  # `make automation-image` built it; fails loudly if not
    engine = DockerEngine.from_env(owner=f"script-test-{uuid.uuid4().hex[:8]}")
    yield engine
    assert not docker_client.containers.list(
        all=True, filters={"label": f"{LABEL_TASK_OWNER}={engine.owner}"}
    ), "a script container outlived its step"


@pytest.fixture(scope="module")
def host(localstack: LocalStack, engine: DockerEngine) -> Iterator[ScriptHost]:
    """Scripts on the default bridge, reaching LocalStack through an endpoint relay on the
    host's address there, as instances do in host mode."""
    gateway = engine.metadata_networks().gateway_of("bridge")
    assert gateway, "the default bridge has no gateway address"
    relay = EndpointRelay(gateway, 0, ("127.0.0.1", localstack.port))
    relay.start()
    yield ScriptHost(engine, IMAGE, None, "http://{}:{}".format(*relay.address))
    relay.stop()


@pytest.fixture
def execute_script(host: ScriptHost) -> ExecuteScript:
    return ExecuteScript(lambda: host)


def step_context(localstack: LocalStack, deadline: float | None = None) -> StepContext:
    return StepContext(
        execution_id=str(uuid.uuid4()),
        step_name="script",
        account_id=ACCOUNT,
        region=REGION,
        clients=LocalStackClients(localstack),
        cancelled=threading.Event(),
        deadline=deadline,
        credentials=AwsCredentials(ACCOUNT, "test"),
    )


def inputs(script: str, payload: dict | None = None) -> dict:
    return {
        "Runtime": "python3.11",
        "Handler": "script_handler",
        "Script": script,
        "InputPayload": payload or {},
    }


def containers_of(docker_client: docker.DockerClient, execution_id: str) -> list:
    return docker_client.containers.list(
        all=True, filters={"label": f"{TASK_LABEL}={execution_id}"}
    )


BLOCKING = """
import os, boto3

def script_handler(events, context):
    boto3.client("ssm").put_parameter(Name=events["started"], Value="yes", Type="String")
    os.mkfifo("/tmp/never")
    with open("/tmp/never") as fifo:  # no writer ever opens it
        return fifo.read()
"""


def test_a_handlers_dict_with_events_and_context_is_the_steps_payload(
    execute_script: ExecuteScript, localstack: LocalStack
) -> None:
    script = """
def script_handler(events, context):
    return {
        "message": "hello " + events["name"],
        "count": events["count"] + 1,
        "execution": context["automation:EXECUTION_ID"],
        "where": [context["global:ACCOUNT_ID"], context["global:REGION"]],
    }
"""
    context = step_context(localstack)

    outputs = execute_script.run(inputs(script, {"name": "world", "count": 41}), context)

    assert outputs["Payload"] == {
        "message": "hello world",
        "count": 42,
        "execution": context.execution_id,
        "where": [ACCOUNT, REGION],
    }
    assert json.loads(outputs["OutputPayload"])["Payload"]["message"] == "hello world"


def test_a_script_calls_localstack_with_boto3_as_the_executions_principal(
    execute_script: ExecuteScript, localstack: LocalStack
) -> None:
    name = f"/scripts/{uuid.uuid4().hex}"
    script = """
import boto3

def script_handler(events, context):
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name=events["name"], Value="from the script", Type="String")
    stored = ssm.get_parameter(Name=events["name"])["Parameter"]["Value"]
    return {"stored": stored, "account": boto3.client("sts").get_caller_identity()["Account"]}
"""

    outputs = execute_script.run(inputs(script, {"name": name}), step_context(localstack))

    assert outputs["Payload"] == {"stored": "from the script", "account": ACCOUNT}
    ssm = localstack.client("ssm", region=REGION, account=ACCOUNT)
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "from the script"


def test_what_a_script_prints_is_its_execution_log_and_never_its_payload(
    execute_script: ExecuteScript, localstack: LocalStack
) -> None:
    script = """
import subprocess, sys

def script_handler(events, context):
    print("first line")
    print("to stderr", file=sys.stderr)
    subprocess.run(["echo", "from a child process"], check=True)
    print('{"Payload": "not this"}')
    return "the value"
"""

    outputs = execute_script.run(inputs(script), step_context(localstack))

    assert outputs["Payload"] == "the value"
    log = outputs["ExecutionLog"]
    for line in ("first line", "to stderr", "from a child process", '{"Payload": "not this"}'):
        assert line in log


def test_a_script_that_raises_fails_the_step_with_its_traceback(
    execute_script: ExecuteScript, localstack: LocalStack
) -> None:
    script = """
def divide(events):
    return events["a"] / events["b"]

def script_handler(events, context):
    return divide(events)
"""

    with pytest.raises(StepFailed) as failed:
        execute_script.run(inputs(script, {"a": 1, "b": 0}), step_context(localstack))

    message = failed.value.message
    assert "Traceback (most recent call last):" in message
    assert 'File "/automation/script.py", line 6, in script_handler' in message
    assert 'File "/automation/script.py", line 3, in divide' in message
    assert 'return events["a"] / events["b"]' in message
    assert "ZeroDivisionError: division by zero" in message


def test_a_cancelled_step_kills_and_removes_its_container(
    execute_script: ExecuteScript, localstack: LocalStack, docker_client: docker.DockerClient
) -> None:
    started = f"/scripts/{uuid.uuid4().hex}"
    context = step_context(localstack)
    ended: list[BaseException] = []

    def run() -> None:
        try:
            execute_script.run(inputs(BLOCKING, {"started": started}), context)
        except BaseException as e:
            ended.append(e)

    runner = threading.Thread(target=run)
    runner.start()
    ssm = localstack.client("ssm", region=REGION, account=ACCOUNT)
    poll(
        lambda: ssm.get_parameters(Names=[started])["Parameters"],
        lambda found: bool(found),
    )  # the script runs and blocks on its FIFO
    assert len(containers_of(docker_client, context.execution_id)) == 1

    context.cancelled.set()
    runner.join(timeout=30)

    assert not runner.is_alive()
    assert isinstance(ended[0], StepFailed) and "cancelled" in ended[0].message
    assert containers_of(docker_client, context.execution_id) == []


def test_a_step_past_its_deadline_times_out_and_leaves_no_container(
    execute_script: ExecuteScript, localstack: LocalStack, docker_client: docker.DockerClient
) -> None:
    started = f"/scripts/{uuid.uuid4().hex}"
    context = step_context(localstack, deadline=time.monotonic() + 3)

    with pytest.raises(StepFailed, match="timed out"):
        execute_script.run(inputs(BLOCKING, {"started": started}), context)

    assert containers_of(docker_client, context.execution_id) == []


def test_a_missing_runtime_image_fails_the_step_saying_how_to_build_it(
    host: ScriptHost, localstack: LocalStack
) -> None:
    missing = ScriptHost(host.containers, f"{IMAGE}-missing", None, host.endpoint_url)
    action = ExecuteScript(lambda: missing)

    with pytest.raises(StepFailed, match="make automation-image"):
        action.run(inputs("def script_handler(e, c):\n    return 1\n"), step_context(localstack))


def test_a_runbooks_script_step_runs_through_start_automation_execution(
    localstack: LocalStack, docker_client: docker.DockerClient
) -> None:
    ssm = localstack.client("ssm", region=REGION, account=ACCOUNT)
    name = f"/runbooks/{uuid.uuid4().hex}"
    script = """
import boto3

def script_handler(events, context):
    print("storing", events["name"])
    boto3.client("ssm").put_parameter(Name=events["name"], Value=events["value"], Type="String")
    return {"stored": events["name"], "execution": context["automation:EXECUTION_ID"]}
"""
    runbook = f"runbook-{uuid.uuid4().hex[:10]}"
    content = {
        "schemaVersion": "0.3",
        "parameters": {"Value": {"type": "String"}},
        "mainSteps": [
            {
                "name": "store",
                "action": "aws:executeScript",
                "inputs": {
                    "Runtime": "python3.11",
                    "Handler": "script_handler",
                    "Script": script,
                    "InputPayload": {"name": name, "value": "{{ Value }}"},
                },
                "outputs": [{"Name": "stored", "Selector": "$.Payload.stored", "Type": "String"}],
            },
            {
                "name": "fail",
                "action": "aws:executeScript",
                "inputs": {
                    "Runtime": "python3.11",
                    "Handler": "script_handler",
                    "Script": "def script_handler(events, context):\n    raise KeyError('gone')\n",
                },
            },
        ],
        "outputs": ["store.OutputPayload", "store.stored"],
    }
    ssm.create_document(Name=runbook, Content=json.dumps(content), DocumentType="Automation")

    execution_id = ssm.start_automation_execution(
        DocumentName=runbook, Parameters={"Value": ["from a runbook"]}
    )["AutomationExecutionId"]
    execution = automation_finished(ssm, execution_id, deadline=120)

    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "from a runbook"
    store, fail = execution["StepExecutions"]
    assert store["StepStatus"] == "Success"
    payload = json.loads(store["Outputs"]["OutputPayload"][0])["Payload"]
    assert payload == {"stored": name, "execution": execution_id}
    assert "storing " + name in store["Outputs"]["ExecutionLog"][0]
    assert json.loads(execution["Outputs"]["store.OutputPayload"][0])["Payload"] == payload
    assert execution["Outputs"]["store.stored"] == [name]
    assert fail["StepStatus"] == "Failed"
    assert "KeyError: 'gone'" in fail["FailureMessage"]
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert containers_of(docker_client, execution_id) == []
