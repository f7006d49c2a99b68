from localstack_ssm_docker.ec2.models import InstanceRecord
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance
from localstack_ssm_docker.ssm.targeting.targets import resolve_targets


def managed(instance_id: str, **tags: str) -> ManagedInstance:
    record = InstanceRecord(instance_id, "ami-1", "img", "cid", "10.0.0.1", "host", 0.0)
    return ManagedInstance(record, "Online", tags)


FLEET = [
    managed("i-11111111", env="prod", role="web"),
    managed("i-22222222", env="prod", role="db"),
    managed("i-33333333", env="dev", role="web"),
]
GROUPS = {"web": [{"Key": "role", "Values": ["web"]}], "tagged": [{"Key": "env", "Values": []}]}


def ids(*targets) -> list[str]:
    resolved = resolve_targets(list(targets), FLEET, GROUPS.get)
    return [m.record.instance_id for m in resolved]


def test_values_of_a_key_are_ored():
    assert ids({"Key": "tag:role", "Values": ["db", "web"]}) == [
        "i-11111111",
        "i-22222222",
        "i-33333333",
    ]


def test_keys_are_anded():
    assert ids({"Key": "tag:env", "Values": ["prod"]}, {"Key": "tag:role", "Values": ["web"]}) == [
        "i-11111111"
    ]


def test_instance_ids_and_tag_key():
    assert ids({"Key": "InstanceIds", "Values": ["i-33333333", "i-99999999"]}) == ["i-33333333"]
    assert ids({"Key": "tag-key", "Values": ["nope"]}) == []


def test_resource_groups():
    assert ids({"Key": "resource-groups:Name", "Values": ["web"]}) == ["i-11111111", "i-33333333"]
    assert len(ids({"Key": "resource-groups:Name", "Values": ["tagged"]})) == 3
    assert ids({"Key": "resource-groups:Name", "Values": ["unknown"]}) == []
    assert ids({"Key": "resource-groups:ResourceTypeFilters", "Values": ["AWS::EC2::Instance"]})


def test_unknown_key_matches_nothing():
    assert ids({"Key": "colour", "Values": ["red"]}) == []
