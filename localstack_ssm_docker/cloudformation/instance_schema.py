"""AWS::EC2::Instance's resource schema as CloudFormation's registry publishes it (properties,
read-only attributes, create-only properties) and the check CloudFormation makes before any
handler runs: a template with a key the schema does not have, a value of the wrong type or
outside its enum fails with CloudFormation's reason, ``Properties validation failed for resource
<logical id> with message: [#/<path>: <violation>, ...]``, and nothing is created."""

from typing import Any

Node = dict[str, Any]

_STRING: Node = {"type": "string"}
_INTEGER: Node = {"type": "integer"}
_BOOLEAN: Node = {"type": "boolean"}
_STRINGS: Node = {"type": "array", "items": _STRING}


def _object(properties: dict[str, Node], required: tuple[str, ...] = ()) -> Node:
    return {"type": "object", "properties": properties, "required": list(required)}


def _array(items: Node) -> Node:
    return {"type": "array", "items": items}


def _enum(*values: str) -> Node:
    return {"type": "string", "enum": list(values)}


_IPV6_ADDRESS = _object({"Ipv6Address": _STRING}, ("Ipv6Address",))
_TAG = _object({"Key": _STRING, "Value": _STRING}, ("Key", "Value"))

PROPERTIES: dict[str, Node] = {
    "AdditionalInfo": _STRING,
    "Affinity": _enum("default", "host"),
    "AvailabilityZone": _STRING,
    "BlockDeviceMappings": _array(
        _object(
            {
                "DeviceName": _STRING,
                "Ebs": _object(
                    {
                        "DeleteOnTermination": _BOOLEAN,
                        "Encrypted": _BOOLEAN,
                        "Iops": _INTEGER,
                        "KmsKeyId": _STRING,
                        "SnapshotId": _STRING,
                        "VolumeSize": _INTEGER,
                        "VolumeType": _STRING,
                    }
                ),
                "NoDevice": _object({}),
                "VirtualName": _STRING,
            },
            ("DeviceName",),
        )
    ),
    "CpuOptions": _object({"CoreCount": _INTEGER, "ThreadsPerCore": _INTEGER}),
    "CreditSpecification": _object({"CPUCredits": _STRING}),
    "DisableApiTermination": _BOOLEAN,
    "EbsOptimized": _BOOLEAN,
    "ElasticGpuSpecifications": _array(_object({"Type": _STRING}, ("Type",))),
    "ElasticInferenceAccelerators": _array(
        _object({"Count": _INTEGER, "Type": _STRING}, ("Type",))
    ),
    "EnclaveOptions": _object({"Enabled": _BOOLEAN}),
    "HibernationOptions": _object({"Configured": _BOOLEAN}),
    "HostId": _STRING,
    "HostResourceGroupArn": _STRING,
    "IamInstanceProfile": _STRING,
    "ImageId": _STRING,
    "InstanceInitiatedShutdownBehavior": _STRING,
    "InstanceType": _STRING,
    "Ipv6AddressCount": _INTEGER,
    "Ipv6Addresses": _array(_IPV6_ADDRESS),
    "KernelId": _STRING,
    "KeyName": _STRING,
    "LaunchTemplate": _object(
        {"LaunchTemplateId": _STRING, "LaunchTemplateName": _STRING, "Version": _STRING},
        ("Version",),
    ),
    "LicenseSpecifications": _array(
        _object({"LicenseConfigurationArn": _STRING}, ("LicenseConfigurationArn",))
    ),
    "MetadataOptions": _object(
        {
            "HttpEndpoint": _enum("disabled", "enabled"),
            "HttpProtocolIpv6": _enum("disabled", "enabled"),
            "HttpPutResponseHopLimit": {**_INTEGER, "minimum": 1, "maximum": 64},
            "HttpTokens": _enum("optional", "required"),
            "InstanceMetadataTags": _enum("disabled", "enabled"),
        }
    ),
    "Monitoring": _BOOLEAN,
    "NetworkInterfaces": _array(
        _object(
            {
                "AssociateCarrierIpAddress": _BOOLEAN,
                "AssociatePublicIpAddress": _BOOLEAN,
                "DeleteOnTermination": _BOOLEAN,
                "Description": _STRING,
                "DeviceIndex": _STRING,
                "GroupSet": _STRINGS,
                "Ipv6AddressCount": _INTEGER,
                "Ipv6Addresses": _array(_IPV6_ADDRESS),
                "NetworkInterfaceId": _STRING,
                "PrivateIpAddress": _STRING,
                "PrivateIpAddresses": _array(
                    _object(
                        {"Primary": _BOOLEAN, "PrivateIpAddress": _STRING},
                        ("PrivateIpAddress", "Primary"),
                    )
                ),
                "SecondaryPrivateIpAddressCount": _INTEGER,
                "SubnetId": _STRING,
            },
            ("DeviceIndex",),
        )
    ),
    "PlacementGroupName": _STRING,
    "PrivateDnsNameOptions": _object(
        {
            "EnableResourceNameDnsAAAARecord": _BOOLEAN,
            "EnableResourceNameDnsARecord": _BOOLEAN,
            "HostnameType": _STRING,
        }
    ),
    "PrivateIpAddress": _STRING,
    "PropagateTagsToVolumeOnCreation": _BOOLEAN,
    "RamdiskId": _STRING,
    "SecurityGroupIds": _STRINGS,
    "SecurityGroups": _STRINGS,
    "SourceDestCheck": _BOOLEAN,
    "SsmAssociations": _array(
        _object(
            {
                "AssociationParameters": _array(
                    _object({"Key": _STRING, "Value": _STRINGS}, ("Key", "Value"))
                ),
                "DocumentName": _STRING,
            },
            ("DocumentName",),
        )
    ),
    "SubnetId": _STRING,
    "Tags": _array(_TAG),
    "Tenancy": _enum("dedicated", "default", "host"),
    "UserData": _STRING,
    "Volumes": _array(_object({"Device": _STRING, "VolumeId": _STRING}, ("Device", "VolumeId"))),
}

# what Fn::GetAtt reads; CloudFormation sets them, a template may not
ATTRIBUTES = ("InstanceId", "PrivateIp", "PrivateDnsName", "PublicIp", "PublicDnsName", "VpcId")
READ_ONLY = (*ATTRIBUTES, "State")

# a change of these replaces the instance
CREATE_ONLY = (
    "AvailabilityZone",
    "CpuOptions",
    "ElasticGpuSpecifications",
    "ElasticInferenceAccelerators",
    "EnclaveOptions",
    "HibernationOptions",
    "HostResourceGroupArn",
    "ImageId",
    "Ipv6AddressCount",
    "Ipv6Addresses",
    "KeyName",
    "LaunchTemplate",
    "LicenseSpecifications",
    "NetworkInterfaces",
    "PlacementGroupName",
    "PrivateIpAddress",
    "SecurityGroups",
    "SubnetId",
)

SCHEMA: dict[str, Any] = {
    "typeName": "AWS::EC2::Instance",
    "properties": {**PROPERTIES, **{name: {} for name in READ_ONLY}},
    "additionalProperties": False,
    "primaryIdentifier": ["/properties/InstanceId"],
    "readOnlyProperties": [f"/properties/{name}" for name in READ_ONLY],
    "createOnlyProperties": [f"/properties/{name}" for name in CREATE_ONLY],
}

_TYPE_NAMES = {
    "string": "String",
    "integer": "Integer",
    "boolean": "Boolean",
    "object": "JSONObject",
    "array": "JSONArray",
}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "BigDecimal"
    if isinstance(value, dict):
        return "JSONObject"
    if isinstance(value, list):
        return "JSONArray"
    return "String"


def _fits(value: Any, expected: str) -> bool:
    """CloudFormation takes a template's scalars as strings too (``"8"`` for an integer,
    ``"true"`` for a boolean, a number for a string)."""
    match expected:
        case "string":
            return isinstance(value, str | int | float) and not isinstance(value, bool)
        case "integer":
            if isinstance(value, bool):
                return False
            return isinstance(value, int) or (
                isinstance(value, str) and value.lstrip("-").isdigit()
            )
        case "boolean":
            return isinstance(value, bool) or value in ("true", "false")
        case "object":
            return isinstance(value, dict)
        case "array":
            return isinstance(value, list)
    return True


def _violations(value: Any, node: Node, path: str) -> list[str]:
    expected = node.get("type")
    if expected is None:
        return []
    if not _fits(value, expected):
        return [f"{path}: expected type: {_TYPE_NAMES[expected]}, found: {_found(value)}"]
    if "enum" in node and value not in node["enum"]:
        return [f"{path}: {value} is not a valid enum value"]
    if expected == "integer":
        number = int(value)
        if "minimum" in node and number < node["minimum"]:
            return [f"{path}: {number} is not greater or equal to {node['minimum']}"]
        if "maximum" in node and number > node["maximum"]:
            return [f"{path}: {number} is not less or equal to {node['maximum']}"]
    if expected == "array":
        return [
            found
            for index, item in enumerate(value)
            for found in _violations(item, node["items"], f"{path}/{index}")
        ]
    if expected == "object":
        return _object_violations(value, node["properties"], node["required"], path)
    return []


def _object_violations(
    value: dict[str, Any], properties: dict[str, Node], required: list[str], path: str
) -> list[str]:
    """In the order of the keys' names, as a template's order is not kept."""
    found = [f"{path}: required key [{key}] not found" for key in required if key not in value]
    found += [
        f"{path}: extraneous key [{key}] is not permitted"
        for key in sorted(value)
        if key not in properties
    ]
    for key in sorted(value):
        if key in properties:
            found += _violations(value[key], properties[key], f"{path}/{key}")
    return found


def validation_failure(logical_resource_id: str, properties: dict[str, Any]) -> str | None:
    """CloudFormation's reason when the template's properties break the schema, else None.
    Read-only attributes are not the template's to give."""
    violations = _object_violations(properties, PROPERTIES, [], "#")
    if not violations:
        return None
    return (
        f"Properties validation failed for resource {logical_resource_id} with message: "
        f"[{', '.join(violations)}]"
    )
