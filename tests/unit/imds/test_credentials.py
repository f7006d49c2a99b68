import datetime

from localstack_ssm_docker.imds.credentials import REFRESH_BEFORE_SECONDS, CredentialCache
from localstack_ssm_docker.imds.facts import RoleCredentials


def iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeSts:
    def __init__(self):
        self.now = 1_000_000.0
        self.calls: list[tuple] = []
        self.fail = False

    def issue(self, account_id, region, role_arn, session):
        if self.fail:
            raise RuntimeError("sts down")
        self.calls.append((account_id, region, role_arn, session))
        return RoleCredentials(
            f"ASIA{len(self.calls)}", "secret", "token", iso(self.now + 3600), iso(self.now)
        )


def test_credentials_are_kept_until_close_to_expiry_then_refreshed():
    sts = FakeSts()
    cache = CredentialCache(sts.issue, lambda: sts.now)
    first = cache.get("000000000000", "us-east-1", "arn:aws:iam::000000000000:role/r", "i-1")
    assert first.access_key_id == "ASIA1"
    assert sts.calls == [("000000000000", "us-east-1", "arn:aws:iam::000000000000:role/r", "i-1")]
    sts.now += 3600 - REFRESH_BEFORE_SECONDS - 1
    assert (
        cache.get("000000000000", "us-east-1", "arn:aws:iam::000000000000:role/r", "i-1") is first
    )
    sts.now += 2
    assert (
        cache.get(
            "000000000000", "us-east-1", "arn:aws:iam::000000000000:role/r", "i-1"
        ).access_key_id
        == "ASIA2"
    )


def test_instances_and_roles_get_their_own_sessions():
    sts = FakeSts()
    cache = CredentialCache(sts.issue, lambda: sts.now)
    cache.get("a", "r", "role-1", "i-1")
    cache.get("a", "r", "role-1", "i-2")
    cache.get("a", "r", "role-2", "i-1")
    assert [c[3] for c in sts.calls] == ["i-1", "i-2", "i-1"]
    cache.forget("i-1")
    cache.get("a", "r", "role-1", "i-1")
    assert len(sts.calls) == 4


def test_sts_failure_keeps_unexpired_credentials_and_gives_none_otherwise():
    sts = FakeSts()
    cache = CredentialCache(sts.issue, lambda: sts.now)
    assert cache.get("a", "r", "role", "i-1") is not None
    sts.fail = True
    sts.now += 3600 - 60
    assert cache.get("a", "r", "role", "i-1").access_key_id == "ASIA1"
    sts.now += 120
    assert cache.get("a", "r", "role", "i-1") is None
    assert cache.get("a", "r", "role", "i-9") is None
