"""Launch templates in RunInstances: the version a request names, and the request that version and
the request's own parameters make together, as EC2 merges them.

The rules this module keeps (AWS's EC2 user guide, "Launch an instance from a launch template"):
a parameter the request gives wins over the template's; a structure (MetadataOptions, Placement,
...) is the template's plus the members the request adds or changes; tags are merged per resource
type and key, the request's value winning; a block device mapping or network interface the request
gives for a device name or index takes the place of the template's for it. An instance profile
names one profile (by Arn or Name), so the request's takes the place of the template's whole. The
merged request must make sense on its own: it needs an ImageId, and network interfaces do not go
with an instance-level subnet or security groups. Instances launched from a template carry the
tags `aws:ec2launchtemplate:id` and `aws:ec2launchtemplate:version` (the version number used).

This is the one place where a template's parameters meet the request's: the request that goes on
to moto has no LaunchTemplate, so moto's own partial template handling never runs. Templates are
moto's (CreateLaunchTemplate, CreateLaunchTemplateVersion, ModifyLaunchTemplate), read through a
`LaunchTemplateSource`; everything here is a pure function of immutable records.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from localstack_ssm_docker.ec2.exceptions import (
    InvalidParameterCombination,
    LaunchTemplateIdNotFound,
    LaunchTemplateNameNotFound,
    LaunchTemplateVersionNotFound,
    MissingParameter,
)

LATEST = "$Latest"
DEFAULT = "$Default"
TEMPLATE_ID_TAG = "aws:ec2launchtemplate:id"
TEMPLATE_VERSION_TAG = "aws:ec2launchtemplate:version"
TAGGED_AT_LAUNCH = ("instance", "volume", "network-interface", "spot-instances-request")
"""The resource types whose tags a template's TagSpecifications give a launch (a template's own
`launch-template` tags stay on the template)."""

_BY_KEY = {"BlockDeviceMappings": "DeviceName", "NetworkInterfaces": "DeviceIndex"}
_WHOLE = frozenset({"IamInstanceProfile"})


@dataclass(frozen=True)
class LaunchTemplate:
    """A launch template: its versions by number, each the parameters it gives RunInstances
    (named as RunInstances names them; frozen: mappings are read-only, lists are tuples)."""

    template_id: str
    name: str
    default_version: int
    versions: Mapping[int, Mapping[str, Any]]


@dataclass(frozen=True)
class TemplateVersion:
    """One version of a launch template, as a launch uses it."""

    template_id: str
    number: int
    parameters: Mapping[str, Any]


class LaunchTemplateSource(Protocol):
    """The launch templates of an account and region, read-only."""

    def find(
        self, account_id: str, region: str, template_id: str | None, name: str | None
    ) -> LaunchTemplate | None:
        """The template with this id (when given) or this name, or None when there is none."""
        ...


def frozen(value: Any) -> Any:
    """`value` with every mapping read-only and every list a tuple, all the way down."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value


def thawed(value: Any) -> Any:
    """A frozen value as plain dictionaries and lists (a request of its own, to change freely)."""
    if isinstance(value, Mapping):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thawed(v) for v in value]
    return value


def with_launch_template(
    source: LaunchTemplateSource, account_id: str, region: str, request: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The request as RunInstances launches it: itself when it names no launch template, else
    merged with the version it names (see the module's rules); EC2's error otherwise."""
    specification = request.get("LaunchTemplate")
    if specification is None:
        return request
    template = found_template(source, account_id, region, specification)
    return merged(request, chosen_version(template, specification.get("Version")))


def found_template(
    source: LaunchTemplateSource, account_id: str, region: str, specification: Mapping[str, Any]
) -> LaunchTemplate:
    """The template a LaunchTemplate specification names, by id or by name (not both)."""
    template_id = specification.get("LaunchTemplateId")
    name = specification.get("LaunchTemplateName")
    if template_id and name:
        raise InvalidParameterCombination(
            "You must specify either the launch template ID or the launch template name, "
            "but not both."
        )
    if not template_id and not name:
        raise MissingParameter(
            "LaunchTemplate.LaunchTemplateId or LaunchTemplate.LaunchTemplateName"
        )
    template = source.find(account_id, region, template_id or None, name or None)
    if template is None:
        if template_id:
            raise LaunchTemplateIdNotFound(template_id)
        raise LaunchTemplateNameNotFound(str(name))
    return template


def chosen_version(template: LaunchTemplate, version: str | None) -> TemplateVersion:
    """The version asked for: a number, `$Latest`, or `$Default` (also when none is given)."""
    wanted = DEFAULT if version is None else version
    if wanted == LATEST:
        number = max(template.versions)
    elif wanted == DEFAULT:
        number = template.default_version
    elif wanted.isascii() and wanted.isdigit():
        number = int(wanted)
    else:
        raise LaunchTemplateVersionNotFound(wanted, template.template_id)
    if number not in template.versions:
        raise LaunchTemplateVersionNotFound(wanted, template.template_id)
    return TemplateVersion(template.template_id, number, template.versions[number])


def merged(request: Mapping[str, Any], version: TemplateVersion) -> dict[str, Any]:
    """The request with the version's parameters where the request leaves them out, without
    LaunchTemplate, tagged with the template and version; EC2's error when it cannot launch."""
    result = {k: v for k, v in request.items() if k != "LaunchTemplate"}
    for name, value in version.parameters.items():
        if name == "TagSpecifications":
            continue
        given = result.get(name)
        if given is None:
            result[name] = thawed(value)
        elif name in _BY_KEY:
            result[name] = _replaced_by_key(_BY_KEY[name], thawed(value), given)
        elif isinstance(value, Mapping) and isinstance(given, Mapping) and name not in _WHOLE:
            result[name] = {**thawed(value), **given}
    template_tags = {
        resource_type: tags
        for resource_type, tags in _tags_by_type(version.parameters.get("TagSpecifications") or ())
        if resource_type in TAGGED_AT_LAUNCH
    }
    launch_tags = {
        TEMPLATE_ID_TAG: version.template_id,
        TEMPLATE_VERSION_TAG: str(version.number),
    }
    result["TagSpecifications"] = _merged_tags(
        template_tags, _tags_by_type(request.get("TagSpecifications") or ()), launch_tags
    )
    _require_launchable(result)
    return result


def _replaced_by_key(key: str, template: list, request: list) -> list:
    """The template's entries whose key the request does not give, then the request's."""
    given = {entry.get(key) for entry in request}
    return [entry for entry in template if entry.get(key) not in given] + list(request)


def _tags_by_type(specifications: Iterable[Mapping[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    """(resource type, tags by key) of each TagSpecification, in order."""
    return [
        (
            str(specification.get("ResourceType")),
            {str(t["Key"]): str(t.get("Value", "")) for t in specification.get("Tags") or ()},
        )
        for specification in specifications
    ]


def _merged_tags(
    template: dict[str, dict[str, str]],
    request: list[tuple[str, dict[str, str]]],
    launch_tags: dict[str, str],
) -> list[dict[str, Any]]:
    """One TagSpecification per resource type: the template's tags, the request's over them, and
    the instance's launch-template tags over both."""
    by_type: dict[str, dict[str, str]] = {t: dict(tags) for t, tags in template.items()}
    for resource_type, tags in request:
        by_type.setdefault(resource_type, {}).update(tags)
    by_type.setdefault("instance", {}).update(launch_tags)
    return [
        {"ResourceType": t, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        for t, tags in by_type.items()
    ]


def _require_launchable(request: Mapping[str, Any]) -> None:
    if not request.get("ImageId"):
        raise MissingParameter("ImageId")
    if request.get("NetworkInterfaces"):
        if request.get("SubnetId"):
            raise InvalidParameterCombination(
                "Network interfaces and an instance-level subnet ID may not be specified on "
                "the same request"
            )
        if request.get("SecurityGroupIds") or request.get("SecurityGroups"):
            raise InvalidParameterCombination(
                "Network interfaces and an instance-level security groups may not be specified "
                "on the same request"
            )
