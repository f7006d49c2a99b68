"""AWS::EC2::LaunchTemplate through this LocalStack's EC2 API (LocalStack has no provider of its
own for it, and its engine would otherwise deploy a placeholder): CreateLaunchTemplate with the
template's LaunchTemplateData and tags (CloudFormation's ``aws:cloudformation:*`` tags beside
them); an update of the data makes a new version, the default one, as on AWS; a new
LaunchTemplateName replaces it; delete removes it. ``Ref`` is the launch template's id, and
``Fn::GetAtt`` gives LaunchTemplateId, LatestVersionNumber and DefaultVersionNumber."""

import contextlib
from typing import Any

import localstack.services.cloudformation.provider_utils as util
from botocore.exceptions import ClientError
from localstack.services.cloudformation.resource_provider import (
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceRequest,
)

from localstack_ssm_docker.cloudformation.handler_errors import client_error_failure
from localstack_ssm_docker.cloudformation.instance_request import StackIdentity

Properties = dict[str, Any]

SCHEMA: dict[str, Any] = {
    "typeName": "AWS::EC2::LaunchTemplate",
    "properties": {
        name: {}
        for name in (
            "LaunchTemplateName",
            "LaunchTemplateData",
            "VersionDescription",
            "TagSpecifications",
            "LaunchTemplateId",
            "LatestVersionNumber",
            "DefaultVersionNumber",
        )
    },
    "primaryIdentifier": ["/properties/LaunchTemplateId"],
    "readOnlyProperties": [
        "/properties/LaunchTemplateId",
        "/properties/LatestVersionNumber",
        "/properties/DefaultVersionNumber",
    ],
    "createOnlyProperties": ["/properties/LaunchTemplateName"],
}


def _tag_specifications(model: Properties, stack: StackIdentity) -> list[dict[str, Any]]:
    """The template's tags of the launch template, with CloudFormation's own."""
    given = [
        tag
        for spec in model.get("TagSpecifications") or []
        if spec.get("ResourceType", "launch-template") == "launch-template"
        for tag in spec.get("Tags") or []
    ]
    return [{"ResourceType": "launch-template", "Tags": [*given, *stack.tags()]}]


def _with_versions(model: Properties, described: dict[str, Any]) -> Properties:
    model.update(
        LaunchTemplateId=described["LaunchTemplateId"],
        LaunchTemplateName=described["LaunchTemplateName"],
        LatestVersionNumber=str(described["LatestVersionNumber"]),
        DefaultVersionNumber=str(described["DefaultVersionNumber"]),
    )
    return model


class Ec2LaunchTemplateProvider(ResourceProvider[Properties]):
    TYPE = "AWS::EC2::LaunchTemplate"
    SCHEMA = SCHEMA

    def create(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        ec2 = request.aws_client_factory.ec2
        stack = StackIdentity(request.stack_name, request.stack_id, request.logical_resource_id)
        name = model.get("LaunchTemplateName") or util.generate_default_name(
            stack_name=request.stack_name, logical_resource_id=request.logical_resource_id
        )
        params: dict[str, Any] = {
            "LaunchTemplateName": name,
            "LaunchTemplateData": model.get("LaunchTemplateData") or {},
            "TagSpecifications": _tag_specifications(model, stack),
        }
        if description := model.get("VersionDescription"):
            params["VersionDescription"] = description
        try:
            created = ec2.create_launch_template(**params)["LaunchTemplate"]
        except ClientError as e:
            return client_error_failure("Ec2", e, request.request_token)
        return ProgressEvent(
            status=OperationStatus.SUCCESS, resource_model=_with_versions(model, created)
        )

    def update(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        previous = request.previous_state or {}
        ec2 = request.aws_client_factory.ec2
        template_id = previous["LaunchTemplateId"]
        try:
            if (model.get("LaunchTemplateData"), model.get("VersionDescription")) != (
                previous.get("LaunchTemplateData"),
                previous.get("VersionDescription"),
            ):
                params: dict[str, Any] = {
                    "LaunchTemplateId": template_id,
                    "LaunchTemplateData": model.get("LaunchTemplateData") or {},
                }
                if description := model.get("VersionDescription"):
                    params["VersionDescription"] = description
                version = ec2.create_launch_template_version(**params)["LaunchTemplateVersion"]
                ec2.modify_launch_template(
                    LaunchTemplateId=template_id, DefaultVersion=str(version["VersionNumber"])
                )
            [described] = ec2.describe_launch_templates(LaunchTemplateIds=[template_id])[
                "LaunchTemplates"
            ]
        except ClientError as e:
            return client_error_failure("Ec2", e, request.request_token)
        return ProgressEvent(
            status=OperationStatus.SUCCESS, resource_model=_with_versions(model, described)
        )

    def delete(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        if template_id := model.get("LaunchTemplateId"):
            ec2 = request.aws_client_factory.ec2
            with contextlib.suppress(ClientError):  # already gone
                ec2.delete_launch_template(LaunchTemplateId=template_id)
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)

    def read(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        ec2 = request.aws_client_factory.ec2
        try:
            [described] = ec2.describe_launch_templates(
                LaunchTemplateIds=[model["LaunchTemplateId"]]
            )["LaunchTemplates"]
        except ClientError:
            return ProgressEvent(
                status=OperationStatus.FAILED,
                message=f"Launch template {model['LaunchTemplateId']} was not found.",
                error_code="NotFound",
            )
        return ProgressEvent(
            status=OperationStatus.SUCCESS, resource_model=_with_versions(model, described)
        )
