from moto.ssm.models import ssm_backends

from localstack_ssm_docker.ssm.api.provider import SsmDockerProvider
from localstack_ssm_docker.ssm.associations.models import association_stores
from localstack_ssm_docker.ssm.models import run_command_stores
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from tests.unit.ec2.fakes import FakeEc2Directory
from tests.unit.fakes import FakeEngine


class RecordingVisitor:
    """A LocalStack StateVisitor that records the state containers it is shown."""

    def __init__(self) -> None:
        self.visited: list[object] = []

    def visit(self, state_container: object) -> None:
        self.visited.append(state_container)


def test_state_visitors_see_moto_and_the_run_command_history():
    directory = InstanceDirectory(FakeEngine(), FakeEc2Directory())
    provider = SsmDockerProvider(directory, executor=object())  # no command runs here
    visitor = RecordingVisitor()
    provider.accept_state_visitor(visitor)
    assert [id(c) for c in visitor.visited] == [
        id(ssm_backends),
        id(association_stores),
        id(run_command_stores),
    ]
