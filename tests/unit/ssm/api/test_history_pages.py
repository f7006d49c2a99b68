from dataclasses import replace

import pytest
from localstack.aws.api.ssm import InvalidNextToken

from localstack_ssm_docker.ssm.api.history_pages import command_page, invocation_page
from localstack_ssm_docker.ssm.api.pagination import encode_token
from localstack_ssm_docker.ssm.models import Invocation, RunCommandStore
from tests.unit.builders import command


def add(store: RunCommandStore, number: int, instances: int = 2) -> str:
    command_id = f"{number:036d}"
    store.commands[command_id] = replace(command(), command_id=command_id, requested_at=number)
    store.order.append(command_id)
    store.invocations[command_id] = {
        f"i-{k:08d}": Invocation(command_id, f"i-{k:08d}", number) for k in range(instances)
    }
    return command_id


def walk(page_fn, store, size, wanted):
    seen, token = [], None
    while True:
        page, token = page_fn(store, wanted, size, token)
        seen += page
        if token is None:
            return seen


def test_commands_newest_first_across_pages():
    store = RunCommandStore()
    ids = [add(store, n) for n in range(5)]
    assert [c.command_id for c in walk(command_page, store, 2, lambda c: True)] == ids[::-1]


def test_command_token_keeps_its_place_when_commands_arrive():
    store = RunCommandStore()
    ids = [add(store, n) for n in range(4)]
    first, token = command_page(store, lambda c: True, 2, None)
    newer = add(store, 10)
    second, token = command_page(store, lambda c: True, 2, token)
    assert [c.command_id for c in first + second] == ids[::-1]
    assert newer not in {c.command_id for c in second} and token is None


def test_filters_skip_commands():
    store = RunCommandStore()
    ids = [add(store, n) for n in range(6)]
    even = walk(command_page, store, 2, lambda c: int(c.command_id) % 2 == 0)
    assert [c.command_id for c in even] == [ids[4], ids[2], ids[0]]


def test_invocations_page_through_commands_and_instances():
    store = RunCommandStore()
    ids = [add(store, n, instances=3) for n in range(3)]
    seen = walk(invocation_page, store, 2, lambda c, i: True)
    assert [(c.command_id, i.instance_id) for c, i in seen] == [
        (cid, f"i-{k:08d}") for cid in ids[::-1] for k in range(3)
    ]


@pytest.mark.parametrize("key", [(99,), (-1,), ("x",), (1, 2, 3)])
def test_tokens_pointing_nowhere_are_invalid(key):
    store = RunCommandStore()
    add(store, 0)
    add(store, 1)
    with pytest.raises(InvalidNextToken):
        command_page(store, lambda c: True, 1, encode_token(key))
