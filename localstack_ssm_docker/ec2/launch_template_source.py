"""The launch templates LocalStack's EC2 keeps (moto's backend: CreateLaunchTemplate,
CreateLaunchTemplateVersion and ModifyLaunchTemplate are moto's), read as `LaunchTemplate` records.

Each version's data is read as the parameters RunInstances takes: members RunInstances does not
have (at any depth) are left out, so the merged request always serializes for moto, and user
data is its base64 text whichever way moto stored it.
"""

from collections.abc import Mapping
from typing import Any

from botocore.model import Shape
from localstack.aws.spec import load_service
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.launch_templates import LaunchTemplate, frozen


class MotoLaunchTemplates:
    """A `LaunchTemplateSource` over moto's EC2 backends."""

    def __init__(self) -> None:
        self._run_instances = load_service("ec2").operation_model("RunInstances").input_shape

    def find(
        self, account_id: str, region: str, template_id: str | None, name: str | None
    ) -> LaunchTemplate | None:
        backend = ec2_backends[account_id][region]
        if template_id is None and name is not None:
            template_id = backend.launch_template_name_to_ids.get(name)
        template = backend.launch_templates.get(template_id) if template_id else None
        if template is None:
            return None
        return LaunchTemplate(
            template_id=template.id,
            name=template.name,
            default_version=int(template.default_version_number),
            versions=frozen(
                {v.number: self._as_run_instances(v.data) for v in list(template.versions)}
            ),
        )

    def _as_run_instances(self, data: Mapping[str, Any]) -> dict[str, Any]:
        parameters = {
            k: _projected(v, self._run_instances.members[k])
            for k, v in data.items()
            if k in self._run_instances.members and v is not None
        }
        if "UserData" in parameters:  # a Base64EncodedString or the request's own text
            parameters["UserData"] = str(parameters["UserData"])
        return parameters


def _projected(value: Any, shape: Shape) -> Any:
    """`value` with only the members `shape` has, all the way down."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        members = shape.members
        return {k: _projected(v, members[k]) for k, v in value.items() if k in members}
    if shape.type_name == "list" and isinstance(value, list | tuple):
        return [_projected(v, shape.member) for v in value]
    return value
