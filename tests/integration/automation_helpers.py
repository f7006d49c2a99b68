"""Step actions called directly against a real LocalStack, as the runbook engine calls them."""

from typing import Any

from harness.localstack_process import LocalStack


class LocalStackClients:
    """The automation's AwsClients as boto3 clients at the test's LocalStack (default account)."""

    def __init__(self, localstack: LocalStack):
        self._localstack = localstack

    def client(self, service_name: str) -> Any:
        return self._localstack.client(service_name)
