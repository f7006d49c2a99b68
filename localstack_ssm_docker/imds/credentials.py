"""Role credentials for instances, issued by an STS and kept until shortly before they expire.

The issuer is injected (LocalStack's STS in :mod:`.localstack_iam`; a fake in unit tests), so
the refresh rule is tested without a LocalStack.
"""

import datetime
import logging
import threading
from collections.abc import Callable

from localstack_ssm_docker.imds.facts import RoleCredentials

LOG = logging.getLogger(__name__)

REFRESH_BEFORE_SECONDS = 15 * 60
"""Credentials are replaced this long before they expire, as EC2 does (at least 5 minutes)."""

Issuer = Callable[[str, str, str, str], RoleCredentials]
"""(account id, region, role ARN, session name) -> fresh credentials."""


def expires_at(credentials: RoleCredentials) -> float:
    """The expiry as a POSIX time."""
    text = credentials.expiration.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp()


class CredentialCache:
    """One set of credentials per (instance, role), refreshed before it expires."""

    def __init__(self, issue: Issuer, clock: Callable[[], float]):
        self._issue = issue
        self._clock = clock
        self._cache: dict[tuple[str, str], RoleCredentials] = {}
        self._lock = threading.Lock()

    def get(
        self, account_id: str, region: str, role_arn: str, instance_id: str
    ) -> RoleCredentials | None:
        """Current credentials of the role for the instance (session named after it); None
        when STS would not issue them."""
        key = (instance_id, role_arn)
        with self._lock:
            known = self._cache.get(key)
            if known and expires_at(known) - self._clock() > REFRESH_BEFORE_SECONDS:
                return known
            try:
                fresh = self._issue(account_id, region, role_arn, instance_id)
            except Exception as e:
                LOG.warning("no credentials for %s as %s: %s", instance_id, role_arn, e)
                return known if known and expires_at(known) > self._clock() else None
            self._cache[key] = fresh
            return fresh

    def forget(self, instance_id: str) -> None:
        """Drops the instance's credentials (its profile changed or it is gone)."""
        with self._lock:
            for key in [k for k in self._cache if k[0] == instance_id]:
                del self._cache[key]
