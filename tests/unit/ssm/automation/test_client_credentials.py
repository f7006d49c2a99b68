"""The execution's principal as raw credentials, which a script container gets."""

from localstack_ssm_docker.ssm.automation.actions.base import AwsCredentials
from localstack_ssm_docker.ssm.automation.clients import LocalStackClients


def test_without_an_assume_role_the_credentials_are_the_callers_account() -> None:
    clients = LocalStackClients("111111111111", "eu-west-1")

    assert clients.credentials == AwsCredentials("111111111111", "test", None)


def test_with_an_assume_role_the_credentials_are_its_session() -> None:
    session = {
        "aws_access_key_id": "ASIAROLE",
        "aws_secret_access_key": "role-secret",
        "aws_session_token": "role-token",
    }
    clients = LocalStackClients("111111111111", "eu-west-1", session)

    assert clients.credentials == AwsCredentials("ASIAROLE", "role-secret", "role-token")
