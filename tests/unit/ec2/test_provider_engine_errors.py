"""The EC2 provider over moto and a fake engine that fails on cue: an engine error is AWS's 503
`Unavailable` naming what happened to each instance, never a 500, and moto's state changes only
for the instances whose container did what was asked."""

import pytest
from localstack.aws.api import CommonServiceException
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.engine.values import AmiImage
from tests.unit.builders import ec2_context
from tests.unit.ec2.engine_fakes import FailingEngine

AMI = AmiImage("ami-0b5b0b5b0b5b0b5b0", "busybox", "localstack-ec2/busybox:ami-0b5", "0")
ACCOUNT, REGION = "123456789012", "us-east-1"  # where moto puts an unsigned request


class AmiEngine(FailingEngine):
    def ami_images(self) -> dict[str, AmiImage]:
        return {AMI.ami_id: AMI}


def context(action: str, **parameters):
    return ec2_context(action, ACCOUNT, REGION, **parameters)


@pytest.fixture
def provider_and_engine():
    engine = AmiEngine()
    manager = InstanceManager(engine)
    provider = Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 10)
    yield provider, engine
    instance_stores[ACCOUNT][REGION].instances.clear()


def records() -> dict:
    return dict(instance_stores[ACCOUNT][REGION].instances)


def moto_state(instance_id: str) -> str:
    return ec2_backends[ACCOUNT][REGION].get_instance(instance_id).state


def launch(provider, count: int) -> list[str]:
    request = {"ImageId": AMI.ami_id, "MinCount": count, "MaxCount": count}
    reservation = provider.instances.run_instances(context("RunInstances", **request), request)
    return [i["InstanceId"] for i in reservation["Instances"]]


def test_terminate_with_an_engine_error_answers_503_and_terminates_the_others(
    provider_and_engine,
):
    provider, engine = provider_and_engine
    ids = launch(provider, 3)
    engine.failing = {f"localstack-ec2.{ids[1]}"}
    request = {"InstanceIds": ids}
    with pytest.raises(EngineUnavailableError) as refused:
        provider.instances.terminate_instances(context("TerminateInstances", **request), request)
    assert refused.value.status_code == 503 and refused.value.code == "Unavailable"
    assert ids[1] in refused.value.message and ids[0] in refused.value.message
    assert [moto_state(i) for i in ids] == ["terminated", "running", "terminated"]
    assert list(records()) == [ids[1]]
    assert set(engine.containers) == {f"localstack-ec2.{ids[1]}"}

    engine.failing = set()  # the engine is back: the SDK's retry finishes the rest
    retried = provider.instances.terminate_instances(
        context("TerminateInstances", **request), request
    )
    assert [i["InstanceId"] for i in retried["TerminatingInstances"]] == ids
    assert [moto_state(i) for i in ids] == ["terminated"] * 3
    assert engine.containers == {} and records() == {}


def test_stop_with_an_engine_error_leaves_that_instance_running(provider_and_engine):
    provider, engine = provider_and_engine
    ids = launch(provider, 2)
    engine.failing = {f"localstack-ec2.{ids[0]}"}
    request = {"InstanceIds": ids}
    with pytest.raises(EngineUnavailableError):
        provider.instances.stop_instances(context("StopInstances", **request), request)
    assert [moto_state(i) for i in ids] == ["running", "stopped"]
    assert [r.state for r in records().values()] == ["running", "stopped"]


def test_a_dry_run_terminate_removes_nothing(provider_and_engine):
    provider, engine = provider_and_engine
    ids = launch(provider, 1)
    request = {"InstanceIds": ids, "DryRun": True}
    with pytest.raises(CommonServiceException) as refused:
        provider.instances.terminate_instances(context("TerminateInstances", **request), request)
    assert refused.value.code == "DryRunOperation"
    assert set(engine.containers) == {f"localstack-ec2.{ids[0]}"} and list(records()) == ids
    assert moto_state(ids[0]) == "running"


def test_termination_protection_refuses_all_and_removes_nothing(provider_and_engine):
    provider, engine = provider_and_engine
    ids = launch(provider, 2)
    ec2_backends[ACCOUNT][REGION].get_instance(ids[1]).disable_api_termination = True
    request = {"InstanceIds": ids}
    with pytest.raises(CommonServiceException) as refused:
        provider.instances.terminate_instances(context("TerminateInstances", **request), request)
    assert refused.value.code == "OperationNotPermitted"
    assert len(engine.containers) == 2 and list(records()) == ids
    assert [moto_state(i) for i in ids] == ["running", "running"]
