"""Pages of ListCommands and ListCommandInvocations, newest command first, found without reading
the whole history: a page costs what it holds (and what filters skip), not the store's size.

Commands are kept in the order they came (an append-only list); a token names a position in it,
so it keeps its place however many commands arrive after it was issued.
"""

from collections.abc import Callable, Iterator

from localstack.aws.api.ssm import InvalidNextToken

from localstack_ssm_docker.ssm.api.pagination import decode_token, encode_token
from localstack_ssm_docker.ssm.models import Command, Invocation, RunCommandStore


def _start(store: RunCommandStore, token: str | None, parts: int) -> tuple[int, ...]:
    """Where the page starts: (position[, invocation index]) from the token, else the newest."""
    if not token:
        return (len(store.order) - 1,) + (0,) * (parts - 1)
    key = decode_token(token)
    positions = tuple(k for k in key if isinstance(k, int) and k >= 0)
    if len(key) != parts or len(positions) != parts or positions[0] >= len(store.order):
        raise InvalidNextToken("The specified token is not valid.")
    return positions


def _newest_first(store: RunCommandStore, position: int) -> Iterator[tuple[int, Command]]:
    for index in range(position, -1, -1):
        yield index, store.commands[store.order[index]]


def command_page(
    store: RunCommandStore,
    wanted: Callable[[Command], bool],
    max_results: int,
    token: str | None,
) -> tuple[list[Command], str | None]:
    """Up to `max_results` wanted commands, newest first, and the next page's token."""
    (position,) = _start(store, token, 1)
    page: list[Command] = []
    for index, command in _newest_first(store, position):
        if not wanted(command):
            continue
        if len(page) == max_results:
            return page, encode_token((index,))
        page.append(command)
    return page, None


def invocation_page(
    store: RunCommandStore,
    wanted: Callable[[Command, Invocation], bool],
    max_results: int,
    token: str | None,
) -> tuple[list[tuple[Command, Invocation]], str | None]:
    """Up to `max_results` wanted invocations, newest command first, and the next page's token."""
    position, first = _start(store, token, 2)
    page: list[tuple[Command, Invocation]] = []
    for index, command in _newest_first(store, position):
        invocations = list(store.invocations[command.command_id].values())
        for number in range(first if index == position else 0, len(invocations)):
            invocation = invocations[number]
            if not wanted(command, invocation):
                continue
            if len(page) == max_results:
                return page, encode_token((index, number))
            page.append((command, invocation))
    return page, None
