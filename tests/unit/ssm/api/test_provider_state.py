from moto.ssm.models import ssm_backends

from localstack_ssm_docker.ssm.api.provider import SsmDockerProvider
from localstack_ssm_docker.ssm.models import run_command_stores
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from tests.unit.fakes import FakeEc2Directory, FakeEngine, FakeRunner, RecordingVisitor, result


def test_state_visitors_see_moto_and_the_run_command_history():
    executor = CommandExecutor(FakeRunner(lambda _c, _j: result()), workers=1)
    try:
        provider = SsmDockerProvider(InstanceDirectory(FakeEngine(), FakeEc2Directory()), executor)
        visitor = RecordingVisitor()
        provider.accept_state_visitor(visitor)
    finally:
        executor.shutdown()
    assert [id(c) for c in visitor.visited] == [id(ssm_backends), id(run_command_stores)]
