"""`aws:executeScript`: a step's Python 3 handler, run in a container of its own.

The rules this action keeps: the script never runs in LocalStack's process nor on the host, only
in a task container (see :mod:`localstack_ssm_docker.engine.docker.tasks`) of the runtime image,
one per step run, removed when the step ends, is cancelled or times out; it reaches LocalStack at
the URL instances reach it at, as the execution's principal (raw credentials in its environment),
and never the host's metadata service. The handler is called as AWS calls it,
`handler(events, context)`: `events` is the step's InputPayload, `context` the automation's
variables; what it returns (JSON) is the step's `Payload`, from which the step's declared
outputs are selected (`$.Payload.message`). Everything it prints is the step's
`ExecutionLog`; what it raises fails the step with its traceback in the FailureMessage.
"""

import inspect
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from localstack_ssm_docker.engine.errors import EngineError, ImageMissing, TaskStopped
from localstack_ssm_docker.engine.interface import TaskContainers
from localstack_ssm_docker.engine.values import ContainerTask, ScriptResult
from localstack_ssm_docker.ssm.automation.actions import script_bootstrap, selectors
from localstack_ssm_docker.ssm.automation.actions.base import (
    InvalidStep,
    StepContext,
    StepFailed,
)

PYTHON_RUNTIMES = frozenset({"python3.8", "python3.9", "python3.10", "python3.11"})
"""The Python runtimes AWS lists for aws:executeScript; each runs on the runtime image's
Python 3."""
POWERSHELL_PREFIX = "PowerShell"
MAX_SECONDS = 600.0
"""AWS runs an aws:executeScript step for at most 10 minutes, whatever its timeoutSeconds."""
OUTPUT_LIMIT = 1024 * 1024
"""Bytes kept of the script's log and of its result."""
PAYLOAD_LIMIT = 100 * 1024
"""AWS returns a Payload of up to 100 KB."""
JOB_FILE = "/automation/job.json"
TASK_LABEL = "localstack-ssm-docker.automation-execution"
"""On a script's container: the execution it runs for."""
_BOOTSTRAP = inspect.getsource(script_bootstrap)


@dataclass(frozen=True)
class ScriptHost:
    """Where scripts run: the engine, the runtime image, the network of their containers and the
    URL LocalStack answers at from there (None: not reachable, the step fails saying so)."""

    containers: TaskContainers
    image: str
    network: str | None
    endpoint_url: str | None
    metadata_networks: tuple[str, ...] = ()
    """Joined too: the metadata network, where 169.254.169.254 is our responder (which knows no
    script container) rather than the host's metadata service."""


def _is_reference(value: Any) -> bool:
    """An unresolved `{{ }}` reference, which passes every type check at CreateDocument."""
    return isinstance(value, str) and "{{" in value and "}}" in value


def inputs_problem(inputs: Mapping[str, Any]) -> str | None:
    """What makes these inputs unusable, in AWS's words where it has them; None when they
    are fine. Pure."""
    runtime = inputs.get("Runtime")
    if runtime is None:
        return "Runtime is required"
    if not _is_reference(runtime):
        if not isinstance(runtime, str):
            return "Runtime must be a String"
        if runtime.startswith(POWERSHELL_PREFIX):
            return f"Runtime {runtime} is not supported here: only Python runtimes run"
        if runtime not in PYTHON_RUNTIMES:
            return f"Runtime {runtime} is not one of {', '.join(sorted(PYTHON_RUNTIMES))}"
    handler = inputs.get("Handler")
    if handler is None:
        return "Handler is required for a Python runtime"
    if not isinstance(handler, str) or not handler.strip():
        return "Handler must be a non-empty String"
    if inputs.get("Attachment") is not None:
        return "Attachment is not supported here: put the script in Script"
    script = inputs.get("Script")
    if script is None:
        return "Script is required"
    if not isinstance(script, str):
        return "Script must be a String"
    payload = inputs.get("InputPayload")
    if payload is not None and not isinstance(payload, Mapping) and not _is_reference(payload):
        return "InputPayload must be a StringMap"
    return None


def automation_context(context: StepContext, now: datetime) -> dict[str, str]:
    """The `context` a handler gets: the automation variables a runbook can reference. Pure."""
    return {
        "automation:EXECUTION_ID": context.execution_id,
        "global:ACCOUNT_ID": context.account_id,
        "global:REGION": context.region,
        "global:AWS_PARTITION": "aws",
        "global:URL_SUFFIX": "amazonaws.com",
        "global:DATE": now.strftime("%Y-%m-%d"),
        "global:DATE_TIME": now.strftime("%Y-%m-%d_%H.%M.%S"),
    }


def script_environment(context: StepContext, endpoint_url: str) -> dict[str, str]:
    """The container's environment: LocalStack's endpoint, the region, the execution's
    credentials, and no instance metadata (boto3 must never look for credentials at
    169.254.169.254, which from a task container is the host's). Pure."""
    environment = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": context.region,
        "AWS_DEFAULT_REGION": context.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if context.credentials is not None:
        environment["AWS_ACCESS_KEY_ID"] = context.credentials.access_key_id
        environment["AWS_SECRET_ACCESS_KEY"] = context.credentials.secret_access_key
        if context.credentials.session_token:
            environment["AWS_SESSION_TOKEN"] = context.credentials.session_token
    return environment


def step_outputs(result: ScriptResult) -> dict[str, Any]:
    """The step's outputs from how the container ended, or StepFailed with AWS's message for a
    script that raised (its traceback) and what the script's log says otherwise. Pure."""
    log = result.stderr.decode("utf-8", "replace")
    try:
        outcome = json.loads(result.stdout) if result.stdout_size <= OUTPUT_LIMIT else None
    except ValueError:
        outcome = None
    if not isinstance(outcome, dict) or not ({"Payload", "Error"} & outcome.keys()):
        raise StepFailed(
            f"Step fails when it is Executing. The script's process ended with exit code "
            f"{result.exit_code} before it returned: {log[-2000:]}"
        )
    if "Error" in outcome:
        raise StepFailed(
            f"Step fails when it is Executing. Fail to run the script. {outcome['Error']}"
        )
    serialised = json.dumps({"Payload": outcome["Payload"]})
    if len(serialised.encode()) > PAYLOAD_LIMIT:
        raise StepFailed(
            "Step fails when it is Executing. The script's return value is larger than 100 KB."
        )
    outputs: dict[str, Any] = {"Payload": outcome["Payload"], "OutputPayload": serialised}
    if log:
        outputs["ExecutionLog"] = log
    return outputs


class ExecuteScript:
    """aws:executeScript; `host` names where scripts run (read at each run: the wiring finds
    LocalStack's endpoint once the metadata service started)."""

    name: ClassVar[str] = "aws:executeScript"

    def __init__(
        self,
        host: Callable[[], ScriptHost],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._host = host
        self._now = now
        self._monotonic = monotonic

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        """InvalidStep naming the step for inputs that can never run."""
        problem = inputs_problem(inputs)
        if problem is not None:
            raise InvalidStep(f"Step {step_name} ({self.name}) has invalid inputs: {problem}")

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        """Runs the handler in a new container and returns Payload, OutputPayload and (when
        the script wrote anything) ExecutionLog."""
        problem = inputs_problem(inputs)
        if problem is not None:
            raise StepFailed(f"Step fails when it is Validating inputs. {problem}")
        try:
            host = self._host()
        except EngineError as e:
            raise StepFailed(f"Step fails when it is Executing. {e}") from e
        if host.endpoint_url is None:
            raise StepFailed(
                "Step fails when it is Executing. LocalStack is not reachable from script "
                "containers: set EC2_INSTANCE_ENDPOINT_URL"
            )
        job = {
            "script": inputs["Script"],
            "handler": inputs["Handler"],
            "events": dict(inputs.get("InputPayload") or {}),
            "context": automation_context(context, self._now()),
        }
        task = ContainerTask(
            image=host.image,
            command=("python3", "-c", _BOOTSTRAP, JOB_FILE),
            files=((JOB_FILE, json.dumps(job).encode()),),
            environment=script_environment(context, host.endpoint_url),
            network=host.network,
            networks=host.metadata_networks,
            labels={TASK_LABEL: context.execution_id},
            output_limit=OUTPUT_LIMIT,
        )
        limit = self._monotonic() + MAX_SECONDS
        deadline = limit if context.deadline is None else min(context.deadline, limit)
        try:
            result = host.containers.run_task(task, context.cancelled, deadline)
        except TaskStopped as e:
            if e.timed_out:
                raise StepFailed(
                    "Step timed out while step is verifying the script's execution."
                ) from e
            raise StepFailed("Step fails when it is Executing. The step was cancelled.") from e
        except ImageMissing as e:
            raise StepFailed(
                f"Step fails when it is Executing. The script runtime image {host.image} is "
                "not on the Docker engine: build it with `make automation-image`, or name "
                "another with AUTOMATION_SCRIPT_IMAGE"
            ) from e
        except EngineError as e:
            raise StepFailed(f"Step fails when it is Executing. {e}") from e
        outputs = step_outputs(result)
        declared = selectors.outputs_of({"Payload": outputs["Payload"]}, context.outputs)
        return {**outputs, **declared}
