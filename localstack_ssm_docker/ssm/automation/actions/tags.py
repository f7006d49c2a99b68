"""aws:createTags: tags on EC2 resources, or on Systems Manager ones (ResourceType), as AWS's.

EC2 resources take all their tags in one CreateTags; a managed instance, maintenance window or
parameter takes AddTagsToResource, one resource at a time.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from localstack_ssm_docker.ssm.automation.actions import input_checks
from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed

RESOURCE_TYPES = ("EC2", "ManagedInstance", "MaintenanceWindow", "Parameter")


class CreateTags:
    """Tags ResourceIds of ResourceType (EC2 by default) with Tags."""

    name: ClassVar[str] = "aws:createTags"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "ResourceIds", "Tags")
        input_checks.kinds(self.name, step_name, inputs, ResourceIds="StringList", Tags="MapList")
        input_checks.one_of(self.name, step_name, inputs, "ResourceType", RESOURCE_TYPES)

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        resource_ids = input_checks.string_list(inputs["ResourceIds"])
        tags = [{"Key": t["Key"], "Value": t.get("Value", "")} for t in inputs["Tags"]]
        resource_type = inputs.get("ResourceType") or "EC2"
        try:
            if resource_type == "EC2":
                context.clients.client("ec2").create_tags(Resources=resource_ids, Tags=tags)
            else:
                ssm = context.clients.client("ssm")
                for resource_id in resource_ids:
                    ssm.add_tags_to_resource(
                        ResourceType=resource_type, ResourceId=resource_id, Tags=tags
                    )
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(str(error)) from None
        return {}
