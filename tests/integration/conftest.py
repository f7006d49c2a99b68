import os
from collections.abc import Callable, Iterator

import docker
import pytest

from harness.localstack_process import LocalStack

AMI_ID = os.environ.get("AMI_ID", "ami-0b5b0b5b0b5b0b5b0")

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def docker_client() -> docker.DockerClient:
    return docker.from_env()


@pytest.fixture(scope="session")
def localstack(tmp_path_factory) -> Iterator[LocalStack]:
    runtime = LocalStack(tmp_path_factory.mktemp("localstack"))
    yield runtime
    runtime.stop()


@pytest.fixture
def ec2(localstack):
    return localstack.client("ec2")


@pytest.fixture
def ssm(localstack):
    return localstack.client("ssm")


@pytest.fixture
def raw_ssm(localstack):
    """An SSM client that leaves all validation to the server."""
    return localstack.client("ssm", validate=False)


@pytest.fixture
def launch(localstack) -> Iterator[Callable[..., list[str]]]:
    """Runs instances of the test AMI (in any account/region) and terminates them afterwards."""
    launched: list[tuple[object, list[str]]] = []

    def run(count: int = 1, region: str = "us-east-1", account: str = "000000000000", **kwargs):
        client = localstack.client("ec2", region=region, account=account)
        reservation = client.run_instances(ImageId=AMI_ID, MinCount=count, MaxCount=count, **kwargs)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        launched.append((client, ids))
        return ids

    yield run
    for client, ids in launched:
        client.terminate_instances(InstanceIds=ids)
