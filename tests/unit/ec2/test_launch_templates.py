"""Launch templates in RunInstances as pure functions: which template and version a request
names, and how the version's parameters and the request's merge (AWS's rules), with EC2's codes
and messages for what cannot launch."""

import copy

import pytest
from localstack.aws.api import CommonServiceException

from localstack_ssm_docker.ec2.launch_templates import (
    LaunchTemplate,
    TemplateVersion,
    chosen_version,
    frozen,
    merged,
    thawed,
    with_launch_template,
)

TID = "lt-0123456789abcdef0"
USER_DATA = "IyEvYmluL3NoCmVjaG8gaGk="  # "#!/bin/sh\necho hi"


class Templates:
    """A LaunchTemplateSource of fixed templates, recording each look-up."""

    def __init__(self, *templates: LaunchTemplate):
        self._templates = templates
        self.asked: list[tuple[str, str, str | None, str | None]] = []

    def find(self, account_id, region, template_id, name):
        self.asked.append((account_id, region, template_id, name))
        for template in self._templates:
            if template.template_id == template_id or (
                template_id is None and template.name == name
            ):
                return template
        return None


def template(*versions: dict, default: int = 1) -> LaunchTemplate:
    return LaunchTemplate(
        TID, "web", default, frozen({n: v for n, v in enumerate(versions, start=1)})
    )


def version(**parameters) -> TemplateVersion:
    return TemplateVersion(TID, 3, frozen(parameters))


def request(**parameters) -> dict:
    return {"MinCount": 1, "MaxCount": 1, **parameters}


def refused(action, *args) -> CommonServiceException:
    with pytest.raises(CommonServiceException) as raised:
        action(*args)
    assert raised.value.status_code == 400
    return raised.value


def tags(result: dict, resource_type: str = "instance") -> dict[str, str]:
    [spec] = [s for s in result["TagSpecifications"] if s["ResourceType"] == resource_type]
    return {t["Key"]: t["Value"] for t in spec["Tags"]}


# --- which version -------------------------------------------------------------------------


def test_a_missing_version_is_the_default_one():
    chosen = chosen_version(template({"ImageId": "ami-1"}, {"ImageId": "ami-2"}, default=2), None)
    assert (chosen.number, chosen.parameters["ImageId"]) == (2, "ami-2")


@pytest.mark.parametrize(
    ("asked", "number"), [("$Default", 2), ("$Latest", 3), ("1", 1), ("2", 2), ("3", 3)]
)
def test_latest_default_and_numbered_versions(asked, number):
    chosen = chosen_version(
        template({"KeyName": "1"}, {"KeyName": "2"}, {"KeyName": "3"}, default=2), asked
    )
    assert (chosen.template_id, chosen.number, chosen.parameters["KeyName"]) == (
        TID,
        number,
        str(number),
    )


@pytest.mark.parametrize("asked", ["4", "0", "-1", "", "latest", "$latest", "1.0", "²"])
def test_a_version_the_template_does_not_have_is_version_not_found(asked):
    error = refused(chosen_version, template({}, {}, {}), asked)
    assert error.code == "InvalidLaunchTemplateId.VersionNotFound"
    assert error.message == (
        f"Could not find the specified version {asked} for the launch template with ID {TID}."
    )


# --- which template ------------------------------------------------------------------------


def test_a_template_is_found_by_id_or_by_name_in_the_callers_account_and_region():
    source = Templates(template({"ImageId": "ami-1"}))
    for specification in ({"LaunchTemplateId": TID}, {"LaunchTemplateName": "web"}):
        launched = with_launch_template(
            source, "111", "eu-west-1", request(LaunchTemplate=specification)
        )
        assert launched["ImageId"] == "ami-1"
    assert source.asked == [("111", "eu-west-1", TID, None), ("111", "eu-west-1", None, "web")]


def test_a_request_without_launch_template_is_left_as_it_is():
    asked = request(ImageId="ami-1")
    assert with_launch_template(Templates(), "111", "us-east-1", asked) is asked


def test_an_unknown_template_id_is_not_found_with_awss_message():
    error = refused(
        with_launch_template,
        Templates(),
        "1",
        "r",
        request(LaunchTemplate={"LaunchTemplateId": "lt-1"}),
    )
    assert (error.code, error.message) == (
        "InvalidLaunchTemplateId.NotFound",
        "The specified launch template, with template ID lt-1, does not exist.",
    )


def test_an_unknown_template_name_is_not_found_with_awss_message():
    error = refused(
        with_launch_template,
        Templates(),
        "1",
        "r",
        request(LaunchTemplate={"LaunchTemplateName": "nope"}),
    )
    assert (error.code, error.message) == (
        "InvalidLaunchTemplateName.NotFoundException",
        "The specified launch template, with template name nope, does not exist.",
    )


def test_a_template_named_by_both_id_and_name_or_by_neither_is_refused():
    source = Templates(template({"ImageId": "ami-1"}))
    both = {"LaunchTemplateId": TID, "LaunchTemplateName": "web"}
    assert refused(with_launch_template, source, "1", "r", request(LaunchTemplate=both)).code == (
        "InvalidParameterCombination"
    )
    neither = request(LaunchTemplate={"Version": "1"})
    assert refused(with_launch_template, source, "1", "r", neither).code == "MissingParameter"
    assert source.asked == []


# --- what the template gives -----------------------------------------------------------------

FIELDS = {
    "ImageId": "ami-1",
    "InstanceType": "t3.micro",
    "UserData": USER_DATA,
    "IamInstanceProfile": {"Name": "app"},
    "KeyName": "deploy",
    "MetadataOptions": {"HttpTokens": "required", "InstanceMetadataTags": "enabled"},
    "SecurityGroupIds": ["sg-1", "sg-2"],
    "SecurityGroups": ["default"],
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 8}}],
    "Placement": {"AvailabilityZone": "us-east-1b"},
    "Monitoring": {"Enabled": True},
    "DisableApiTermination": True,
    "DisableApiStop": True,
    "InstanceInitiatedShutdownBehavior": "terminate",
    "EbsOptimized": True,
}


@pytest.mark.parametrize(("name", "value"), list(FIELDS.items()))
def test_each_parameter_comes_from_the_template_when_the_request_leaves_it_out(name, value):
    result = merged(request(), version(**{"ImageId": "ami-0", name: value}))
    assert result[name] == value


def test_network_interfaces_come_from_the_template_with_subnet_groups_and_private_ip():
    interface = {
        "DeviceIndex": 0,
        "SubnetId": "subnet-1",
        "Groups": ["sg-1"],
        "PrivateIpAddress": "10.0.1.5",
    }
    result = merged(request(), version(ImageId="ami-1", NetworkInterfaces=[interface]))
    assert result["NetworkInterfaces"] == [interface]


WINNING = {
    "ImageId": ("ami-template", "ami-request"),
    "InstanceType": ("t3.micro", "t3.large"),
    "UserData": (USER_DATA, "ZWNobyBtaW5l"),
    "KeyName": ("template-key", "request-key"),
    "SecurityGroupIds": (["sg-1"], ["sg-9"]),
    "SecurityGroups": (["template"], ["request"]),
    "SubnetId": ("subnet-1", "subnet-9"),
    "DisableApiTermination": (True, False),
    "InstanceInitiatedShutdownBehavior": ("terminate", "stop"),
}


@pytest.mark.parametrize(("name", "values"), list(WINNING.items()))
def test_the_requests_own_value_wins(name, values):
    template_value, request_value = values
    parameters = {"ImageId": "ami-1", name: template_value}
    assert merged(request(**{name: request_value}), version(**parameters))[name] == request_value


def test_a_false_request_value_still_wins_over_the_templates():
    result = merged(request(EbsOptimized=False), version(ImageId="ami-1", EbsOptimized=True))
    assert result["EbsOptimized"] is False


def test_structures_are_the_templates_plus_what_the_request_adds_or_changes():
    template_options = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}
    result = merged(
        request(MetadataOptions={"HttpPutResponseHopLimit": 3, "InstanceMetadataTags": "enabled"}),
        version(
            ImageId="ami-1", MetadataOptions=template_options, Placement={"Tenancy": "default"}
        ),
    )
    assert result["MetadataOptions"] == {
        "HttpTokens": "required",
        "HttpPutResponseHopLimit": 3,
        "InstanceMetadataTags": "enabled",
    }
    assert result["Placement"] == {"Tenancy": "default"}


def test_the_requests_instance_profile_replaces_the_templates_whole():
    result = merged(
        request(IamInstanceProfile={"Arn": "arn:aws:iam::1:instance-profile/mine"}),
        version(ImageId="ami-1", IamInstanceProfile={"Name": "theirs"}),
    )
    assert result["IamInstanceProfile"] == {"Arn": "arn:aws:iam::1:instance-profile/mine"}


def test_tags_merge_per_resource_type_and_key_the_request_winning():
    template_tags = [
        {
            "ResourceType": "instance",
            "Tags": [{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "dev"}],
        },
        {"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]},
        {"ResourceType": "launch-template", "Tags": [{"Key": "owner", "Value": "ops"}]},
    ]
    result = merged(
        request(
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "env", "Value": "prod"}]},
                {"ResourceType": "network-interface", "Tags": [{"Key": "nic", "Value": "1"}]},
            ]
        ),
        version(ImageId="ami-1", TagSpecifications=template_tags),
    )
    assert tags(result) == {
        "team": "a",
        "env": "prod",
        "aws:ec2launchtemplate:id": TID,
        "aws:ec2launchtemplate:version": "3",
    }
    assert tags(result, "volume") == {"backup": "daily"}
    assert tags(result, "network-interface") == {"nic": "1"}
    assert "launch-template" not in {s["ResourceType"] for s in result["TagSpecifications"]}


def test_the_launch_template_tags_are_added_even_without_other_tags_and_cannot_be_overridden():
    forged = [
        {
            "ResourceType": "instance",
            "Tags": [{"Key": "aws:ec2launchtemplate:version", "Value": "9"}],
        }
    ]
    result = merged(request(TagSpecifications=forged), version(ImageId="ami-1"))
    assert tags(result) == {"aws:ec2launchtemplate:id": TID, "aws:ec2launchtemplate:version": "3"}


def test_block_devices_and_interfaces_of_the_request_replace_the_templates_for_their_device():
    result = merged(
        request(
            BlockDeviceMappings=[{"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 20}}],
            NetworkInterfaces=[{"DeviceIndex": 1, "SubnetId": "subnet-9"}],
        ),
        version(
            ImageId="ami-1",
            BlockDeviceMappings=[
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}},
                {"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}},
            ],
            NetworkInterfaces=[
                {"DeviceIndex": 0, "SubnetId": "subnet-1"},
                {"DeviceIndex": 1, "SubnetId": "subnet-2", "Groups": ["sg-2"]},
            ],
        ),
    )
    assert result["BlockDeviceMappings"] == [
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}},
        {"DeviceName": "/dev/xvdb", "Ebs": {"VolumeSize": 20}},
    ]
    assert result["NetworkInterfaces"] == [
        {"DeviceIndex": 0, "SubnetId": "subnet-1"},
        {"DeviceIndex": 1, "SubnetId": "subnet-9"},
    ]


def test_the_merged_request_has_no_launch_template_and_keeps_the_requests_other_parameters():
    asked = request(LaunchTemplate={"LaunchTemplateId": TID}, ClientToken="t", MaxCount=3)
    result = merged(asked, version(ImageId="ami-1"))
    assert "LaunchTemplate" not in result
    assert (result["ClientToken"], result["MinCount"], result["MaxCount"]) == ("t", 1, 3)


def test_neither_the_request_nor_the_template_is_changed():
    asked = request(
        MetadataOptions={"HttpTokens": "optional"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}]}],
    )
    before = copy.deepcopy(asked)
    chosen = version(
        ImageId="ami-1", MetadataOptions={"HttpPutResponseHopLimit": 2}, SecurityGroupIds=["sg-1"]
    )
    result = merged(asked, chosen)
    result["SecurityGroupIds"].append("sg-2")
    result["MetadataOptions"]["HttpTokens"] = "required"
    assert asked == before
    assert thawed(chosen.parameters) == {
        "ImageId": "ami-1",
        "MetadataOptions": {"HttpPutResponseHopLimit": 2},
        "SecurityGroupIds": ["sg-1"],
    }


def test_records_are_frozen_all_the_way_down():
    chosen = version(ImageId="ami-1", NetworkInterfaces=[{"DeviceIndex": 0, "Groups": ["sg-1"]}])
    with pytest.raises(AttributeError):
        chosen.number = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        chosen.parameters["ImageId"] = "ami-2"  # type: ignore[index]
    with pytest.raises(TypeError):
        chosen.parameters["NetworkInterfaces"][0]["Groups"] += ("sg-2",)  # type: ignore[index]


# --- what cannot launch ----------------------------------------------------------------------


def test_no_image_in_the_template_or_the_request_is_missing_parameter():
    error = refused(merged, request(), version(InstanceType="t3.micro"))
    assert (error.code, error.message) == (
        "MissingParameter",
        "The request must contain the parameter ImageId",
    )


def test_an_image_in_the_request_is_enough_for_a_template_without_one():
    assert merged(request(ImageId="ami-9"), version(InstanceType="t3.micro"))["ImageId"] == "ami-9"


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ({"SubnetId": "subnet-9"}, "Network interfaces and an instance-level subnet ID may not"),
        (
            {"SecurityGroupIds": ["sg-9"]},
            "Network interfaces and an instance-level security groups",
        ),
        (
            {"SecurityGroups": ["default"]},
            "Network interfaces and an instance-level security groups",
        ),
    ],
)
def test_template_interfaces_with_instance_level_subnet_or_groups_are_refused(asked, message):
    chosen = version(
        ImageId="ami-1", NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": "subnet-1"}]
    )
    error = refused(merged, request(**asked), chosen)
    assert error.code == "InvalidParameterCombination"
    assert error.message.startswith(message)


def test_request_interfaces_with_template_security_groups_are_refused():
    chosen = version(ImageId="ami-1", SecurityGroupIds=["sg-1"])
    asked = request(NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": "subnet-1"}])
    assert refused(merged, asked, chosen).code == "InvalidParameterCombination"


def test_template_security_groups_with_a_request_subnet_launch():
    result = merged(
        request(SubnetId="subnet-9"), version(ImageId="ami-1", SecurityGroupIds=["sg-1"])
    )
    assert (result["SubnetId"], result["SecurityGroupIds"]) == ("subnet-9", ["sg-1"])
