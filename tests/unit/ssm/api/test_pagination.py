import pytest
from localstack.aws.api.ssm import InvalidNextToken

from localstack_ssm_docker.ssm.api.pagination import decode_token, encode_token, paginate


def key(n: int) -> tuple[int]:
    return (n,)


def test_single_page_has_no_token():
    page, token = paginate([1, 2, 3], key, 10, None)
    assert (page, token) == ([1, 2, 3], None)


def test_pages_follow_each_other_to_the_end():
    items = list(range(7))
    seen, token = [], None
    while True:
        page, token = paginate(items, key, 3, token)
        seen.extend(page)
        if token is None:
            break
    assert seen == items


def test_token_keeps_its_place_when_items_arrive_before_it():
    items = [10, 20, 30, 40]
    first, token = paginate(items, key, 2, None)
    assert first == [10, 20]
    grown = [1, 2, 10, 20, 30, 40]
    second, token = paginate(grown, key, 2, token)
    assert (second, token) == ([30, 40], None)


def test_items_come_in_key_order_whatever_order_they_are_given_in():
    page, token = paginate([3, 1, 2], key, 2, None)
    assert page == [1, 2]
    assert paginate([2, 3, 1], key, 2, token) == ([3], None)


def test_token_round_trip():
    assert decode_token(encode_token((-1.5, "abc"))) == (-1.5, "abc")


@pytest.mark.parametrize("forged", ["abc", "bm90IGEgdG9rZW4=", encode_token((1,))[:-4] + "AAAA"])
def test_forged_tokens_are_rejected(forged):
    with pytest.raises(InvalidNextToken):
        paginate([1, 2, 3], key, 1, forged)
