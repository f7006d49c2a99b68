"""What the executor needs from the rest of LocalStack, as interfaces: `ssm/integrations/`
implements them over LocalStack's services, unit tests with fakes. The executor never imports a
LocalStack client."""

from collections.abc import Callable
from typing import Protocol

from localstack_ssm_docker.ssm.documents.plan import StepPlan
from localstack_ssm_docker.ssm.models import Command, Invocation
from localstack_ssm_docker.ssm.run.output_names import OutputLocations

type Streams = dict[str, bytes]
"""Output streams by name ("stdout", "stderr")."""

type ParameterLookup = Callable[[str, str, list[str]], tuple[dict[str, tuple[str, str]], list[str]]]
"""(account, region, names) → GetParameters' answer, for ``{{ssm:...}}`` references."""


class OutputSink(Protocol):
    """Writes an invocation's full output where its command asked."""

    def write(
        self,
        account_id: str,
        region: str,
        command: Command,
        instance_id: str,
        step: StepPlan,
        streams: Streams,
    ) -> OutputLocations: ...


class StatusObserver(Protocol):
    """Told of every status change of invocations and commands."""

    def invocation_changed(
        self, account_id: str, region: str, command: Command, invocation: Invocation
    ) -> None: ...

    def command_changed(
        self, account_id: str, region: str, command: Command, status: str, instance_ids: list[str]
    ) -> None: ...

    def shutdown(self) -> None: ...
