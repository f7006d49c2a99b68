"""Launch templates read from LocalStack's EC2 (moto's CreateLaunchTemplate,
CreateLaunchTemplateVersion and ModifyLaunchTemplate, called as a client would), and RunInstances
through the provider launching from them over a fake engine: one merge, the request winning, and
nothing launched on a refused call."""

import base64
import uuid

import pytest
from localstack.aws.api import CommonServiceException
from localstack.services.moto import call_moto
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.launch_template_source import MotoLaunchTemplates
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
from localstack_ssm_docker.engine.values import AmiImage
from localstack_ssm_docker.imds.snapshot import instance_facts
from tests.unit.builders import ec2_context
from tests.unit.fakes import FakeEngine

AMI = AmiImage("ami-0b5b0b5b0b5b0b5b0", "busybox", "localstack-ec2/busybox:ami-0b5", "0")
ACCOUNT, REGION = "123456789012", "us-east-1"  # where moto puts an unsigned request
SCRIPT = "#!/bin/sh\necho from the template\n"


class AmiEngine(FakeEngine):
    def ami_images(self) -> dict[str, AmiImage]:
        return {AMI.ami_id: AMI}


def context(action: str, **parameters):
    return ec2_context(action, ACCOUNT, REGION, **parameters)


def ec2(action: str, **parameters) -> dict:
    return call_moto(context(action, **parameters))


def create_template(**data) -> dict:
    name = f"tmpl-{uuid.uuid4().hex[:8]}"
    return ec2("CreateLaunchTemplate", LaunchTemplateName=name, LaunchTemplateData=data)[
        "LaunchTemplate"
    ]


@pytest.fixture
def setup():
    engine = AmiEngine()
    manager = InstanceManager(engine)
    provider = Ec2DockerProvider(engine, manager, InstanceLifecycle(manager, lambda h: None), 10)
    yield provider, engine
    instance_stores[ACCOUNT][REGION].instances.clear()


def run(provider, **request) -> dict:
    request = {"MinCount": 1, "MaxCount": 1, **request}
    return provider.instances.run_instances(context("RunInstances", **request), request)


def reservations() -> int:
    return len(ec2_backends[ACCOUNT][REGION].reservations)


# --- the reader --------------------------------------------------------------------------------


def test_templates_are_found_by_id_and_name_with_every_version_and_the_default():
    created = create_template(ImageId="ami-1", InstanceType="t3.micro")
    template_id = created["LaunchTemplateId"]
    ec2(
        "CreateLaunchTemplateVersion",
        LaunchTemplateId=template_id,
        LaunchTemplateData={"ImageId": "ami-2"},
    )
    ec2("ModifyLaunchTemplate", LaunchTemplateId=template_id, DefaultVersion="2")
    source = MotoLaunchTemplates()
    by_id = source.find(ACCOUNT, REGION, template_id, None)
    by_name = source.find(ACCOUNT, REGION, None, created["LaunchTemplateName"])
    assert by_id == by_name and by_id is not None
    assert (by_id.template_id, by_id.name, by_id.default_version) == (
        template_id,
        created["LaunchTemplateName"],
        2,
    )
    assert {n: dict(v) for n, v in by_id.versions.items()} == {
        1: {"ImageId": "ami-1", "InstanceType": "t3.micro"},
        2: {"ImageId": "ami-2"},
    }


def test_unknown_templates_are_none():
    source = MotoLaunchTemplates()
    assert source.find(ACCOUNT, REGION, "lt-00000000000000000", None) is None
    assert source.find(ACCOUNT, REGION, None, "no-such-template") is None


def test_user_data_is_its_base64_text_in_every_version():
    encoded = base64.b64encode(SCRIPT.encode()).decode()
    created = create_template(ImageId="ami-1", UserData=encoded)
    ec2(
        "CreateLaunchTemplateVersion",
        LaunchTemplateId=created["LaunchTemplateId"],
        LaunchTemplateData={"UserData": encoded},
    )
    found = MotoLaunchTemplates().find(ACCOUNT, REGION, created["LaunchTemplateId"], None)
    assert found is not None
    assert [v["UserData"] for v in found.versions.values()] == [encoded, encoded]


def test_members_runinstances_does_not_take_are_left_out_at_every_depth():
    created = create_template(ImageId="ami-1")
    data = (
        ec2_backends[ACCOUNT][REGION].launch_templates[created["LaunchTemplateId"]].versions[0].data
    )
    data["RamDiskId"] = "ari-1"  # a template member RunInstances has no member for
    data["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 8, "Nope": 1}}]
    found = MotoLaunchTemplates().find(ACCOUNT, REGION, created["LaunchTemplateId"], None)
    assert found is not None
    assert set(found.versions[1]) == {"ImageId", "BlockDeviceMappings"}
    assert dict(found.versions[1]["BlockDeviceMappings"][0]["Ebs"]) == {"VolumeSize": 8}


# --- RunInstances from a template ----------------------------------------------------------------


def test_an_instance_launches_from_the_templates_image_type_user_data_options_and_tags(setup):
    provider, engine = setup
    created = create_template(
        ImageId=AMI.ami_id,
        InstanceType="t3.small",
        UserData=base64.b64encode(SCRIPT.encode()).decode(),
        MetadataOptions={"HttpTokens": "required", "InstanceMetadataTags": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "a"}]}],
    )
    reservation = run(
        provider, LaunchTemplate={"LaunchTemplateName": created["LaunchTemplateName"]}
    )
    [instance] = reservation["Instances"]
    assert (instance["ImageId"], instance["InstanceType"]) == (AMI.ami_id, "t3.small")
    assert {t["Key"]: t["Value"] for t in instance["Tags"]} == {
        "team": "a",
        "aws:ec2launchtemplate:id": created["LaunchTemplateId"],
        "aws:ec2launchtemplate:version": "1",
    }
    [(container, scripts, _)] = engine.detached
    assert container == f"localstack-ec2.{instance['InstanceId']}"
    assert scripts == [SCRIPT]
    record = models.get(ACCOUNT, REGION, instance["InstanceId"])
    assert record is not None
    facts = instance_facts(ACCOUNT, REGION, record)  # what IMDS answers
    assert facts is not None
    assert (facts.user_data, facts.instance_type) == (SCRIPT.encode(), "t3.small")
    assert (facts.options.http_tokens, facts.options.instance_metadata_tags) == (
        "required",
        "enabled",
    )
    assert ("team", "a") in facts.tags


def test_the_templates_key_pair_is_checked_and_served_like_the_requests(setup):
    provider, _ = setup
    key_name = f"key-{uuid.uuid4().hex[:8]}"
    public_key = ec2("CreateKeyPair", KeyName=key_name, KeyType="ed25519")
    with_key = create_template(ImageId=AMI.ami_id, KeyName=key_name)
    [instance] = run(provider, LaunchTemplate={"LaunchTemplateId": with_key["LaunchTemplateId"]})[
        "Instances"
    ]
    record = models.get(ACCOUNT, REGION, instance["InstanceId"])
    assert record is not None
    facts = instance_facts(ACCOUNT, REGION, record)  # what IMDS answers
    assert facts is not None and facts.openssh_key is not None
    assert facts.openssh_key.endswith(f" {key_name}")
    assert public_key["KeyName"] == instance["KeyName"] == key_name
    unknown = create_template(ImageId=AMI.ami_id, KeyName="no-such-key")
    before = reservations()
    with pytest.raises(CommonServiceException) as refused:
        run(provider, LaunchTemplate={"LaunchTemplateId": unknown["LaunchTemplateId"]})
    assert refused.value.code == "InvalidKeyPair.NotFound"
    assert reservations() == before


def test_the_requests_type_and_tags_win_over_the_templates(setup):
    provider, _ = setup
    created = create_template(
        ImageId=AMI.ami_id,
        InstanceType="t3.small",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "dev"}]}],
    )
    reservation = run(
        provider,
        LaunchTemplate={"LaunchTemplateId": created["LaunchTemplateId"], "Version": "$Latest"},
        InstanceType="t3.large",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )
    [instance] = reservation["Instances"]
    assert instance["InstanceType"] == "t3.large"
    assert {t["Key"]: t["Value"] for t in instance["Tags"]}["env"] == "prod"


def network() -> tuple[str, str, str]:
    """A VPC's id, a subnet of it and a security group of it, made as a client makes them."""
    vpc = ec2("CreateVpc", CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2("CreateSubnet", VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    group = ec2(
        "CreateSecurityGroup", GroupName=f"g-{uuid.uuid4().hex[:6]}", Description="d", VpcId=vpc
    )["GroupId"]
    return vpc, subnet, group


def test_the_templates_network_interface_puts_the_instance_in_its_subnet_and_groups(setup):
    provider, _ = setup
    vpc, subnet, group = network()
    created = create_template(
        ImageId=AMI.ami_id,
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet,
                "Groups": [group],
                "PrivateIpAddress": "10.8.1.7",
            }
        ],
    )
    [instance] = run(provider, LaunchTemplate={"LaunchTemplateId": created["LaunchTemplateId"]})[
        "Instances"
    ]
    assert (instance["SubnetId"], instance["VpcId"]) == (subnet, vpc)
    [interface] = instance["NetworkInterfaces"]  # moto keeps an interface's groups on it
    assert (interface["SubnetId"], [g["GroupId"] for g in interface["Groups"]]) == (subnet, [group])
    record = models.get(ACCOUNT, REGION, instance["InstanceId"])
    assert record is not None
    facts = instance_facts(ACCOUNT, REGION, record)
    assert facts is not None
    assert (facts.subnet_id, facts.vpc_id) == (subnet, vpc)
    assert facts.private_ip == "10.0.0.1"  # the container's address, as for any instance


def test_the_templates_security_groups_go_with_the_requests_subnet(setup):
    provider, _ = setup
    _, subnet, group = network()
    created = create_template(ImageId=AMI.ami_id, SecurityGroupIds=[group])
    [instance] = run(
        provider, LaunchTemplate={"LaunchTemplateId": created["LaunchTemplateId"]}, SubnetId=subnet
    )["Instances"]
    assert instance["SubnetId"] == subnet
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [group]


REFUSED = {
    "unknown id": (
        lambda made: {"LaunchTemplateId": "lt-00000000000000000"},
        "InvalidLaunchTemplateId.NotFound",
    ),
    "unknown name": (
        lambda made: {"LaunchTemplateName": "no-such-template"},
        "InvalidLaunchTemplateName.NotFoundException",
    ),
    "unknown version": (
        lambda made: {"LaunchTemplateId": made["image"], "Version": "7"},
        "InvalidLaunchTemplateId.VersionNotFound",
    ),
    "no image": (lambda made: {"LaunchTemplateId": made["no image"]}, "MissingParameter"),
}


@pytest.mark.parametrize(("specification", "code"), list(REFUSED.values()), ids=list(REFUSED))
def test_a_refused_launch_launches_nothing(setup, specification, code):
    provider, engine = setup
    made = {
        "image": create_template(ImageId=AMI.ami_id)["LaunchTemplateId"],
        "no image": create_template(InstanceType="t3.micro")["LaunchTemplateId"],
    }
    before = reservations()
    with pytest.raises(CommonServiceException) as refused:
        run(provider, LaunchTemplate=specification(made))
    assert (refused.value.status_code, refused.value.code) == (400, code)
    assert reservations() == before
    assert engine.containers == {}


# --- moto's copy of a changed request ---------------------------------------------------------


def test_user_data_of_a_request_moto_gets_a_changed_copy_of_is_stored_as_it_came(setup):
    provider, _ = setup
    encoded = base64.b64encode(SCRIPT.encode()).decode()
    # more than the limit of 10: moto gets a copy with MaxCount lowered, serialized anew
    reservation = run(provider, ImageId=AMI.ami_id, MinCount=1, MaxCount=50, UserData=encoded)
    record = models.get(ACCOUNT, REGION, reservation["Instances"][0]["InstanceId"])
    assert record is not None
    facts = instance_facts(ACCOUNT, REGION, record)
    assert facts is not None and facts.user_data == SCRIPT.encode()


def test_user_data_that_is_not_base64_is_malformed_and_launches_nothing(setup):
    provider, engine = setup
    before = reservations()
    with pytest.raises(CommonServiceException) as refused:
        run(provider, ImageId=AMI.ami_id, MinCount=1, MaxCount=50, UserData="echo not base64!")
    assert (refused.value.code, refused.value.message) == (
        "InvalidUserData.Malformed",
        "Invalid BASE64 encoding of user data.",
    )
    assert reservations() == before and engine.containers == {}
