"""The keys EC2 Instance Connect pushed, each valid for 60 seconds for one OS user of one instance.

The rule this store keeps: a key counts from the moment it was pushed until exactly VALIDITY
seconds later, by the injected clock, and never after; expired keys are dropped as they are read.
Held in memory only (a key outlives no restart on AWS either: it is gone within a minute).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

VALIDITY_SECONDS = 60.0
"""How long a pushed key is valid, as on AWS."""

type Clock = Callable[[], float]


@dataclass(frozen=True)
class PushedKey:
    """One SendSSHPublicKey: the key, for whom, until when (the clock's seconds)."""

    account_id: str
    region: str
    instance_id: str
    os_user: str
    public_key: str
    expires_at: float


class InstanceConnectKeys:
    """The keys pushed and still valid, by instance."""

    def __init__(self, clock: Clock, validity: float = VALIDITY_SECONDS):
        self._clock = clock
        self._validity = validity
        self._lock = threading.Lock()
        self._keys: list[PushedKey] = []

    def push(
        self, account_id: str, region: str, instance_id: str, os_user: str, public_key: str
    ) -> PushedKey:
        """Makes `public_key` valid for `os_user` of the instance for the next VALIDITY seconds
        (a key pushed again counts from its last push)."""
        now = self._clock()
        pushed = PushedKey(
            account_id, region, instance_id, os_user, public_key, now + self._validity
        )
        with self._lock:
            self._keys = [
                k for k in self._keys if k.expires_at > now and not _same_grant(k, pushed)
            ]
            self._keys.append(pushed)
        return pushed

    def active(
        self, account_id: str, region: str, instance_id: str
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(OS user, keys newest first) of the instance's keys valid now, users in name order."""
        now = self._clock()
        with self._lock:
            self._keys = [k for k in self._keys if k.expires_at > now]
            mine = [
                k
                for k in self._keys
                if (k.account_id, k.region, k.instance_id) == (account_id, region, instance_id)
            ]
        users: dict[str, list[str]] = {}
        for key in reversed(mine):
            users.setdefault(key.os_user, []).append(key.public_key)
        return tuple((user, tuple(keys)) for user, keys in sorted(users.items()))


def _same_grant(a: PushedKey, b: PushedKey) -> bool:
    return (a.account_id, a.region, a.instance_id, a.os_user, a.public_key) == (
        b.account_id,
        b.region,
        b.instance_id,
        b.os_user,
        b.public_key,
    )
