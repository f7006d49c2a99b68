import threading
import time

import pytest
from botocore.exceptions import ClientError

from localstack_ssm_docker.ssm.automation.actions.aws_api import (
    AssertAwsResourceProperty,
    ExecuteAwsApi,
    WaitForAwsResourceProperty,
)
from localstack_ssm_docker.ssm.automation.actions.base import (
    DeclaredOutput,
    InvalidStep,
    StepFailed,
)
from localstack_ssm_docker.ssm.automation.actions.waiting import CANCELLED, TIMED_OUT
from tests.unit.ssm.automation.aws_fakes import FakeAwsClients, step_context


def _described(state: str) -> dict:
    return {"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Name": state}}]}]}


def test_execute_aws_api_calls_the_operation_with_the_other_inputs_and_selects_outputs():
    clients = FakeAwsClients({("ec2", "describe_instances"): [_described("running")]})
    context = step_context(
        clients,
        outputs=(DeclaredOutput("State", "$.Reservations[0].Instances[0].State.Name", "String"),),
    )
    outputs = ExecuteAwsApi().run(
        {"Service": "ec2", "Api": "DescribeInstances", "InstanceIds": ["i-1"]}, context
    )
    assert outputs == {"State": "running"}
    assert clients.requests("ec2", "describe_instances") == [{"InstanceIds": ["i-1"]}]


def test_execute_aws_api_takes_the_boto3_method_name_too():
    clients = FakeAwsClients({("ec2", "describe_instances"): [_described("running")]})
    assert (
        ExecuteAwsApi().run({"Service": "ec2", "Api": "describe_instances"}, step_context(clients))
        == {}
    )
    assert len(clients.requests("ec2", "describe_instances")) == 1


def test_an_unknown_service_or_operation_is_refused_at_check_naming_the_step():
    with pytest.raises(InvalidStep, match=r"Step find: .*'DescribeEverything'"):
        ExecuteAwsApi().check("find", {"Service": "ec2", "Api": "DescribeEverything"})
    with pytest.raises(InvalidStep, match=r"Step find: .*'ec3'"):
        ExecuteAwsApi().check("find", {"Service": "ec3", "Api": "DescribeInstances"})
    with pytest.raises(InvalidStep, match=r"Step find: .*requires input Api"):
        ExecuteAwsApi().check("find", {"Service": "ec2"})
    ExecuteAwsApi().check("find", {"Service": "{{ Service }}", "Api": "{{ Api }}"})


def test_an_api_error_fails_the_step_with_aws_message():
    error = ClientError(
        {
            "Error": {
                "Code": "InvalidInstanceID.NotFound",
                "Message": "The instance ID 'i-9' does not exist",
            }
        },
        "DescribeInstances",
    )
    clients = FakeAwsClients({("ec2", "describe_instances"): [error]})
    with pytest.raises(StepFailed, match=r"\(InvalidInstanceID.NotFound\).*i-9"):
        ExecuteAwsApi().run({"Service": "ec2", "Api": "DescribeInstances"}, step_context(clients))


WAIT_INPUTS = {
    "Service": "ec2",
    "Api": "DescribeInstances",
    "InstanceIds": ["i-1"],
    "PropertySelector": "$.Reservations[0].Instances[0].State.Name",
    "DesiredValues": ["running"],
}


def test_wait_polls_until_the_property_has_a_desired_value():
    replies = [_described("pending"), _described("pending"), _described("running")]
    clients = FakeAwsClients({("ec2", "describe_instances"): replies})
    assert WaitForAwsResourceProperty(interval=0).run(WAIT_INPUTS, step_context(clients)) == {}
    requests = clients.requests("ec2", "describe_instances")
    assert requests == [{"InstanceIds": ["i-1"]}] * 3


def test_wait_ends_when_the_step_is_cancelled():
    cancelled = threading.Event()

    def pending_then_cancel(request: dict) -> dict:
        cancelled.set()
        return _described("pending")

    clients = FakeAwsClients({("ec2", "describe_instances"): [pending_then_cancel]})
    with pytest.raises(StepFailed, match=CANCELLED):
        WaitForAwsResourceProperty(interval=3600).run(WAIT_INPUTS, step_context(clients, cancelled))
    assert len(clients.requests("ec2", "describe_instances")) == 1


def test_wait_ends_at_the_step_deadline():
    clients = FakeAwsClients({("ec2", "describe_instances"): [_described("pending")]})
    context = step_context(clients, deadline=time.monotonic() - 1)
    with pytest.raises(StepFailed, match=TIMED_OUT):
        WaitForAwsResourceProperty(interval=3600).run(WAIT_INPUTS, context)


def test_assert_passes_on_a_desired_value_and_fails_on_another():
    clients = FakeAwsClients(
        {("ec2", "describe_instances"): [_described("running"), _described("stopped")]}
    )
    assert AssertAwsResourceProperty().run(WAIT_INPUTS, step_context(clients)) == {}
    with pytest.raises(StepFailed, match="is stopped, not one of \\['running'\\]"):
        AssertAwsResourceProperty().run(WAIT_INPUTS, step_context(clients))


def test_property_checks_compare_booleans_as_aws_spells_them():
    clients = FakeAwsClients({("ec2", "describe_instances"): [{"Reservations": [], "Flag": False}]})
    inputs = {**WAIT_INPUTS, "PropertySelector": "$.Flag", "DesiredValues": ["false"]}
    assert AssertAwsResourceProperty().run(inputs, step_context(clients)) == {}


def test_property_checks_refuse_a_bad_selector_at_check():
    with pytest.raises(InvalidStep, match=r"Step wait: PropertySelector"):
        WaitForAwsResourceProperty().check("wait", {**WAIT_INPUTS, "PropertySelector": "State"})
    with pytest.raises(InvalidStep, match="requires input DesiredValues"):
        AssertAwsResourceProperty().check("wait", {**WAIT_INPUTS, "DesiredValues": []})
