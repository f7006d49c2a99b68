"""An aws:executeScript step of a trivial script, StartAutomationExecution until the execution
is Success, against `docker run --rm <runtime image> python3 -c pass` (the least a script in a
container of its own can cost), interleaved (the order alternates per round)."""

import json
import subprocess
import time
import uuid

from benchmarks.scenarios import POLL_INTERVAL, TERMINAL, row, timed
from harness.localstack_process import LocalStack
from localstack_ssm_docker.config import Settings

_SCRIPT = "def script_handler(events, context):\n    return {'ok': True}\n"


def _runbook(ssm) -> str:
    name = f"bench-script-{uuid.uuid4().hex[:8]}"
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "trivial",
                "action": "aws:executeScript",
                "inputs": {"Runtime": "python3.11", "Handler": "script_handler", "Script": _SCRIPT},
            }
        ],
    }
    ssm.create_document(Name=name, Content=json.dumps(content), DocumentType="Automation")
    return name


def _execute(ssm, runbook: str) -> None:
    execution_id = ssm.start_automation_execution(DocumentName=runbook)["AutomationExecutionId"]
    while True:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)
        status = execution["AutomationExecution"]["AutomationExecutionStatus"]
        if status in TERMINAL:
            if status != "Success":
                raise RuntimeError(f"{execution_id} ended {status}")
            return
        time.sleep(POLL_INTERVAL)


def _docker_run(image: str) -> None:
    subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "python3", image, "-c", "pass"],
        capture_output=True,
        check=True,
    )


def script_step(localstack: LocalStack, rounds: int) -> dict:
    """A one-step runbook of a trivial script, start to Success, against `docker run --rm`."""
    ssm = localstack.client("ssm")
    image = Settings.from_env().automation_script_image
    runbook = _runbook(ssm)
    try:
        _execute(ssm, runbook)  # the first: the EC2 provider and the endpoint relay start
        ours, floor = [], []
        for round_ in range(rounds):
            sides = ("ours", "floor") if round_ % 2 == 0 else ("floor", "ours")
            for side in sides:
                if side == "ours":
                    ours.append(timed(lambda: _execute(ssm, runbook)))
                else:
                    floor.append(timed(lambda: _docker_run(image)))
        return row("executeScript step", ours, floor)
    finally:
        ssm.delete_document(Name=runbook)
