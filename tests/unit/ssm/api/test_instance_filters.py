import pytest
from localstack.aws.api.ssm import InvalidFilterKey, InvalidInstanceInformationFilterValue

from localstack_ssm_docker.ec2.models import InstanceRecord
from localstack_ssm_docker.ssm.api.instance_filters import build_predicates
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance


def managed(instance_id: str, ping: str = "Online", **tags: str) -> ManagedInstance:
    record = InstanceRecord(instance_id, "ami-1", "img", "cid", "10.0.0.1", "host", 0.0)
    return ManagedInstance(record, ping, tags)


FLEET = [
    managed("i-11111111", env="prod", role="web"),
    managed("i-22222222", "ConnectionLost", env="dev"),
    managed("i-33333333"),
]


def matching(filters=None, legacy=None) -> list[str]:
    predicates = build_predicates(filters, legacy)
    return [m.record.instance_id for m in FLEET if all(p(m) for p in predicates)]


def test_no_filter_matches_all():
    assert matching() == ["i-11111111", "i-22222222", "i-33333333"]


def test_string_filters():
    assert matching([{"Key": "InstanceIds", "Values": ["i-22222222", "i-9"]}]) == ["i-22222222"]
    assert matching([{"Key": "PingStatus", "Values": ["Online"]}]) == ["i-11111111", "i-33333333"]
    assert matching([{"Key": "PlatformTypes", "Values": ["Windows"]}]) == []
    assert matching([{"Key": "tag:env", "Values": ["prod", "dev"]}]) == ["i-11111111", "i-22222222"]
    assert matching([{"Key": "tag-key", "Values": ["role"]}]) == ["i-11111111"]


def test_filters_are_anded():
    filters = [
        {"Key": "tag:env", "Values": ["prod", "dev"]},
        {"Key": "PingStatus", "Values": ["Online"]},
    ]
    assert matching(filters) == ["i-11111111"]


def test_legacy_filters():
    assert matching(legacy=[{"key": "PingStatus", "valueSet": ["ConnectionLost"]}]) == [
        "i-22222222"
    ]


@pytest.mark.parametrize(
    ("filters", "legacy"),
    [
        ([{"Key": "Colour", "Values": ["red"]}], None),
        (None, [{"key": "tag:env", "valueSet": ["x"]}]),
    ],
)
def test_unknown_keys(filters, legacy):
    with pytest.raises(InvalidFilterKey):
        build_predicates(filters, legacy)


def test_invalid_enum_value():
    with pytest.raises(InvalidInstanceInformationFilterValue):
        build_predicates([{"Key": "PingStatus", "Values": ["Sleeping"]}], None)
