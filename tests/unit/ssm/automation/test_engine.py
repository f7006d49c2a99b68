"""The step engine with fake actions that block on cue and a fake clock: control flow, retries,
timeouts, Stop, signals, Interactive mode, nested executions and rate control."""

import pytest
from localstack.aws.api.ssm import (
    AutomationStepNotFoundException,
    InvalidAutomationSignalException,
    InvalidAutomationStatusUpdateException,
)

from tests.unit.ssm.associations.fake_clock import FakeClock
from tests.unit.ssm.automation.fakes import Harness, steps


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_800_000_000.0)


@pytest.fixture
def harness(clock) -> Harness:
    return Harness(clock)


def echo(name: str, **fields) -> dict:
    inputs = fields.pop("inputs", {"Value": name})
    return {"name": name, "action": "test:echo", "inputs": inputs, **fields}


def gate(name: str, **fields) -> dict:
    return {"name": name, "action": "test:gate", "inputs": {}, **fields}


def fail(name: str, **fields) -> dict:
    inputs = fields.pop("inputs", {})
    return {"name": name, "action": "test:fail", "inputs": inputs, **fields}


def test_steps_run_in_order_and_outputs_feed_later_steps(harness):
    name = harness.runbooks.add(
        [
            echo("first", inputs={"Items": "{{ Items }}", "Id": "{{ automation:EXECUTION_ID }}"}),
            echo("second", inputs={"Text": "got {{ first.Items }} in {{ global:REGION }}"}),
        ],
        parameters={"Items": {"type": "StringList", "default": ["a", "b"]}},
        outputs=["first.Items", "second.Text"],
    )
    execution_id = harness.start(name)
    record = harness.finished(execution_id)
    assert record.status == "Success"
    assert steps(record) == [("first", "Success"), ("second", "Success")]
    assert record.steps[0].values == {"Items": ["a", "b"], "Id": execution_id}
    assert record.outputs == {
        "first.Items": ["a", "b"],
        "second.Text": ['got ["a", "b"] in us-east-1'],
    }


def test_next_step_and_is_end_choose_what_runs(harness):
    name = harness.runbooks.add(
        [echo("a", nextStep="c"), echo("b"), echo("c", isEnd=True), echo("d")]
    )
    record = harness.finished(harness.start(name))
    assert steps(record) == [("a", "Success"), ("c", "Success")]
    assert record.status == "Success"


def test_on_failure_abort_continue_and_step_targets(harness):
    aborting = harness.runbooks.add([fail("broken"), echo("after")])
    record = harness.finished(harness.start(aborting))
    assert (record.status, steps(record)) == ("Failed", [("broken", "Failed")])
    assert "failure 1" in record.failure_message

    continuing = harness.runbooks.add([fail("broken", onFailure="Continue"), echo("after")])
    record = harness.finished(harness.start(continuing))
    assert steps(record) == [("broken", "Failed"), ("after", "Success")]
    assert record.status == "Failed"  # a critical step failed

    not_critical = harness.runbooks.add(
        [fail("broken", onFailure="Continue", isCritical=False), echo("after")]
    )
    assert harness.finished(harness.start(not_critical)).status == "Success"

    jumping = harness.runbooks.add(
        [fail("broken", onFailure="step:cleanup"), echo("skipped"), echo("cleanup")]
    )
    record = harness.finished(harness.start(jumping))
    assert steps(record) == [("broken", "Failed"), ("cleanup", "Success")]


def test_max_attempts_retries_a_failing_step(harness):
    name = harness.runbooks.add([fail("flaky", maxAttempts=3, inputs={"Failures": 2})])
    record = harness.finished(harness.start(name))
    assert record.status == "Success"
    assert record.steps[0].values == {"Runs": 3}


def test_a_step_past_its_timeout_is_cancelled_and_times_out(harness, clock):
    name = harness.runbooks.add([gate("slow", timeoutSeconds=30), echo("after")])
    execution_id = harness.start(name)
    harness.gate.wait_started(1)
    clock.advance(29)
    assert harness.record(execution_id).status == "InProgress"
    clock.advance(1)
    record = harness.finished(execution_id)
    assert (record.status, steps(record)) == ("TimedOut", [("slow", "TimedOut")])


def test_stop_cancels_the_running_step_and_runs_on_cancel(harness):
    name = harness.runbooks.add(
        [gate("long", onCancel="step:cleanup"), echo("next"), echo("cleanup")]
    )
    execution_id = harness.start(name)
    harness.gate.wait_started(1)
    harness.engine.stop(harness.account_id, harness.region, execution_id)
    record = harness.finished(execution_id)
    assert record.status == "Cancelled"
    assert steps(record) == [("long", "Cancelled"), ("cleanup", "Success")]
    assert harness.recorder.statuses(execution_id) == [
        "Pending",
        "InProgress",
        "Cancelling",
        "Cancelled",
    ]
    with pytest.raises(InvalidAutomationStatusUpdateException):
        harness.engine.stop(harness.account_id, harness.region, execution_id)


def test_pause_waits_for_resume(harness):
    name = harness.runbooks.add([{"name": "hold", "action": "aws:pause", "inputs": {}}, echo("b")])
    execution_id = harness.start(name)
    harness.recorder.wait_for(execution_id, "Waiting")
    with pytest.raises(InvalidAutomationSignalException):
        harness.engine.signal(harness.account_id, harness.region, execution_id, "Approve", {}, "me")
    harness.engine.signal(harness.account_id, harness.region, execution_id, "Resume", {}, "me")
    record = harness.finished(execution_id)
    assert steps(record) == [("hold", "Success"), ("b", "Success")]
    assert harness.recorder.statuses(execution_id, "hold") == [
        "InProgress",
        "Waiting",
        "InProgress",
        "Success",
    ]


def approval(minimum: int) -> dict:
    return {
        "name": "approve",
        "action": "aws:approve",
        "inputs": {
            "Approvers": ["arn:aws:iam::000000000000:root"],
            "MinRequiredApprovals": minimum,
        },
    }


def test_approve_needs_its_minimum_of_approvals_and_a_reject_fails_it(harness):
    name = harness.runbooks.add([approval(2)], outputs=["approve.ApprovalStatus"])
    execution_id = harness.start(name)
    harness.recorder.wait_for(execution_id, "Waiting")
    signal = harness.engine.signal
    signal(harness.account_id, harness.region, execution_id, "Approve", {"Comment": ["ok"]}, "a")
    harness.recorder.wait_until(
        lambda: harness.recorder.statuses(execution_id).count("Waiting") == 2
    )
    assert harness.record(execution_id).status == "Waiting"
    signal(harness.account_id, harness.region, execution_id, "Approve", {}, "b")
    record = harness.finished(execution_id)
    assert (record.status, record.outputs) == ("Success", {"approve.ApprovalStatus": ["Approved"]})

    rejected = harness.start(harness.runbooks.add([approval(1)]))
    harness.recorder.wait_for(rejected, "Waiting")
    signal(harness.account_id, harness.region, rejected, "Reject", {"Comment": ["no"]}, "c")
    record = harness.finished(rejected)
    assert record.status == "Failed"
    assert "rejected by c: no" in record.steps[0].failure_message


def test_branch_follows_the_first_matching_choice_or_the_default(harness):
    steps_ = [
        {
            "name": "choose",
            "action": "aws:branch",
            "inputs": {
                "Choices": [
                    {
                        "NextStep": "linux",
                        "And": [
                            {"Variable": "{{ Os }}", "StringEquals": "Linux"},
                            {"Not": {"Variable": "{{ Size }}", "NumericGreater": 10}},
                        ],
                    },
                    {"NextStep": "windows", "Variable": "{{ Os }}", "StartsWith": "Win"},
                ],
                "Default": "other",
            },
        },
        echo("linux", isEnd=True),
        echo("windows", isEnd=True),
        echo("other"),
    ]
    parameters = {"Os": {"type": "String"}, "Size": {"type": "Integer", "default": 5}}
    name = harness.runbooks.add(steps_, parameters=parameters)
    chosen = {}
    for os_, size in (("Linux", "5"), ("Linux", "50"), ("Windows", "5")):
        record = harness.finished(harness.start(name, {"Os": [os_], "Size": [size]}))
        chosen[(os_, size)] = [s.step_name for s in record.steps]
    assert chosen == {
        ("Linux", "5"): ["choose", "linux"],
        ("Linux", "50"): ["choose", "other"],
        ("Windows", "5"): ["choose", "windows"],
    }


def test_execute_automation_runs_a_child_and_stop_reaches_it(harness):
    child = harness.runbooks.add(
        [gate("inside", inputs={"Gate": "{{ Gate }}"})],
        parameters={"Gate": {"type": "String"}},
        outputs=["inside.Opened"],
    )
    parent = harness.runbooks.add(
        [
            {
                "name": "nested",
                "action": "aws:executeAutomation",
                "inputs": {"DocumentName": child, "RuntimeParameters": {"Gate": "{{ Gate }}"}},
            }
        ],
        parameters={"Gate": {"type": "String"}},
        outputs=["nested.Output", "nested.ExecutionId"],
    )
    execution_id = harness.start(parent, {"Gate": ["open-me"]})
    harness.gate.wait_started(1)
    harness.gate.gate("open-me").set()
    record = harness.finished(execution_id)
    assert record.status == "Success"
    child_id = record.outputs["nested.ExecutionId"][0]
    assert harness.record(child_id).parent_id == execution_id
    assert record.outputs["nested.Output"] == ['{"inside.Opened": ["open-me"]}']

    stopped = harness.start(parent, {"Gate": ["never"]})
    harness.gate.wait_started(2)
    harness.engine.stop(harness.account_id, harness.region, stopped)
    record = harness.finished(stopped)
    assert record.status == "Cancelled"
    nested = harness.record(
        record.steps[0].values.get("ExecutionId") or _child_of(harness, stopped)
    )
    assert nested.status == "Cancelled"


def _child_of(harness: Harness, parent_id: str) -> str:
    from localstack_ssm_docker.ssm.automation.records import automation_stores

    executions = automation_stores[harness.account_id][harness.region].executions
    return next(e.execution_id for e in executions.values() if e.parent_id == parent_id)


def test_interactive_mode_runs_each_step_on_start_step(harness):
    name = harness.runbooks.add([echo("a"), gate("b"), echo("c")])
    execution_id = harness.start(name, mode="Interactive")
    harness.recorder.wait_for(execution_id, "Waiting")
    signal = harness.engine.signal
    with pytest.raises(AutomationStepNotFoundException):
        signal(
            harness.account_id, harness.region, execution_id, "StartStep", {"StepName": ["x"]}, "me"
        )
    signal(harness.account_id, harness.region, execution_id, "StartStep", {"StepName": ["b"]}, "me")
    harness.gate.wait_started(1)
    signal(harness.account_id, harness.region, execution_id, "StopStep", {"StepName": ["b"]}, "me")
    harness.recorder.wait_for(execution_id, "Cancelled", step="b")
    harness.recorder.wait_until(lambda: harness.record(execution_id).status == "Waiting")
    signal(harness.account_id, harness.region, execution_id, "StartStep", {"StepName": ["c"]}, "me")
    record = harness.finished(execution_id)
    assert (record.status, steps(record)) == ("Success", [("b", "Cancelled"), ("c", "Success")])


def test_rate_control_runs_at_most_max_concurrency_children_at_once(harness):
    name = harness.runbooks.add(
        [gate("work", inputs={"Gate": "{{ Target }}"})],
        parameters={"Target": {"type": "String"}},
    )
    targets = [f"t{i}" for i in range(5)]
    parent = harness.start(
        name,
        {"Target": ["stand-in"]},
        target_parameter_name="Target",
        target_maps=tuple({"Target": [t]} for t in targets),
        max_concurrency="2",
    )
    for count in range(2, 6):
        harness.gate.wait_started(count)
        assert harness.gate.running == 2
        harness.gate.gate(harness.gate.started[count - 2]).set()
    harness.gate.gate(harness.gate.started[-1]).set()
    record = harness.finished(parent)
    assert record.status == "Success"
    assert harness.gate.most_at_once == 2
    children = [harness.record(c) for c in record.children]
    assert sorted(c.parameters["Target"][0] for c in children) == targets
    assert {(c.parent_id, c.status) for c in children} == {(parent, "Success")}


def test_rate_control_stops_starting_children_past_max_errors(harness):
    name = harness.runbooks.add([fail("broken")], parameters={"Target": {"type": "String"}})
    parent = harness.start(
        name,
        {"Target": ["stand-in"]},
        target_parameter_name="Target",
        target_maps=tuple({"Target": [f"t{i}"]} for i in range(5)),
        max_concurrency="1",
        max_errors="1",
    )
    record = harness.finished(parent)
    assert record.status == "Failed"
    assert len(record.children) == 2


def test_shutdown_stops_the_running_step_and_leaves_the_record_for_a_restart(harness):
    name = harness.runbooks.add([gate("long")])
    execution_id = harness.start(name)
    harness.gate.wait_started(1)
    harness.engine.shutdown()
    harness.gate.wait_idle()
    assert harness.record(execution_id).status == "InProgress"
    assert steps(harness.record(execution_id)) == [("long", "InProgress")]


def test_is_end_ends_the_execution_even_after_a_branch_chose_a_step(harness):
    name = harness.runbooks.add(
        [
            {
                "name": "last",
                "action": "aws:branch",
                "inputs": {"Choices": [{"NextStep": "more", "Variable": "a", "StringEquals": "a"}]},
                "isEnd": True,
            },
            echo("more"),
        ]
    )
    assert steps(harness.finished(harness.start(name))) == [("last", "Success")]


def test_a_runbook_that_starts_itself_stops_at_the_nesting_limit(harness):
    name = harness.runbooks.add([])
    harness.runbooks.contents[name]["mainSteps"] = [
        {"name": "again", "action": "aws:executeAutomation", "inputs": {"DocumentName": name}}
    ]
    record = harness.finished(harness.start(name))
    assert record.status == "Failed"
    from localstack_ssm_docker.ssm.automation.records import automation_stores

    nested = [
        e
        for e in automation_stores[harness.account_id][harness.region].executions.values()
        if e.document_name == name
    ]
    assert len(nested) == 11
    assert any("nested 10 deep" in s.failure_message for e in nested for s in e.steps)
