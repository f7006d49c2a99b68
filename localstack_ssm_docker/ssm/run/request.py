"""What SendCommand hands the executor: one value for a command's run, built by the provider.

The store, scope, command, document, plan and targets of one run travel together in it, from the
provider through the executor to the command's run state, so no layer takes them one by one.
"""

from dataclasses import dataclass

from localstack_ssm_docker.ssm.documents.plan import CommandPlan, Document
from localstack_ssm_docker.ssm.models import Command, RunCommandStore


@dataclass(frozen=True)
class Target:
    """Where one invocation runs."""

    instance_id: str
    container_id: str


@dataclass(frozen=True)
class Scope:
    """The account and region a command belongs to."""

    account_id: str
    region: str


@dataclass(frozen=True, eq=False)
class CommandRequest:
    """A command to run: where it is recorded, what it runs (the document and the plan made from
    it at request time; ``{{ssm:...}}`` references are resolved only at run time) and on which
    instances."""

    store: RunCommandStore
    scope: Scope
    command: Command
    document: Document
    plan: CommandPlan
    targets: tuple[Target, ...]
