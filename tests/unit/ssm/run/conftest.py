import pytest

from localstack_ssm_docker.ssm.models import RunCommandStore
from localstack_ssm_docker.ssm.run.executor import CommandExecutor


@pytest.fixture
def store() -> RunCommandStore:
    return RunCommandStore()


@pytest.fixture
def executors():
    started: list[CommandExecutor] = []
    yield started
    for executor in started:
        executor.shutdown()
