"""NextToken pagination over lists kept in a stable order.

A token names the sort key of the first item of the next page and is signed, so it keeps its
place when new items arrive and a token that was not issued here is InvalidNextToken.
"""

import base64
import hashlib
import hmac
import json
import secrets
from bisect import bisect_left
from collections.abc import Callable, Iterable

from localstack.aws.api.ssm import InvalidNextToken

_SIGNING_KEY = secrets.token_bytes(32)
_SIGNATURE_LENGTH = 16

type SortKey = tuple[str | int | float, ...]


def _sign(payload: bytes) -> bytes:
    return hmac.new(_SIGNING_KEY, payload, hashlib.sha256).digest()[:_SIGNATURE_LENGTH]


def encode_token(key: SortKey) -> str:
    """An opaque token for the page that starts at `key`."""
    payload = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(_sign(payload) + payload).decode()


def decode_token(token: str) -> SortKey:
    """The key a token was issued for; InvalidNextToken when it was not issued here."""
    try:
        raw = base64.urlsafe_b64decode(token.encode())
        signature, payload = raw[:_SIGNATURE_LENGTH], raw[_SIGNATURE_LENGTH:]
        if hmac.compare_digest(signature, _sign(payload)):
            return tuple(json.loads(payload))
    except (ValueError, UnicodeError):
        pass
    raise InvalidNextToken("The specified token is not valid.")


def paginate[T](
    items: Iterable[T],
    key: Callable[[T], SortKey],
    max_results: int,
    next_token: str | None,
) -> tuple[list[T], str | None]:
    """One page of `items` in the order of `key` (unique per item) and the next page's token."""
    ordered = sorted(items, key=key)
    keys = [key(item) for item in ordered]
    start = bisect_left(keys, decode_token(next_token)) if next_token else 0
    page = ordered[start : start + max_results]
    more = start + max_results < len(ordered)
    return page, encode_token(keys[start + max_results]) if more else None
