import base64
import io
import threading

import pytest

from localstack_ssm_docker.ssm.automation.actions.base import InvalidStep, StepFailed
from localstack_ssm_docker.ssm.automation.actions.catalogue import ACTIONS
from localstack_ssm_docker.ssm.automation.actions.images import CreateImage, DeleteImage
from localstack_ssm_docker.ssm.automation.actions.instances import ChangeInstanceState, RunInstances
from localstack_ssm_docker.ssm.automation.actions.lambda_invoke import InvokeLambdaFunction
from localstack_ssm_docker.ssm.automation.actions.run_command import RunCommand
from localstack_ssm_docker.ssm.automation.actions.tags import CreateTags
from localstack_ssm_docker.ssm.automation.actions.waiting import CANCELLED
from tests.unit.ssm.automation.aws_fakes import FakeAwsClients, step_context


def _command(status: str) -> dict:
    return {"Commands": [{"CommandId": "c-1", "Status": status}]}


def _invocation(code: int, out: str) -> dict:
    return {"ResponseCode": code, "StandardOutputContent": out, "StandardErrorContent": "oops"}


SEND = {("ssm", "send_command"): [{"Command": {"CommandId": "c-1", "InstanceIds": ["i-1"]}}]}
RUN_INPUTS = {
    "DocumentName": "AWS-RunShellScript",
    "InstanceIds": ["i-1"],
    "Parameters": {"commands": ["echo hi"], "executionTimeout": 60},
}


def test_run_command_sends_the_command_waits_for_its_end_and_outputs_as_aws():
    clients = FakeAwsClients(
        {
            **SEND,
            ("ssm", "list_commands"): [_command("InProgress"), _command("Success")],
            ("ssm", "get_command_invocation"): [_invocation(0, "hi\n")],
        }
    )
    outputs = RunCommand(interval=0).run(RUN_INPUTS, step_context(clients))
    assert outputs == {"CommandId": "c-1", "Status": "Success", "ResponseCode": 0, "Output": "hi\n"}
    assert clients.requests("ssm", "send_command") == [
        {
            "DocumentName": "AWS-RunShellScript",
            "InstanceIds": ["i-1"],
            "Parameters": {"commands": ["echo hi"], "executionTimeout": ["60"]},
        }
    ]


def test_a_failed_command_fails_the_step_with_its_result():
    clients = FakeAwsClients(
        {
            **SEND,
            ("ssm", "list_commands"): [_command("Failed")],
            ("ssm", "get_command_invocation"): [_invocation(3, "half")],
        }
    )
    with pytest.raises(StepFailed, match=r"(?s)Status=\[Failed\], ResponseCode=\[3\].*half\noops"):
        RunCommand(interval=0).run(RUN_INPUTS, step_context(clients))


def test_a_cancelled_step_cancels_its_command_and_waits_for_it_to_end():
    cancelled = threading.Event()
    statuses = iter(["InProgress", "Cancelling", "Cancelled"])

    def in_progress(request: dict) -> dict:
        cancelled.set()
        return _command(next(statuses))

    clients = FakeAwsClients(
        {**SEND, ("ssm", "list_commands"): [in_progress], ("ssm", "cancel_command"): [{}]}
    )
    with pytest.raises(StepFailed, match=CANCELLED):
        RunCommand(interval=0).run(RUN_INPUTS, step_context(clients, cancelled))
    assert clients.requests("ssm", "cancel_command") == [{"CommandId": "c-1"}]
    assert len(clients.requests("ssm", "list_commands")) == 3


def test_run_command_needs_a_document_and_targets():
    with pytest.raises(InvalidStep, match=r"Step go: .*DocumentName"):
        RunCommand().check("go", {"InstanceIds": ["i-1"]})
    with pytest.raises(InvalidStep, match="InstanceIds or Targets"):
        RunCommand().check("go", {"DocumentName": "AWS-RunShellScript"})


def _instances(*states: str) -> dict:
    return {
        "Reservations": [
            {
                "Instances": [
                    {"InstanceId": f"i-{n}", "State": {"Name": s}} for n, s in enumerate(states)
                ]
            }
        ]
    }


def test_run_instances_maps_the_action_inputs_to_run_instances_and_waits_for_running():
    clients = FakeAwsClients(
        {
            ("ec2", "run_instances"): [
                {"Instances": [{"InstanceId": "i-0"}, {"InstanceId": "i-1"}]}
            ],
            ("ec2", "describe_instances"): [
                _instances("pending", "pending"),
                _instances("running", "running"),
            ],
        }
    )
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}]
    outputs = RunInstances(interval=0).run(
        {
            "ImageId": "ami-1",
            "MinInstanceCount": "2",
            "IamInstanceProfileName": "profile",
            "TagSpecifications": tags,
            "UserData": base64.b64encode(b"#!/bin/sh\necho hi").decode(),
            "SubnetId": "",
        },
        step_context(clients),
    )
    assert outputs == {"InstanceIds": ["i-0", "i-1"], "InstanceStates": ["running", "running"]}
    assert clients.requests("ec2", "run_instances") == [
        {
            "ImageId": "ami-1",
            "MinCount": 2,
            "MaxCount": 2,
            "IamInstanceProfile": {"Name": "profile"},
            "TagSpecifications": tags,
            "UserData": "#!/bin/sh\necho hi",
        }
    ]


def test_a_cancelled_run_instances_terminates_what_it_launched():
    cancelled = threading.Event()

    def pending(request: dict) -> dict:
        cancelled.set()
        return _instances("pending")

    clients = FakeAwsClients(
        {
            ("ec2", "run_instances"): [{"Instances": [{"InstanceId": "i-0"}]}],
            ("ec2", "describe_instances"): [pending],
            ("ec2", "terminate_instances"): [{}],
        }
    )
    with pytest.raises(StepFailed, match=CANCELLED):
        RunInstances(interval=0).run({"ImageId": "ami-1"}, step_context(clients, cancelled))
    assert clients.requests("ec2", "terminate_instances") == [{"InstanceIds": ["i-0"]}]


def test_change_instance_state_stops_with_force_and_waits():
    clients = FakeAwsClients(
        {
            ("ec2", "stop_instances"): [{}],
            ("ec2", "describe_instances"): [_instances("stopping"), _instances("stopped")],
        }
    )
    inputs = {"InstanceIds": ["i-0"], "DesiredState": "stopped", "Force": "true"}
    assert ChangeInstanceState(interval=0).run(inputs, step_context(clients)) == {}
    assert clients.requests("ec2", "stop_instances") == [{"InstanceIds": ["i-0"], "Force": True}]
    assert len(clients.requests("ec2", "describe_instances")) == 2


def test_check_state_only_changes_nothing_and_fails_when_the_state_is_out_of_reach():
    clients = FakeAwsClients({("ec2", "describe_instances"): [_instances("terminated")]})
    inputs = {"InstanceIds": ["i-0"], "DesiredState": "running", "CheckStateOnly": True}
    with pytest.raises(StepFailed, match="cannot reach the desired state running"):
        ChangeInstanceState(interval=0).run(inputs, step_context(clients))
    assert [method for _, method, _ in clients.calls] == ["describe_instances"]


def test_change_instance_state_refuses_an_unknown_state_at_check():
    with pytest.raises(InvalidStep, match=r"Step stop: input DesiredState .* got 'paused'"):
        ChangeInstanceState().check("stop", {"InstanceIds": ["i-0"], "DesiredState": "paused"})


def test_create_image_waits_until_available_and_takes_a_list_of_one_instance():
    clients = FakeAwsClients(
        {
            ("ec2", "create_image"): [{"ImageId": "ami-9"}],
            ("ec2", "describe_images"): [
                {"Images": [{"ImageId": "ami-9", "State": "pending"}]},
                {"Images": [{"ImageId": "ami-9", "State": "available"}]},
            ],
        }
    )
    inputs = {"InstanceId": ["i-0"], "ImageName": "golden", "NoReboot": True}
    assert CreateImage(interval=0).run(inputs, step_context(clients)) == {
        "ImageId": "ami-9",
        "ImageState": "available",
    }
    assert clients.requests("ec2", "create_image") == [
        {"InstanceId": "i-0", "Name": "golden", "NoReboot": True}
    ]


def test_delete_image_deregisters_and_deletes_its_snapshots():
    image = {"ImageId": "ami-9", "BlockDeviceMappings": [{"Ebs": {"SnapshotId": "snap-1"}}]}
    clients = FakeAwsClients(
        {
            ("ec2", "describe_images"): [{"Images": [image]}],
            ("ec2", "deregister_image"): [{}],
            ("ec2", "delete_snapshot"): [{}],
        }
    )
    assert DeleteImage().run({"ImageId": "ami-9"}, step_context(clients)) == {}
    assert clients.requests("ec2", "delete_snapshot") == [{"SnapshotId": "snap-1"}]


def test_create_tags_tags_ssm_resources_one_by_one():
    clients = FakeAwsClients({("ssm", "add_tags_to_resource"): [{}]})
    inputs = {
        "ResourceIds": ["p1", "p2"],
        "Tags": [{"Key": "k", "Value": "v"}],
        "ResourceType": "Parameter",
    }
    CreateTags().run(inputs, step_context(clients))
    assert [r["ResourceId"] for r in clients.requests("ssm", "add_tags_to_resource")] == [
        "p1",
        "p2",
    ]


def test_invoke_lambda_prefers_input_payload_and_reports_the_function_error():
    response = {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"e": 1}')}
    clients = FakeAwsClients({("lambda", "invoke"): [response]})
    inputs = {"FunctionName": "f", "InputPayload": {"a": 1}, "Payload": '{"ignored": true}'}
    outputs = InvokeLambdaFunction().run(inputs, step_context(clients))
    assert outputs == {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": '{"e": 1}'}
    assert clients.requests("lambda", "invoke") == [
        {"FunctionName": "f", "InvocationType": "RequestResponse", "Payload": b'{"a": 1}'}
    ]


def test_the_catalogue_names_each_action_once():
    names = [action.name for action in ACTIONS]
    assert len(names) == len(set(names)) == 16
    assert "aws:runCommand" in names and "aws:invokeLambdaFunction" in names
    assert "aws:executeScript" in names
