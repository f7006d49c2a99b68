"""Instance containers sized by their instance type, over moto and a fake engine: at launch,
and from the next start after ModifyInstanceAttribute changed the type of a stopped instance
(a running one is refused, as on AWS); an engine error is 503 and leaves the type as it was;
with sizing off, containers have no limits."""

import pytest
from localstack.aws.api import CommonServiceException
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.config import Settings
from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError
from localstack_ssm_docker.ec2.instance_type_handlers import new_instance_type
from localstack_ssm_docker.ec2.instance_types import InstanceSizing
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.engine.docker.containers import resource_settings
from localstack_ssm_docker.engine.values import AmiImage, ContainerResources
from tests.unit.builders import ec2_context
from tests.unit.ec2.engine_fakes import FailingEngine

AMI = AmiImage("ami-0b5b0b5b0b5b0b5b0", "busybox", "localstack-ec2/busybox:ami-0b5", "0")
ACCOUNT, REGION = "123456789012", "us-east-1"  # where moto puts an unsigned request
GIB = 1024**3


class AmiEngine(FailingEngine):
    def ami_images(self) -> dict[str, AmiImage]:
        return {AMI.ami_id: AMI}


def provider_over(engine: AmiEngine, sizing: bool = True) -> Ec2DockerProvider:
    manager = InstanceManager(engine, sizing=InstanceSizing(engine.capacity) if sizing else None)
    return Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 10)


@pytest.fixture
def engine():
    yield AmiEngine()
    instance_stores[ACCOUNT][REGION].instances.clear()


def call(provider: Ec2DockerProvider, group: object, action: str, **request):
    handler = getattr(group, "".join(f"_{c.lower()}" if c.isupper() else c for c in action)[1:])
    return handler(ec2_context(action, ACCOUNT, REGION, **request), request)


def launch(provider: Ec2DockerProvider, count: int = 1, **request) -> list[str]:
    request = {"ImageId": AMI.ami_id, "MinCount": count, "MaxCount": count, **request}
    reservation = call(provider, provider.instances, "RunInstances", **request)
    return [i["InstanceId"] for i in reservation["Instances"]]


def container(instance_id: str) -> str:
    return f"localstack-ec2.{instance_id}"


def moto_type(instance_id: str) -> str:
    return ec2_backends[ACCOUNT][REGION].get_instance(instance_id).instance_type


def stop(provider: Ec2DockerProvider, instance_id: str) -> None:
    call(provider, provider.instances, "StopInstances", InstanceIds=[instance_id])


def modify_type(provider: Ec2DockerProvider, instance_id: str, instance_type: str) -> None:
    call(
        provider,
        provider.instance_types,
        "ModifyInstanceAttribute",
        InstanceId=instance_id,
        InstanceType={"Value": instance_type},
    )


def test_each_container_gets_the_resources_of_its_instance_type(engine):
    provider = provider_over(engine)
    ids = launch(provider, 2, InstanceType="t2.micro")
    assert [engine.resources[container(i)] for i in ids] == [ContainerResources(1, GIB)] * 2
    (large,) = launch(provider, InstanceType="m5.large")
    assert engine.resources[container(large)] == ContainerResources(2, 8 * GIB)
    (huge,) = launch(provider, InstanceType="m5.24xlarge")  # clamped to the engine's machine
    assert engine.resources[container(huge)] == engine.machine
    (default,) = launch(provider)  # AWS's default type, m1.small: 1 vCPU, 1.7 GiB
    assert moto_type(default) == "m1.small"
    assert engine.resources[container(default)] == ContainerResources(1, 1740 * 1024**2)
    assert engine.capacity_asked == 1


def test_an_instance_type_aws_does_not_have_launches_nothing(engine):
    provider = provider_over(engine)
    with pytest.raises(CommonServiceException) as refused:
        launch(provider, InstanceType="t9.enormous")
    assert (refused.value.code, refused.value.message) == (
        "InvalidParameterValue",
        "Invalid value 't9.enormous' for InstanceType.",
    )
    assert engine.containers == {}
    described = ec2_backends[ACCOUNT][REGION].all_instances()
    assert all(i.instance_type != "t9.enormous" for i in described)


def test_with_sizing_off_containers_have_no_limits(engine):
    provider = provider_over(engine, sizing=False)
    (instance_id,) = launch(provider, InstanceType="m5.large")
    stop(provider, instance_id)
    modify_type(provider, instance_id, "t2.micro")
    assert engine.resources[container(instance_id)] is None
    assert moto_type(instance_id) == "t2.micro" and engine.capacity_asked == 0


def test_a_stopped_instance_takes_a_new_type_and_its_container_its_resources(engine):
    provider = provider_over(engine)
    (instance_id,) = launch(provider, InstanceType="t2.micro")
    stop(provider, instance_id)
    modify_type(provider, instance_id, "m5.large")
    assert moto_type(instance_id) == "m5.large"
    assert engine.resources[container(instance_id)] == ContainerResources(2, 8 * GIB)
    call(  # the older form of the request: Attribute and Value
        provider,
        provider.instance_types,
        "ModifyInstanceAttribute",
        InstanceId=instance_id,
        Attribute="instanceType",
        Value="t2.nano",
    )
    assert moto_type(instance_id) == "t2.nano"
    assert engine.resources[container(instance_id)] == ContainerResources(1, GIB // 2)


def test_a_running_instance_keeps_its_type(engine):
    provider = provider_over(engine)
    (instance_id,) = launch(provider, InstanceType="t2.micro")
    with pytest.raises(CommonServiceException) as refused:
        modify_type(provider, instance_id, "m5.large")
    assert (refused.value.code, refused.value.message) == (
        "IncorrectInstanceState",
        f"The instance '{instance_id}' is not in the 'stopped' state.",
    )
    assert moto_type(instance_id) == "t2.micro"
    assert engine.resources[container(instance_id)] == ContainerResources(1, GIB)


def test_a_new_type_aws_does_not_have_is_refused(engine):
    provider = provider_over(engine)
    (instance_id,) = launch(provider, InstanceType="t2.micro")
    stop(provider, instance_id)
    with pytest.raises(CommonServiceException) as refused:
        modify_type(provider, instance_id, "t9.enormous")
    assert refused.value.code == "InvalidInstanceAttributeValue"
    assert moto_type(instance_id) == "t2.micro"
    assert engine.resources[container(instance_id)] == ContainerResources(1, GIB)


def test_an_engine_error_answers_503_and_leaves_the_type_as_it_was(engine):
    provider = provider_over(engine)
    (instance_id,) = launch(provider, InstanceType="t2.micro")
    stop(provider, instance_id)
    engine.failing = {container(instance_id)}
    with pytest.raises(EngineUnavailableError) as refused:
        modify_type(provider, instance_id, "m5.large")
    assert refused.value.status_code == 503
    assert moto_type(instance_id) == "t2.micro"
    assert engine.resources[container(instance_id)] == ContainerResources(1, GIB)


def test_other_attributes_and_unknown_instances_are_moto_s(engine):
    provider = provider_over(engine)
    (instance_id,) = launch(provider, InstanceType="t2.micro")
    call(
        provider,
        provider.instance_types,
        "ModifyInstanceAttribute",
        InstanceId=instance_id,
        DisableApiTermination={"Value": True},
    )
    assert ec2_backends[ACCOUNT][REGION].get_instance(instance_id).disable_api_termination
    with pytest.raises(CommonServiceException) as refused:
        modify_type(provider, "i-0123456789abcdef0", "m5.large")
    assert refused.value.code == "InvalidInstanceID.NotFound"


def test_the_new_type_is_read_from_either_form_of_the_request():
    assert new_instance_type({"InstanceId": "i-1", "InstanceType": {"Value": "m5.large"}}) == (
        "m5.large"
    )
    older_form = {"InstanceId": "i-1", "Attribute": "instanceType", "Value": "t2.micro"}
    assert new_instance_type(older_form) == "t2.micro"
    assert new_instance_type({"InstanceId": "i-1", "Attribute": "kernel", "Value": "k"}) is None
    assert new_instance_type({"InstanceId": "i-1", "SourceDestCheck": {"Value": False}}) is None


def test_resources_are_a_cfs_quota_and_a_memory_limit_without_swap():
    assert resource_settings(ContainerResources(2, 8 * GIB)) == {
        "cpu_period": 100_000,
        "cpu_quota": 200_000,
        "mem_limit": 8 * GIB,
        "memswap_limit": 8 * GIB,
    }
    assert resource_settings(None) == {}


def test_sizing_is_on_unless_the_setting_turns_it_off():
    assert Settings.from_env({}).instance_sizing
    assert not Settings.from_env({"EC2_INSTANCE_SIZING": "0"}).instance_sizing
