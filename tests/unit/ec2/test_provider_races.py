"""Two RunInstances at once against EC2_MAX_INSTANCES, over moto and a fake engine whose launch
blocks until the test releases it: only one may pass a limit only one fits."""

import threading

import pytest
from localstack.aws.forwarder import create_aws_request_context

from localstack_ssm_docker.ec2.exceptions import InstanceLimitExceeded
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.engine.values import AmiImage
from tests.unit.ec2.engine_fakes import BlockingEngine

AMI = AmiImage("ami-0b5b0b5b0b5b0b5b0", "busybox", "localstack-ec2/busybox:ami-0b5", "0")
ACCOUNT, REGION = "123456789012", "us-east-1"  # where moto puts an unsigned request


class BlockingAmiEngine(BlockingEngine):
    def ami_images(self) -> dict[str, AmiImage]:
        return {AMI.ami_id: AMI}


@pytest.fixture(autouse=True)
def clean_store():
    yield
    instance_stores[ACCOUNT][REGION].instances.clear()


def test_two_concurrent_run_instances_never_both_pass_a_limit_only_one_fits():
    engine = BlockingAmiEngine()
    manager = InstanceManager(engine)
    provider = Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 1)
    request = {"ImageId": AMI.ami_id, "MinCount": 1, "MaxCount": 1}
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        context = create_aws_request_context("ec2", "RunInstances", parameters=request)
        context.account_id = ACCOUNT
        try:
            outcomes[name] = provider.instances.run_instances(context, request)  # type: ignore[arg-type]
        except InstanceLimitExceeded as e:
            outcomes[name] = e

    first = threading.Thread(target=run, args=("first",))
    second = threading.Thread(target=run, args=("second",))
    try:
        first.start()
        assert engine.entered.wait(10)  # the first launch is under way, its container not made
        second.start()
        second.join(10)  # the second request answers while the first still launches
        assert not second.is_alive(), "the second request passed the limit and is launching too"
        assert isinstance(outcomes["second"], InstanceLimitExceeded)
    finally:
        engine.release.set()
        first.join(10)
        second.join(10)
    assert "Instances" in outcomes["first"]  # type: ignore[operator]
    assert len(engine.containers) == 1
