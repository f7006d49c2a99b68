import pytest
from localstack.aws.api.ssm import InvalidDocument, InvalidParameters

from localstack_ssm_docker.ssm.documents import aws_owned, session_documents
from localstack_ssm_docker.ssm.sessions.session_parameters import SESSION_DOCUMENTS, plan_session


def _plan(name, parameters=None):
    return plan_session(name, SESSION_DOCUMENTS[name], parameters)


def test_port_forwarding_fills_properties_with_defaults():
    plan = _plan(session_documents.START_PORT_FORWARDING, {"portNumber": ["8080"]})
    assert plan.session_type == "Port"
    assert plan.properties == {
        "portNumber": "8080",
        "type": "LocalPortForwarding",
        "localPortNumber": "0",
    }
    assert (plan.port, plan.host) == (8080, "")


def test_remote_host_needs_host():
    with pytest.raises(InvalidParameters, match="host"):
        _plan(session_documents.START_PORT_FORWARDING_REMOTE, {"portNumber": ["80"]})
    plan = _plan(session_documents.START_PORT_FORWARDING_REMOTE, {"host": ["172.17.0.9"]})
    assert (plan.host, plan.port) == ("172.17.0.9", 80)


def test_ssh_is_a_plain_stream_to_22():
    plan = _plan(session_documents.START_SSH)
    assert plan.properties == {"portNumber": "22"}


def test_commands_documents():
    plan = _plan(session_documents.START_NON_INTERACTIVE_COMMAND, {"command": ["echo hi; exit 3"]})
    assert plan.session_type == "NonInteractiveCommands"
    assert plan.command == "echo hi; exit 3"


@pytest.mark.parametrize(
    "parameters",
    [{"portNumber": ["0"]}, {"portNumber": ["abc"]}, {"nope": ["1"]}, {"portNumber": ["1", "2"]}],
)
def test_bad_parameters(parameters):
    with pytest.raises(InvalidParameters):
        _plan(session_documents.START_PORT_FORWARDING, parameters)


def test_not_a_session_document():
    with pytest.raises(InvalidDocument):
        plan_session("Mine", {"schemaVersion": "2.2", "mainSteps": []}, None)


def test_custom_session_document():
    content = {
        "schemaVersion": "1.0",
        "sessionType": "InteractiveCommands",
        "parameters": {"what": {"type": "String", "default": "top"}},
        "properties": {"linux": {"commands": "run {{ what }}"}},
    }
    assert plan_session("Mine", content, None).command == "run top"


def test_session_documents_are_aws_owned_session_type():
    assert session_documents.RUN_SHELL not in aws_owned.AWS_DOCUMENTS  # the account's own on AWS
    for name in set(SESSION_DOCUMENTS) - {session_documents.RUN_SHELL}:
        assert aws_owned.identifier(name)["DocumentType"] == "Session"
        assert aws_owned.listed(name, [{"Key": "DocumentType", "Values": ["Session"]}], [])
        assert not aws_owned.listed(name, [{"Key": "DocumentType", "Values": ["Command"]}], [])
    assert aws_owned.identifier("AWS-RunShellScript")["DocumentType"] == "Command"
    described = aws_owned.description(session_documents.START_PORT_FORWARDING)
    assert {p["Name"] for p in described["Parameters"]} == {"portNumber", "localPortNumber"}
