import pytest
from localstack.aws.api.ssm import InvalidDocument, InvalidParameters

from localstack_ssm_docker.ssm.documents.aws_owned import RUN_SHELL_SCRIPT_CONTENT
from localstack_ssm_docker.ssm.documents.plan import Document, document_name_of, plan_command

RUN_SHELL_SCRIPT = Document("AWS-RunShellScript", "1", RUN_SHELL_SCRIPT_CONTENT)


def shell(parameters):
    return plan_command(RUN_SHELL_SCRIPT, parameters)


def test_commands_are_joined_into_one_script():
    (step,) = shell({"commands": ["cd /tmp", "ls"]}).steps
    assert step.script == "cd /tmp\nls\n"
    assert (step.plugin_name, step.action, step.folder) == (
        "aws:runShellScript",
        "aws:runShellScript",
        "0.awsrunShellScript",
    )
    assert (step.working_directory, step.execution_timeout) == ("", 3600)
    assert step.log_stream_part == "aws-runShellScript"


def test_working_directory_and_timeout_are_taken():
    plan = shell({"commands": ["ls"], "workingDirectory": ["/proc"], "executionTimeout": ["60"]})
    assert (plan.steps[0].working_directory, plan.execution_timeout) == ("/proc", 60)


@pytest.mark.parametrize("value", ["4", "172801", "999999"])
def test_execution_timeout_out_of_range_means_default(value):
    assert shell({"commands": ["ls"], "executionTimeout": [value]}).execution_timeout == 3600


def test_execution_timeout_from_parameter_store_counts_as_default_until_resolved():
    parameters = {"commands": ["ls"], "executionTimeout": ["{{ssm:timeout}}"]}
    assert shell(parameters).execution_timeout == 3600


def test_document_arn_names_the_document():
    assert document_name_of("arn:aws:ssm:us-east-1::document/AWS-RunShellScript") == (
        "AWS-RunShellScript"
    )


@pytest.mark.parametrize(
    "parameters",
    [
        None,
        {},
        {"commands": []},
        {"commands": ["ls"], "foo": ["bar"]},
        {"commands": ["ls"], "workingDirectory": ["/a", "/b"]},
        {"commands": ["ls"], "executionTimeout": ["ten"]},
        {"commands": ["ls"], "executionTimeout": ["0"]},
    ],
)
def test_invalid_parameters(parameters):
    with pytest.raises(InvalidParameters):
        shell(parameters)


CUSTOM = Document(
    "Deploy",
    "3",
    {
        "schemaVersion": "2.2",
        "description": "two steps",
        "parameters": {
            "Greeting": {"type": "String", "default": "hello", "allowedPattern": "^[a-z]+$"},
            "Lines": {"type": "StringList", "default": ["one", "two"]},
            "Where": {"type": "String"},
        },
        "mainSteps": [
            {
                "action": "aws:runShellScript",
                "name": "greet",
                "inputs": {
                    "runCommand": ["echo {{ Greeting }} from {{Where}}", "{{ Lines }}"],
                    "workingDirectory": "{{ Where }}",
                    "timeoutSeconds": "30",
                },
            },
            {"action": "aws:runPowerShellScript", "name": "windows", "onFailure": "exit"},
        ],
    },
)


def test_custom_document_steps_with_defaults_and_substitution():
    plan = plan_command(CUSTOM, {"Where": ["/srv"]})
    greet, windows = plan.steps
    assert plan.plugin_names == ("greet", "windows")
    assert greet.script == "echo hello from /srv\none\ntwo\n"
    assert (greet.working_directory, greet.execution_timeout, greet.folder) == ("/srv", 30, "greet")
    assert greet.log_stream_part == "greet"
    assert (windows.action, windows.exit_on_failure) == ("aws:runPowerShellScript", True)


def test_custom_document_parameter_checks():
    with pytest.raises(InvalidParameters, match="Where is required"):
        plan_command(CUSTOM, {})
    with pytest.raises(InvalidParameters, match="does not match the allowed pattern"):
        plan_command(CUSTOM, {"Where": ["/"], "Greeting": ["Hello!"]})


def test_unsupported_schema_or_no_steps():
    with pytest.raises(InvalidDocument):
        plan_command(Document("Old", "1", {"schemaVersion": "0.3"}), {})
    with pytest.raises(InvalidDocument):
        plan_command(Document("Empty", "1", {"schemaVersion": "2.2", "mainSteps": []}), {})
