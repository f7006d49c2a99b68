"""AWS::EC2::Instance's properties as EC2's API takes them: the RunInstances request of a new
instance (every property RunInstances has a parameter for, and CloudFormation's own
``aws:cloudformation:*`` tags beside the template's), and the in-place changes of an update."""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STACK_NAME_TAG = "aws:cloudformation:stack-name"
STACK_ID_TAG = "aws:cloudformation:stack-id"
LOGICAL_ID_TAG = "aws:cloudformation:logical-id"

# properties that RunInstances takes under the same name and shape
_SAME_NAME = (
    "AdditionalInfo",
    "CpuOptions",
    "DisableApiTermination",
    "EbsOptimized",
    "ElasticInferenceAccelerators",
    "EnclaveOptions",
    "HibernationOptions",
    "ImageId",
    "InstanceInitiatedShutdownBehavior",
    "InstanceType",
    "Ipv6AddressCount",
    "Ipv6Addresses",
    "KernelId",
    "KeyName",
    "LaunchTemplate",
    "LicenseSpecifications",
    "MetadataOptions",
    "PrivateDnsNameOptions",
    "PrivateIpAddress",
    "RamdiskId",
    "SecurityGroupIds",
    "SecurityGroups",
    "SubnetId",
)
# Placement's members, by property
_PLACEMENT = {
    "AvailabilityZone": "AvailabilityZone",
    "Affinity": "Affinity",
    "HostId": "HostId",
    "HostResourceGroupArn": "HostResourceGroupArn",
    "PlacementGroupName": "GroupName",
    "Tenancy": "Tenancy",
}
# changed with the instance stopped (AWS: "Update requires: Some interruptions")
STOPPED_CHANGES = ("InstanceType", "UserData", "EbsOptimized", "KernelId", "RamdiskId")
# changed while it runs (ModifyInstanceAttribute's attribute of the same name)
RUNNING_CHANGES = ("DisableApiTermination", "InstanceInitiatedShutdownBehavior", "SourceDestCheck")


class InvalidUserData(ValueError):
    """UserData that is not base64, as EC2 refuses it."""


@dataclass(frozen=True)
class StackIdentity:
    """What CloudFormation tags every resource of a stack with."""

    stack_name: str
    stack_id: str
    logical_id: str

    def tags(self) -> list[dict[str, str]]:
        return [
            {"Key": STACK_NAME_TAG, "Value": self.stack_name},
            {"Key": STACK_ID_TAG, "Value": self.stack_id},
            {"Key": LOGICAL_ID_TAG, "Value": self.logical_id},
        ]


def user_data(encoded: str) -> str:
    """The template's base64 UserData as the SDK takes it (it encodes it again for the API):
    the text it encodes, or the base64 itself when that is not UTF-8 (gzip), which EC2 here
    decodes once more. CloudFormation's clients pass parameters as their shapes' types, and
    UserData's is a string."""
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidUserData("Invalid BASE64 encoding of user data.") from e
    try:
        return decoded.decode()
    except UnicodeDecodeError:
        return encoded


def user_tags(properties: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: str(t["Value"]) for t in properties.get("Tags") or []}


def run_instances_request(properties: Mapping[str, Any], stack: StackIdentity) -> dict[str, Any]:
    """One instance, with every property RunInstances has a parameter for."""
    request: dict[str, Any] = {"MinCount": 1, "MaxCount": 1}
    request.update({k: properties[k] for k in _SAME_NAME if k in properties})
    if placement := {v: properties[k] for k, v in _PLACEMENT.items() if k in properties}:
        request["Placement"] = placement
    if profile := properties.get("IamInstanceProfile"):
        key = "Arn" if str(profile).startswith("arn:") else "Name"
        request["IamInstanceProfile"] = {key: profile}
    if "UserData" in properties:
        request["UserData"] = user_data(properties["UserData"])
    if "Monitoring" in properties:
        request["Monitoring"] = {"Enabled": properties["Monitoring"]}
    if credits := properties.get("CreditSpecification"):
        request["CreditSpecification"] = {"CpuCredits": credits.get("CPUCredits")}
    if gpus := properties.get("ElasticGpuSpecifications"):
        request["ElasticGpuSpecification"] = gpus
    if interfaces := properties.get("NetworkInterfaces"):
        request["NetworkInterfaces"] = [_network_interface(i) for i in interfaces]
    if mappings := properties.get("BlockDeviceMappings"):
        request["BlockDeviceMappings"] = [_block_device_mapping(m) for m in mappings]
    tags = [{"Key": k, "Value": v} for k, v in user_tags(properties).items()] + stack.tags()
    specifications = [{"ResourceType": "instance", "Tags": tags}]
    if properties.get("PropagateTagsToVolumeOnCreation"):
        specifications.append({"ResourceType": "volume", "Tags": tags})
    request["TagSpecifications"] = specifications
    return request


def _network_interface(interface: Mapping[str, Any]) -> dict[str, Any]:
    specification = {k: v for k, v in interface.items() if k != "GroupSet"}
    if "GroupSet" in interface:
        specification["Groups"] = interface["GroupSet"]
    return specification


def _block_device_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    specification = dict(mapping)
    if "NoDevice" in mapping:  # an empty object in the template, an empty string in the API
        specification["NoDevice"] = ""
    return specification


@dataclass(frozen=True)
class TagChanges:
    """The tags to set and the keys to remove (never CloudFormation's own)."""

    to_set: dict[str, str]
    to_remove: tuple[str, ...]


def tag_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> TagChanges:
    old, new = user_tags(before), user_tags(after)
    return TagChanges(
        to_set={k: v for k, v in new.items() if old.get(k) != v},
        to_remove=tuple(k for k in old if k not in new),
    )


def changed(before: Mapping[str, Any], after: Mapping[str, Any], names: tuple[str, ...]) -> list:
    return [name for name in names if before.get(name) != after.get(name)]
