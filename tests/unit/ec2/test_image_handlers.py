"""CreateImage and DeregisterImage through the EC2 provider, over moto, a fake container engine
and a fake image engine: AWS's codes for bad input (never a 500), the AMI pending then available
in DescribeImages, images private to their account, RunInstances refusing what is not available.
(call_moto answers an unsigned request in moto's default account whatever the context says: the
other account's view is read from its moto backend.)"""

import pytest
from localstack.aws.api import CommonServiceException
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.exceptions import InvalidAmiIdNotFound
from localstack_ssm_docker.ec2.images import ImageService
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.engine.values import IMAGE_OWNER_LABEL, AmiImage
from tests.unit.builders import ec2_context
from tests.unit.ec2.image_fakes import FakeImageEngine
from tests.unit.fakes import FakeEngine, HeldPool

BASE = AmiImage("ami-0b5b0b5b0b5b0b5b0", "busybox", "localstack-ec2/busybox:ami-0b5", "0")
ACCOUNT, OTHER, REGION = "123456789012", "210987654321", "us-east-1"


class CommittingEngine(FakeEngine):
    """Containers from the fake engine; AMI images: the base one and each committed one."""

    def __init__(self, images: FakeImageEngine):
        super().__init__()
        self._images = images

    def ami_images(self) -> dict[str, AmiImage]:
        found = {BASE.ami_id: BASE}
        for call in self._images.calls:
            if call[0] == "commit" and call[2] in self._images.images.values():
                reference, labels = call[2], call[3]
                ami_id = reference.rsplit(":", 1)[1]
                found[ami_id] = AmiImage(
                    ami_id, "x", reference, "0", owner=labels[IMAGE_OWNER_LABEL]
                )
        return found


def context(action: str, account: str = ACCOUNT, **parameters):
    return ec2_context(action, account, REGION, **parameters)


def call(provider, group, action: str, account: str = ACCOUNT, **request):
    handler = getattr(group, _snake(action))
    return handler(context(action, account, **request), request)


def _snake(action: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in action).lstrip("_")


@pytest.fixture
def setup():
    image_engine, pool = FakeImageEngine(), HeldPool()
    engine = CommittingEngine(image_engine)
    manager = InstanceManager(engine)
    provider = Ec2DockerProvider(
        engine,
        manager,
        InstanceLifecycle(manager, lambda h: None),
        10,
        images=ImageService(image_engine, submit=pool.submit, reply_within=0),
    )
    yield provider, image_engine, pool
    for account in (ACCOUNT, OTHER):
        instance_stores[account][REGION].instances.clear()


def launch(provider, account: str = ACCOUNT, image: str = BASE.ami_id) -> str:
    reservation = call(
        provider, provider.instances, "RunInstances", account, ImageId=image, MinCount=1, MaxCount=1
    )
    return reservation["Instances"][0]["InstanceId"]


def state_of(provider, ami_id: str, account: str = ACCOUNT) -> str:
    images = call(provider, provider.instances, "DescribeImages", account, ImageIds=[ami_id])
    return images["Images"][0]["State"]


def code_of(action, *args, **kwargs) -> str:
    with pytest.raises(CommonServiceException) as refused:
        action(*args, **kwargs)
    assert refused.value.status_code == 400
    return refused.value.code


def test_created_image_is_pending_then_available_and_boots(setup):
    provider, _, pool = setup
    instance_id = launch(provider)
    ami_id = call(provider, provider.images, "CreateImage", InstanceId=instance_id, Name="web-1")[
        "ImageId"
    ]
    assert state_of(provider, ami_id) == "pending"
    assert code_of(launch, provider, image=ami_id) == "InvalidAMIID.NotFound"
    pool.run_held()
    assert state_of(provider, ami_id) == "available"
    assert launch(provider, image=ami_id).startswith("i-")


def test_image_is_its_accounts_only(setup):
    provider, _, pool = setup
    instance_id = launch(provider)
    ami_id = call(provider, provider.images, "CreateImage", InstanceId=instance_id, Name="mine")[
        "ImageId"
    ]
    pool.run_held()
    call(provider, provider.instances, "DescribeImages", OTHER)  # syncs the AMI images in
    assert ami_id in ec2_backends[ACCOUNT][REGION].amis
    assert ami_id not in ec2_backends[OTHER][REGION].amis
    with pytest.raises(InvalidAmiIdNotFound):
        launch(provider, account=OTHER, image=ami_id)


def test_bad_create_image_requests_get_aws_codes(setup):
    provider, _, _ = setup
    instance_id = launch(provider)
    create = provider.images.create_image

    def attempt(**request):
        return create(context("CreateImage", **request), request)

    attempt(InstanceId=instance_id, Name="taken")
    assert code_of(attempt, InstanceId=instance_id, Name="taken") == "InvalidAMIName.Duplicate"
    assert code_of(attempt, InstanceId=instance_id, Name="x") == "InvalidAMIName.Malformed"
    assert code_of(attempt, InstanceId=instance_id) == "InvalidAMIName.Malformed"
    assert code_of(attempt, InstanceId="i-0000000000000dead", Name="a-b-c") == (
        "InvalidInstanceID.NotFound"
    )
    assert code_of(
        attempt,
        InstanceId=instance_id,
        Name="tagged",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "k", "Value": "v"}]}],
    ) == ("InvalidParameterValue")
    call(provider, provider.instances, "TerminateInstances", InstanceIds=[instance_id])
    assert code_of(attempt, InstanceId=instance_id, Name="late") == "IncorrectInstanceState"


def test_deregistered_image_held_by_an_instance_goes_when_that_instance_is_terminated(setup):
    provider, image_engine, pool = setup
    source = launch(provider)
    ami_id = call(provider, provider.images, "CreateImage", InstanceId=source, Name="held")[
        "ImageId"
    ]
    pool.run_held()
    user = launch(provider, image=ami_id)
    (image_id,) = image_engine.images
    image_engine.held.add(image_id)  # the user's container runs on it
    call(provider, provider.images, "DeregisterImage", ImageId=ami_id)
    assert ami_id not in ec2_backends[ACCOUNT][REGION].amis
    assert image_engine.images == {image_id: ""}
    image_engine.held.clear()
    call(provider, provider.instances, "TerminateInstances", InstanceIds=[user])
    assert image_engine.images == {}


def test_image_missing_from_a_remade_moto_backend_is_shown_again(setup):
    provider, _, pool = setup
    instance_id = launch(provider)
    ami_id = call(provider, provider.images, "CreateImage", InstanceId=instance_id, Name="kept")[
        "ImageId"
    ]
    pool.run_held()
    ec2_backends[ACCOUNT][REGION].amis.pop(ami_id)  # as a backend made anew holds it
    assert state_of(provider, ami_id) == "available"
    assert launch(provider, image=ami_id).startswith("i-")


def test_modify_image_attribute_sets_the_description_both_ways(setup):
    provider, _, pool = setup
    ami_id = call(
        provider, provider.images, "CreateImage", InstanceId=launch(provider), Name="described"
    )["ImageId"]
    pool.run_held()

    def description() -> str:
        images = call(provider, provider.instances, "DescribeImages", ImageIds=[ami_id])
        return images["Images"][0]["Description"]

    modify = provider.images.modify_image_attribute
    request = {"ImageId": ami_id, "Description": {"Value": "as Packer sets it"}}
    modify(context("ModifyImageAttribute", **request), request)
    assert description() == "as Packer sets it"
    request = {"ImageId": ami_id, "Attribute": "description", "Value": "as the CLI sets it"}
    modify(context("ModifyImageAttribute", **request), request)
    assert description() == "as the CLI sets it"
    request = {"ImageId": "ami-0ffffffffffffffff", "Description": {"Value": "x"}}
    assert code_of(modify, context("ModifyImageAttribute", **request), request) == (
        "InvalidAMIID.NotFound"
    )
