import base64

import pytest

from localstack_ssm_docker.cloudformation.instance_request import (
    InvalidUserData,
    StackIdentity,
    TagChanges,
    run_instances_request,
    tag_changes,
)

STACK = StackIdentity("web", "arn:aws:cloudformation:us-east-1:000000000000:stack/web/1", "Web")
SYSTEM_TAGS = [
    {"Key": "aws:cloudformation:stack-name", "Value": "web"},
    {"Key": "aws:cloudformation:stack-id", "Value": STACK.stack_id},
    {"Key": "aws:cloudformation:logical-id", "Value": "Web"},
]


def test_every_property_runinstances_takes_reaches_it():
    script = b"#!/bin/sh\necho hi\n"
    request = run_instances_request(
        {
            "ImageId": "ami-1",
            "InstanceType": "t3.micro",
            "KeyName": "key",
            "SubnetId": "subnet-1",
            "SecurityGroupIds": ["sg-1"],
            "PrivateIpAddress": "10.0.0.5",
            "IamInstanceProfile": "app",
            "UserData": base64.b64encode(script).decode(),
            "MetadataOptions": {"HttpTokens": "required"},
            "LaunchTemplate": {"LaunchTemplateName": "web", "Version": "$Latest"},
            "AvailabilityZone": "us-east-1b",
            "Tenancy": "default",
            "PlacementGroupName": "pg",
            "Monitoring": True,
            "CreditSpecification": {"CPUCredits": "unlimited"},
            "DisableApiTermination": True,
            "Tags": [{"Key": "Role", "Value": "web"}],
        },
        STACK,
    )
    assert request == {
        "MinCount": 1,
        "MaxCount": 1,
        "ImageId": "ami-1",
        "InstanceType": "t3.micro",
        "KeyName": "key",
        "SubnetId": "subnet-1",
        "SecurityGroupIds": ["sg-1"],
        "PrivateIpAddress": "10.0.0.5",
        "IamInstanceProfile": {"Name": "app"},
        "UserData": script.decode(),
        "MetadataOptions": {"HttpTokens": "required"},
        "LaunchTemplate": {"LaunchTemplateName": "web", "Version": "$Latest"},
        "Placement": {"AvailabilityZone": "us-east-1b", "Tenancy": "default", "GroupName": "pg"},
        "Monitoring": {"Enabled": True},
        "CreditSpecification": {"CpuCredits": "unlimited"},
        "DisableApiTermination": True,
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "web"}, *SYSTEM_TAGS]}
        ],
    }


def test_interfaces_mappings_and_a_profile_arn_take_the_api_shapes():
    arn = "arn:aws:iam::000000000000:instance-profile/app"
    request = run_instances_request(
        {
            "IamInstanceProfile": arn,
            "NetworkInterfaces": [{"DeviceIndex": "0", "GroupSet": ["sg-1"], "SubnetId": "s-1"}],
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}},
                {"DeviceName": "/dev/xvdb", "NoDevice": {}},
            ],
            "PropagateTagsToVolumeOnCreation": True,
        },
        STACK,
    )
    assert request["IamInstanceProfile"] == {"Arn": arn}
    assert request["NetworkInterfaces"] == [
        {"DeviceIndex": "0", "Groups": ["sg-1"], "SubnetId": "s-1"}
    ]
    assert request["BlockDeviceMappings"][1] == {"DeviceName": "/dev/xvdb", "NoDevice": ""}
    assert [s["ResourceType"] for s in request["TagSpecifications"]] == ["instance", "volume"]
    assert request["TagSpecifications"][1]["Tags"] == SYSTEM_TAGS


def test_user_data_that_is_not_base64_is_refused_as_ec2_does():
    with pytest.raises(InvalidUserData, match=r"^Invalid BASE64 encoding of user data\.$"):
        run_instances_request({"UserData": "#!/bin/sh\necho not encoded"}, STACK)


def test_tag_changes_set_the_new_and_changed_and_remove_the_dropped():
    before = {"Tags": [{"Key": "Role", "Value": "web"}, {"Key": "Env", "Value": "test"}]}
    after = {"Tags": [{"Key": "Role", "Value": "web"}, {"Key": "Env", "Value": "prod"}]}
    assert tag_changes(before, after) == TagChanges(to_set={"Env": "prod"}, to_remove=())
    assert tag_changes(after, {}) == TagChanges(to_set={}, to_remove=("Role", "Env"))
