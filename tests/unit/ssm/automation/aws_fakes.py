"""A fake of the automation's AwsClients: canned replies per (service, method), calls recorded."""

import threading
from collections.abc import Callable
from typing import Any

from localstack_ssm_docker.ssm.automation.actions.base import (
    AwsClients,
    DeclaredOutput,
    StepContext,
)

Reply = dict[str, Any] | Exception | Callable[[dict[str, Any]], dict[str, Any]]


class FakeAwsClients:
    """`replies[(service, method)]` is a list consumed call by call (its last entry repeats); an
    entry is a response, an exception to raise, or a function of the request."""

    def __init__(self, replies: dict[tuple[str, str], list[Reply]]):
        self._replies = {key: list(value) for key, value in replies.items()}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def client(self, service_name: str) -> Any:
        return _FakeClient(self, service_name)

    def reply(self, service: str, method: str, request: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((service, method, request))
        queue = self._replies.get((service, method))
        if not queue:
            raise AssertionError(f"no reply for {service}.{method}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def requests(self, service: str, method: str) -> list[dict[str, Any]]:
        return [request for s, m, request in self.calls if (s, m) == (service, method)]


class _FakeClient:
    def __init__(self, clients: FakeAwsClients, service: str):
        self._clients = clients
        self._service = service

    def __getattr__(self, method: str) -> Callable[..., dict[str, Any]]:
        return lambda **request: self._clients.reply(self._service, method, request)


def step_context(
    clients: AwsClients,
    cancelled: threading.Event | None = None,
    deadline: float | None = None,
    outputs: tuple[DeclaredOutput, ...] = (),
) -> StepContext:
    """A step's context as the engine makes it (the integration tests pass real clients)."""
    return StepContext(
        execution_id="00000000-0000-0000-0000-000000000001",
        step_name="step",
        account_id="000000000000",
        region="us-east-1",
        clients=clients,
        cancelled=cancelled or threading.Event(),
        deadline=deadline,
        outputs=outputs,
    )
