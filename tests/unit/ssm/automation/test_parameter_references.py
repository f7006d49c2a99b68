"""Parameters whose values refer to other parameters and to the automation variables, as AWS's
own runbooks' defaults do."""

import pytest

from tests.unit.ssm.associations.fake_clock import FakeClock
from tests.unit.ssm.automation.fakes import Harness


@pytest.fixture
def harness() -> Harness:
    return Harness(FakeClock(1_800_000_000.0))


def test_a_default_refers_to_another_parameter_and_the_date(harness):
    name = harness.runbooks.add(
        [{"name": "show", "action": "test:echo", "inputs": {"Name": "{{ TargetName }}"}}],
        parameters={
            "Source": {"type": "String"},
            "TargetName": {
                "type": "String",
                "default": "from_{{Source}}_on_{{global:DATE_TIME}}",
            },
        },
    )
    record = harness.finished(harness.start(name, {"Source": ["ami-1"]}))
    assert record.status == "Success"
    assert record.steps[0].values == {"Name": "from_ami-1_on_2027-01-15_08.00.00"}


def test_a_parameter_that_refers_to_itself_fails_the_step_that_uses_it(harness):
    name = harness.runbooks.add(
        [{"name": "show", "action": "test:echo", "inputs": {"Name": "{{ Loop }}"}}],
        parameters={"Loop": {"type": "String", "default": "x{{ Loop }}"}},
    )
    record = harness.finished(harness.start(name))
    assert record.status == "Failed"
    assert record.steps[0].failure_message == "Input reference {{ Loop }} has no value."
