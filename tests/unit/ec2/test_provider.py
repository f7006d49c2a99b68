from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from tests.unit.fakes import FakeEngine


class RecordingVisitor:
    """A LocalStack StateVisitor that records the state containers it is shown."""

    def __init__(self) -> None:
        self.visited: list[object] = []

    def visit(self, state_container: object) -> None:
        self.visited.append(state_container)


def test_state_visitors_see_moto_and_the_docker_backed_instances():
    engine = FakeEngine()
    manager = InstanceManager(engine)
    provider = Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 10)
    visitor = RecordingVisitor()
    provider.accept_state_visitor(visitor)
    assert [id(c) for c in visitor.visited] == [id(ec2_backends), id(instance_stores)]
