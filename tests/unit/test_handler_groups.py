"""The providers' dispatch tables: each handler group answers its own operations, through the
table LocalStack builds for the provider (`handler_groups.dispatch_table`)."""

from types import SimpleNamespace

from localstack.aws.skeleton import create_dispatch_table

from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.handler_groups import dispatch_table
from localstack_ssm_docker.ssm.api.provider import SsmDockerProvider
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from tests.unit.ec2.fakes import FakeEc2Directory
from tests.unit.fakes import FakeEngine
from tests.unit.ssm.associations.fake_clock import FakeClock

CONTEXT = SimpleNamespace(account_id="111111111111", region="eu-west-3")


def ssm_provider() -> SsmDockerProvider:
    return SsmDockerProvider(
        InstanceDirectory(FakeEngine(), FakeEc2Directory()),
        executor=object(),  # no command runs here
        association_clock=FakeClock(1_700_000_000.0),
    )


def ec2_provider() -> Ec2DockerProvider:
    engine = FakeEngine()
    manager = InstanceManager(engine)
    return Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 10)


def operations(provider: SsmDockerProvider | Ec2DockerProvider) -> list[str]:
    return [op for group in provider.handler_groups for op in create_dispatch_table(group)]


def test_no_two_handler_groups_answer_the_same_operation():
    for provider in (ssm_provider(), ec2_provider()):
        answered = operations(provider)
        assert len(answered) == len(set(answered))


def test_the_ssm_dispatch_table_sends_each_group_its_operations():
    provider = ssm_provider()
    table = dispatch_table(provider)
    assert set(operations(provider)) <= set(table)
    assert table["ListAssociations"](CONTEXT, {}) == {"Associations": []}
    assert table["DescribeSessions"](CONTEXT, {"State": "Active"}) == {"Sessions": []}
    assert table["ListCommands"](CONTEXT, {}) == {"Commands": []}


def test_the_ec2_dispatch_table_sends_each_group_its_operations():
    provider = ec2_provider()
    table = dispatch_table(provider)
    assert set(operations(provider)) <= set(table)
    answer = table["DescribeIamInstanceProfileAssociations"](CONTEXT, {})
    assert answer == {"IamInstanceProfileAssociations": []}
