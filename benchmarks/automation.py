"""Automation: the engine's own cost and its rate control.

- Ten control steps (an aws:branch chain, no sleep, no command) from StartAutomationExecution to
  Success, against one such step, interleaved: the difference is what nine more steps cost.
- 50 rate-controlled children (aws:sleep PT1S each) at MaxConcurrency 10: the whole run against
  its floor, five waves of one second, and the most children that ran at once, read from the
  children's records.
"""

import json
import statistics
import time
import uuid

from benchmarks.scenarios import POLL_INTERVAL, TERMINAL, row, timed
from harness.localstack_process import LocalStack


def _chain(steps: int) -> dict:
    """`steps` aws:branch steps, each choosing the next; the last ends the execution."""
    names = [f"step{i}" for i in range(steps)]
    main = []
    for i, name in enumerate(names):
        following = names[i + 1] if i + 1 < steps else name
        step = {
            "name": name,
            "action": "aws:branch",
            "inputs": {
                "Choices": [{"NextStep": following, "Variable": "{{ Go }}", "StringEquals": "yes"}]
            },
        }
        if i + 1 == steps:
            step["isEnd"] = True
            step["inputs"]["Choices"][0]["NextStep"] = names[0]
        main.append(step)
    return {
        "schemaVersion": "0.3",
        "parameters": {"Go": {"type": "String", "default": "yes"}},
        "mainSteps": main,
    }


def _create(ssm, content: dict) -> str:
    name = f"bench-{uuid.uuid4().hex[:10]}"
    ssm.create_document(Name=name, Content=json.dumps(content), DocumentType="Automation")
    return name


def _until_ended(ssm, execution_id: str) -> dict:
    while True:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)[
            "AutomationExecution"
        ]
        if execution["AutomationExecutionStatus"] in TERMINAL:
            if execution["AutomationExecutionStatus"] != "Success":
                raise RuntimeError(f"{execution_id} ended {execution['AutomationExecutionStatus']}")
            return execution
        time.sleep(POLL_INTERVAL)


def control_steps(localstack: LocalStack, rounds: int) -> dict:
    """Ten aws:branch steps to Success, against one."""
    ssm = localstack.client("ssm")
    ten, one = _create(ssm, _chain(10)), _create(ssm, _chain(1))

    def run(name: str) -> None:
        _until_ended(
            ssm, ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
        )

    ours, floor = [], []
    for round_ in range(rounds):
        for side in ("ours", "floor") if round_ % 2 == 0 else ("floor", "ours"):
            if side == "ours":
                ours.append(timed(lambda: run(ten)))
            else:
                floor.append(timed(lambda: run(one)))
    return row("automation: 10 control steps vs 1, start to Success", ours, floor)


def rate_control(localstack: LocalStack, children: int = 50, concurrency: int = 10) -> dict:
    """`children` one-second children at MaxConcurrency `concurrency`: the run against its floor
    (children / concurrency waves of one second) and the most that ran at once."""
    ssm = localstack.client("ssm")
    name = _create(
        ssm,
        {
            "schemaVersion": "0.3",
            "parameters": {"Item": {"type": "String"}},
            "mainSteps": [{"name": "work", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
        },
    )
    items = [f"item-{i}" for i in range(children)]
    started = time.perf_counter()
    parent_id = ssm.start_automation_execution(
        DocumentName=name,
        TargetParameterName="Item",
        Targets=[{"Key": "ParameterValues", "Values": items}],
        MaxConcurrency=str(concurrency),
    )["AutomationExecutionId"]
    _until_ended(ssm, parent_id)
    elapsed = time.perf_counter() - started
    listed: list[dict] = []
    token = None
    while True:
        page = ssm.describe_automation_executions(
            Filters=[{"Key": "ParentExecutionId", "Values": [parent_id]}],
            **({"NextToken": token} if token else {}),
        )
        listed += page["AutomationExecutionMetadataList"]
        token = page.get("NextToken")
        if not token:
            break
    spans = [(c["ExecutionStartTime"], c["ExecutionEndTime"]) for c in listed]
    at_once = [sum(1 for s, e in spans if s <= start < e) for start, _ in spans]
    waves = -(-children // concurrency)
    return {
        "children": len(listed),
        "max_concurrency": concurrency,
        "most_at_once": max(at_once),
        "median_at_once": statistics.median(at_once),
        "elapsed_s": round(elapsed, 2),
        "floor_s": float(waves),
        "ratio": round(elapsed / waves, 2),
    }
