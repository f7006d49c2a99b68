import pytest
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.directory import LocalStackEc2Directory
from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

ACCOUNT, REGION = "222222222222", "eu-west-3"
MOTO_AMI = "ami-12c6146b"  # one of moto's own AMIs


class Lifecycle:
    def __init__(self) -> None:
        self.starts = 0

    def start(self) -> None:
        self.starts += 1


@pytest.fixture(autouse=True)
def clean_state():
    yield
    instance_stores[ACCOUNT][REGION].instances.clear()
    ec2_backends[ACCOUNT].reset()


def launch_in_moto(count: int = 1) -> list[str]:
    reservation = ec2_backends[ACCOUNT][REGION].run_instances(
        MOTO_AMI, count, None, [], is_instance_type_default=True, instance_type="t2.micro"
    )
    return [i.id for i in reservation.instances]


def record(instance_id: str) -> InstanceRecord:
    return InstanceRecord(instance_id, "ami-1", "img", f"c-{instance_id}", "10.0.0.1", "h", 0.0)


def test_instances_are_the_docker_backed_ones_in_launch_order():
    store = instance_stores[ACCOUNT][REGION].instances
    for instance_id in ("i-22222222", "i-11111111"):
        store[instance_id] = record(instance_id)
    directory = LocalStackEc2Directory()
    assert [r.instance_id for r in directory.instances(ACCOUNT, REGION)] == [
        "i-22222222",
        "i-11111111",
    ]
    assert directory.instances(ACCOUNT, "us-east-2") == []


def test_tags_and_running_ids_come_from_moto():
    backend = ec2_backends[ACCOUNT][REGION]
    first, second, stopped = launch_in_moto(3)
    backend.create_tags([first], {"role": "web", "env": "prod"})
    backend.stop_instances([stopped])
    directory = LocalStackEc2Directory()
    assert directory.tags(ACCOUNT, REGION, [first, second]) == {
        first: {"role": "web", "env": "prod"}
    }
    assert directory.tags(ACCOUNT, REGION, []) == {}
    assert directory.running_instance_ids(ACCOUNT, REGION) == {first, second}


def test_prepare_starts_the_instance_lifecycle_when_ec2_is_ours():
    lifecycle = Lifecycle()
    LocalStackEc2Directory(lifecycle).prepare()  # type: ignore[arg-type]
    LocalStackEc2Directory().prepare()  # another backend's EC2: nothing to recover
    assert lifecycle.starts == 1
