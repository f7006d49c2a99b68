"""The concrete `AwsClients`: LocalStack's internal clients as the execution's account, or, when
the runbook names an AutomationAssumeRole, signed with that role's credentials (STS AssumeRole
first, once per execution), as AWS runs an automation as its assume role."""

import threading
from typing import Any

from botocore.config import Config

from localstack_ssm_docker.ssm.automation.actions.base import AwsCredentials

_CALLS = Config(retries={"total_max_attempts": 1}, read_timeout=600, connect_timeout=10)
"""A step's call is never sent twice by the client (a retry is the step's maxAttempts)."""


class LocalStackClients:
    """botocore clients at this LocalStack as one principal, made on first use per service."""

    def __init__(self, account_id: str, region: str, credentials: dict[str, str] | None = None):
        self._region = region
        self._credentials = credentials or {"aws_access_key_id": account_id}
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def credentials(self) -> AwsCredentials:
        """The principal as raw credentials, for a script container (LocalStack takes any
        secret with an account id as access key)."""
        return AwsCredentials(
            self._credentials["aws_access_key_id"],
            self._credentials.get("aws_secret_access_key", "test"),
            self._credentials.get("aws_session_token"),
        )

    def client(self, service_name: str) -> Any:
        from localstack.aws.connect import connect_to

        with self._lock:
            if service_name not in self._clients:
                factory = connect_to(region_name=self._region, config=_CALLS, **self._credentials)
                self._clients[service_name] = factory.get_client(service_name)
            return self._clients[service_name]


class LocalStackClientFactory:
    """The engine's `ClientFactory`."""

    def clients(self, account_id: str, region: str, assume_role: str) -> LocalStackClients:
        if not assume_role:
            return LocalStackClients(account_id, region)
        sts = LocalStackClients(account_id, region).client("sts")
        answer = sts.assume_role(RoleArn=assume_role, RoleSessionName="Automation")
        credentials = answer["Credentials"]
        return LocalStackClients(
            account_id,
            region,
            {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            },
        )
