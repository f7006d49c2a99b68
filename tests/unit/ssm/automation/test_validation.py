"""CreateDocument's check of Automation documents: InvalidDocumentContent naming the step."""

import pytest
from localstack.aws.api.ssm import InvalidDocumentContent

from localstack_ssm_docker.ssm.automation.actions.catalogue import actions_by_name
from localstack_ssm_docker.ssm.automation.runbook import content_of
from localstack_ssm_docker.ssm.automation.validation import validate_runbook


def document(steps: list[dict], **extra) -> dict:
    return {"schemaVersion": "0.3", "mainSteps": steps, **extra}


def sleep(name: str, **fields) -> dict:
    return {"name": name, "action": "aws:sleep", "inputs": {"Duration": "PT1S"}, **fields}


def refusal(content: dict) -> str:
    with pytest.raises(InvalidDocumentContent) as refused:
        validate_runbook(content, actions_by_name())
    return refused.value.message


def test_a_well_formed_runbook_in_yaml_passes():
    text = """
schemaVersion: '0.3'
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole: {type: String, default: ''}
  Wait: {type: String, default: PT1S}
outputs: [pick.Nothing]
mainSteps:
  - name: pick
    action: aws:branch
    inputs:
      Choices:
        - {NextStep: nap, Variable: '{{ Wait }}', StringEquals: PT1S}
      Default: nap
  - name: nap
    action: aws:sleep
    inputs: {Duration: '{{ Wait }}'}
    onFailure: step:pick
"""
    runbook = validate_runbook(content_of(text, "YAML"), actions_by_name())
    assert [s.name for s in runbook.steps] == ["pick", "nap"]


@pytest.mark.parametrize(
    ("steps", "named"),
    [
        ([{"name": "odd", "action": "aws:nothing", "inputs": {}}], "odd"),
        ([{"name": "nap", "action": "aws:sleep", "inputs": {}}], "nap"),
        ([{"name": "nap", "action": "aws:sleep", "inputs": {"Duration": "soon"}}], "nap"),
        ([{"name": "ok", "action": "aws:approve", "inputs": {}}], "ok"),
        (
            [
                {
                    "name": "choose",
                    "action": "aws:branch",
                    "inputs": {"Choices": [{"Variable": "x"}]},
                }
            ],
            "choose",
        ),
        ([sleep("a", nextStep="nowhere")], "a"),
        ([sleep("a", onFailure="step:nowhere")], "a"),
        ([sleep("a", onFailure="Retry")], "a"),
        ([sleep("a", onCancel="Continue")], "a"),
        ([{"name": "a", "action": "aws:sleep", "inputs": {"Duration": "{{ Missing }}"}}], "a"),
        ([{"name": "a", "action": "aws:sleep", "inputs": {"Duration": "{{ b.Out }}"}}], "a"),
    ],
)
def test_a_step_that_can_never_run_is_refused_by_name(steps, named):
    assert f"Step {named}" in refusal(document(steps))


def test_a_cycle_of_next_steps_is_refused():
    message = refusal(document([sleep("a"), sleep("b", nextStep="a")]))
    assert "cycle" in message and "a -> b -> a" in message


def test_outputs_must_name_a_step_and_the_schema_must_be_0_3():
    assert "outputs" in refusal(document([sleep("a")], outputs=["nope.Value"]))
    assert "0.3" in refusal({"schemaVersion": "2.2", "mainSteps": [sleep("a")]})
    assert "more than one" in refusal(document([sleep("a"), sleep("a")]))
