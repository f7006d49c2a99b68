"""IMDSv2 session tokens: minted for one instance, refused for any other and once expired.

A token is the instance id and its expiry, MACed with this LocalStack's secret, so nothing needs
storing (tokens survive a restart with PERSISTENCE=1, where the secret is kept) and a token taken
from one instance is worthless in another.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

MIN_TTL_SECONDS = 1
MAX_TTL_SECONDS = 21600
_MAX_TOKEN_LENGTH = 512
_MAC_LENGTH = hashlib.sha256().digest_size


@dataclass(frozen=True)
class TokenCheck:
    """A token's verdict: valid for the asking instance, and for how long still."""

    valid: bool
    remaining_seconds: int = 0


class TokenIssuer:
    """Mints and checks tokens with one secret key."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def mint(self, instance_id: str, ttl_seconds: int, now: float) -> str:
        """A token for `instance_id`, valid for `ttl_seconds` from `now`."""
        expires = int(now) + ttl_seconds
        payload = f"{instance_id}:{expires}".encode()
        mac = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(payload + b"." + mac).decode().rstrip("=")

    def check(self, token: str, instance_id: str, now: float) -> TokenCheck:
        """Valid when this issuer minted the token for `instance_id` and it has not expired."""
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            return TokenCheck(False)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return TokenCheck(False)
        # the MAC has a fixed length and may itself hold b".": split by length, not by the dot
        payload, dot, mac = (
            raw[: -_MAC_LENGTH - 1],
            raw[-_MAC_LENGTH - 1 : -_MAC_LENGTH],
            raw[-_MAC_LENGTH:],
        )
        expected = hmac.new(self._secret, payload, hashlib.sha256).digest()
        if dot != b"." or not hmac.compare_digest(mac, expected):
            return TokenCheck(False)
        owner, _, expires_text = payload.decode("utf-8", "replace").rpartition(":")
        if owner != instance_id or not expires_text.isdigit():
            return TokenCheck(False)
        remaining = int(expires_text) - int(now)
        return TokenCheck(remaining > 0, max(remaining, 0))


def parse_ttl(value: str | None) -> int | None:
    """The TTL header's seconds, or None when missing, not a number or out of 1..21600."""
    if value is None or not value.strip().isdigit() or len(value.strip()) > 6:
        return None
    ttl = int(value.strip())
    return ttl if MIN_TTL_SECONDS <= ttl <= MAX_TTL_SECONDS else None
