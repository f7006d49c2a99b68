import pytest
from localstack.aws.api.ssm import InvalidDocument, InvalidDocumentVersion, InvalidParameters

from localstack_ssm_docker.ssm.documents import document_name_of, plan_command


def test_commands_are_joined_into_one_script():
    plan = plan_command("AWS-RunShellScript", None, {"commands": ["cd /tmp", "ls"]})
    assert plan.script == "cd /tmp\nls\n"
    assert plan.plugin_name == "aws:runShellScript"
    assert (plan.working_directory, plan.execution_timeout) == ("", 3600)


def test_working_directory_and_timeout_are_taken():
    plan = plan_command(
        "AWS-RunShellScript",
        "$DEFAULT",
        {"commands": ["ls"], "workingDirectory": ["/proc"], "executionTimeout": ["60"]},
    )
    assert (plan.working_directory, plan.execution_timeout) == ("/proc", 60)


@pytest.mark.parametrize("value", ["0", "4", "172801", "999999"])
def test_execution_timeout_out_of_range_means_default(value):
    plan = plan_command(
        "AWS-RunShellScript", None, {"commands": ["ls"], "executionTimeout": [value]}
    )
    assert plan.execution_timeout == 3600


def test_document_arn_is_accepted():
    arn = "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
    assert document_name_of(arn) == "AWS-RunShellScript"
    assert plan_command(arn, None, {"commands": ["ls"]}).script == "ls\n"


def test_unknown_document():
    with pytest.raises(InvalidDocument):
        plan_command("My-Document", None, {"commands": ["ls"]})


@pytest.mark.parametrize(
    "parameters",
    [
        None,
        {},
        {"commands": []},
        {"commands": ["ls"], "foo": ["bar"]},
        {"commands": ["ls"], "workingDirectory": ["/a", "/b"]},
        {"commands": ["ls"], "executionTimeout": ["ten"]},
    ],
)
def test_invalid_parameters(parameters):
    with pytest.raises(InvalidParameters):
        plan_command("AWS-RunShellScript", "1", parameters)


@pytest.mark.parametrize("version", ["$LATEST", "$DEFAULT", "1", None])
def test_the_document_versions_there_are(version):
    assert plan_command("AWS-RunShellScript", version, {"commands": ["ls"]}).script == "ls\n"


def test_a_version_that_does_not_exist():
    with pytest.raises(InvalidDocumentVersion):
        plan_command("AWS-RunShellScript", "2", {"commands": ["ls"]})


def test_execution_timeout_from_parameter_store_counts_as_default_until_resolved():
    parameters = {"commands": ["ls"], "executionTimeout": ["{{ssm:timeout}}"]}
    assert plan_command("AWS-RunShellScript", None, parameters).execution_timeout == 3600
