from localstack_ssm_docker.cloudformation.instance_schema import validation_failure


def test_a_template_within_the_schema_passes():
    properties = {
        "ImageId": "ami-0b5b0b5b0b5b0b5b0",
        "InstanceType": "t3.micro",
        "Tags": [{"Key": "Role", "Value": "web"}],
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": "2"},
        "DisableApiTermination": "false",
        "NetworkInterfaces": [{"DeviceIndex": "0", "GroupSet": ["sg-1"]}],
    }
    assert validation_failure("Web", properties) is None


def test_an_unknown_property_is_an_extraneous_key():
    assert validation_failure("Web", {"ImageId": "ami-1", "InstanceMarketOptions": {}}) == (
        "Properties validation failed for resource Web with message: "
        "[#: extraneous key [InstanceMarketOptions] is not permitted]"
    )


def test_every_violation_is_listed_with_its_path_in_key_order():
    reason = validation_failure(
        "Web",
        {
            "Tenancy": "shared",
            "Tags": [{"Key": "Role"}],
            "MetadataOptions": {"HttpTokens": "sometimes", "HttpPutResponseHopLimit": 65},
            "SecurityGroupIds": "sg-1",
        },
    )
    assert reason == (
        "Properties validation failed for resource Web with message: ["
        "#/MetadataOptions/HttpPutResponseHopLimit: 65 is not less or equal to 64, "
        "#/MetadataOptions/HttpTokens: sometimes is not a valid enum value, "
        "#/SecurityGroupIds: expected type: JSONArray, found: String, "
        "#/Tags/0: required key [Value] not found, "
        "#/Tenancy: shared is not a valid enum value]"
    )


def test_a_nested_unknown_key_and_a_wrong_scalar_type_are_refused():
    reason = validation_failure(
        "Web", {"LaunchTemplate": {"Version": "1", "Name": "x"}, "Monitoring": "yes"}
    )
    assert reason == (
        "Properties validation failed for resource Web with message: ["
        "#/LaunchTemplate: extraneous key [Name] is not permitted, "
        "#/Monitoring: expected type: Boolean, found: String]"
    )
