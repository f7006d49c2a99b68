"""EventBridge's "EC2 Automation Execution Status-change Notification" and "EC2 Automation Step
Status-change Notification" events (source aws.ssm), with the detail AWS sends: published from
one background thread in the order the changes happened, and only when the account's event
buses have a rule (`has_event_rules`): without one nobody could see them."""

import json
import logging
import queue
import threading
from datetime import UTC, datetime
from typing import Any

from localstack_ssm_docker.ssm.automation.records import Execution, StepRecord
from localstack_ssm_docker.ssm.integrations.notifications import has_event_rules

LOG = logging.getLogger(__name__)

EXECUTION_EVENT = "EC2 Automation Execution Status-change Notification"
STEP_EVENT = "EC2 Automation Step Status-change Notification"


def _time(epoch: float | None) -> str:
    """AWS's format in these events: "Nov 29, 2016 8:21:20 PM"."""
    if epoch is None:
        return ""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%b %d, %Y ") + moment.strftime("%I:%M:%S %p").lstrip("0")


def _version(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return 1.0


def _elapsed_ms(started: float | None, ended: float | None) -> float:
    return round(((ended or started or 0.0) - (started or 0.0)) * 1000.0, 1)


def execution_event(region: str, account_id: str, execution: Execution) -> dict[str, Any]:
    """The PutEvents entry of an execution's status change."""
    detail = {
        "ExecutionId": execution.execution_id,
        "Definition": execution.document_name,
        "DefinitionVersion": _version(execution.document_version),
        "Status": execution.status,
        "StartTime": _time(execution.started_at),
        "EndTime": _time(execution.ended_at),
        "Time": _elapsed_ms(execution.started_at, execution.ended_at),
        "ExecutedBy": execution.executed_by,
    }
    return _entry(EXECUTION_EVENT, region, account_id, execution, detail)


def step_event(
    region: str, account_id: str, execution: Execution, step: StepRecord
) -> dict[str, Any]:
    """The PutEvents entry of a step's status change."""
    detail = {
        "ExecutionId": execution.execution_id,
        "Definition": execution.document_name,
        "DefinitionVersion": _version(execution.document_version),
        "Status": step.status,
        "StartTime": _time(step.started_at),
        "EndTime": _time(step.ended_at),
        "Time": _elapsed_ms(step.started_at, step.ended_at),
        "StepName": step.step_name,
        "Action": step.action,
    }
    return _entry(STEP_EVENT, region, account_id, execution, detail)


def _entry(
    detail_type: str, region: str, account_id: str, execution: Execution, detail: dict
) -> dict[str, Any]:
    arn = f"arn:aws:ssm:{region}:{account_id}:automation-execution/{execution.execution_id}"
    return {
        "Source": "aws.ssm",
        "DetailType": detail_type,
        "Resources": [arn],
        "Detail": json.dumps(detail),
    }


class LocalStackAutomationEvents:
    """The engine's `AutomationObserver`: PutEvents to this LocalStack's EventBridge."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, str, dict] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._loop, name="ssm-automation-events", daemon=True
        )
        self._thread.start()

    def execution_changed(self, account_id: str, region: str, execution: Execution) -> None:
        self._queue.put((account_id, region, execution_event(region, account_id, execution)))

    def step_changed(
        self, account_id: str, region: str, execution: Execution, step: StepRecord
    ) -> None:
        self._queue.put((account_id, region, step_event(region, account_id, execution, step)))

    def shutdown(self) -> None:
        """Stops after what is queued has been published."""
        self._queue.put(None)

    def _loop(self) -> None:
        from localstack.aws.connect import connect_to

        while (item := self._queue.get()) is not None:
            account_id, region, entry = item
            if not has_event_rules(account_id, region):
                continue
            try:
                connect_to(aws_access_key_id=account_id, region_name=region).events.put_events(
                    Entries=[entry]
                )
            except Exception as e:
                LOG.debug("automation event not published: %s", e)
