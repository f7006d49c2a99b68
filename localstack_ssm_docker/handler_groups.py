"""A provider's handlers in groups: each group is an object of its own, constructed with what it
depends on, whose `@handler(..., expand=False)` methods take the request whole.

LocalStack builds a provider's dispatch table from the provider's class. `dispatch_table` lays
the groups' handlers over it (a group's handler answers its operation), each with the same
fall-back to moto for a NotImplementedError as the provider's own. The groups are not mixins of
the provider: LocalStack's generated API (SsmApi, Ec2Api) declares each operation with its
members expanded, which a handler taking the whole request could only override with an
incompatible signature."""

from collections.abc import Sequence
from typing import Protocol

from localstack.aws.skeleton import DispatchTable, create_dispatch_table
from localstack.services.moto import MotoFallbackDispatcher


class GroupedProvider(Protocol):
    @property
    def handler_groups(self) -> Sequence[object]:
        """The groups whose handlers answer their operations instead of the provider's."""
        ...


def dispatch_table(provider: GroupedProvider) -> DispatchTable:
    """The provider's table (its own handlers, moto for the rest), with its groups' handlers."""
    table = MotoFallbackDispatcher(provider)
    for group in provider.handler_groups:
        table.update(MotoFallbackDispatcher(group))
    return table


def own_dispatch_table(provider: GroupedProvider) -> DispatchTable:
    """The provider's table with its groups' handlers, and no moto behind it: an operation no
    handler answers is not implemented."""
    table = create_dispatch_table(provider)
    for group in provider.handler_groups:
        table.update(create_dispatch_table(group))
    return table
