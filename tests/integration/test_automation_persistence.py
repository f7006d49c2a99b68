"""With PERSISTENCE=1, automation executions survive a LocalStack restart: ended ones unchanged,
one still waiting at the stop ends Failed rather than staying Waiting forever."""

import json
import uuid

from harness.localstack_process import LocalStack
from tests.integration.helpers import automation_finished, automation_reaches


def _runbook(ssm, steps: list[dict]) -> str:
    name = f"runbook-{uuid.uuid4().hex[:10]}"
    ssm.create_document(
        Name=name,
        Content=json.dumps({"schemaVersion": "0.3", "mainSteps": steps}),
        DocumentType="Automation",
    )
    return name


def test_executions_survive_a_restart_and_unfinished_ones_end_failed(tmp_path):
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ssm = first.client("ssm")
        done = ssm.start_automation_execution(
            DocumentName=_runbook(
                ssm, [{"name": "nap", "action": "aws:sleep", "inputs": {"Duration": "PT0S"}}]
            )
        )["AutomationExecutionId"]
        before = automation_finished(ssm, done)
        waiting = ssm.start_automation_execution(
            DocumentName=_runbook(ssm, [{"name": "hold", "action": "aws:pause", "inputs": {}}])
        )["AutomationExecutionId"]
        automation_reaches(ssm, waiting, {"Waiting"})
    finally:
        assert first.stop() == 0

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        ssm = second.client("ssm")
        after = ssm.get_automation_execution(AutomationExecutionId=done)["AutomationExecution"]
        assert after == before
        interrupted = ssm.get_automation_execution(AutomationExecutionId=waiting)[
            "AutomationExecution"
        ]
        assert interrupted["AutomationExecutionStatus"] == "Failed"
        assert interrupted["StepExecutions"][0]["StepStatus"] == "Failed"
        assert "LocalStack stopped" in interrupted["FailureMessage"]
    finally:
        assert second.stop() == 0
