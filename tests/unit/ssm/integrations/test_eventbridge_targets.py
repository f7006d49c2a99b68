import pytest

from localstack_ssm_docker.ssm.integrations.eventbridge_targets import (
    SsmCall,
    document_parameters,
    ssm_call,
)

RUN_COMMAND = {
    "Id": "run",
    "Arn": "arn:aws:ssm:us-east-1:000000000000:document/AWS-RunShellScript",
    "RunCommandParameters": {"RunCommandTargets": [{"Key": "tag:Role", "Values": ["web"]}]},
}


def test_a_document_target_is_a_send_command_to_its_run_command_targets():
    assert ssm_call(RUN_COMMAND, {"commands": ["echo hi"]}) == SsmCall(
        "send_command",
        {
            "DocumentName": "AWS-RunShellScript",
            "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
            "Parameters": {"commands": ["echo hi"]},
        },
    )


def test_an_automation_definition_target_starts_an_execution_of_its_version():
    target = {"Id": "a", "Arn": "arn:aws:ssm:us-east-1:000000000000:automation-definition/Fix:3"}
    assert ssm_call(target, {"InstanceId": "i-1"}) == SsmCall(
        "start_automation_execution",
        {"DocumentName": "Fix", "Parameters": {"InstanceId": ["i-1"]}, "DocumentVersion": "3"},
    )


def test_the_default_version_of_an_automation_definition_names_no_version():
    target = {
        "Id": "a",
        "Arn": "arn:aws:ssm:us-east-1:000000000000:automation-definition/Fix:$DEFAULT",
    }
    assert "DocumentVersion" not in ssm_call(target, {}).arguments


def test_transformed_input_is_json_text_and_scalars_become_one_element_lists():
    assert document_parameters('{"commands": "echo hi", "executionTimeout": 60}') == {
        "commands": ["echo hi"],
        "executionTimeout": ["60"],
    }


def test_input_that_is_not_an_object_is_refused():
    with pytest.raises(ValueError, match="JSON object"):
        document_parameters('["echo hi"]')


def test_an_ssm_arn_that_is_neither_document_nor_automation_is_refused():
    target = {"Id": "p", "Arn": "arn:aws:ssm:us-east-1:000000000000:parameter/x"}
    with pytest.raises(ValueError, match="parameter/x"):
        ssm_call(target, {})
