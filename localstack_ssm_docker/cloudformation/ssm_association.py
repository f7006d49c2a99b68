"""AWS::SSM::Association: CreateAssociation, UpdateAssociation (a new version), DeleteAssociation;
``Ref`` and ``Fn::GetAtt AssociationId`` are the association's id. With
WaitForSuccessTimeoutSeconds the stack waits until the association's Overview is Success."""

import contextlib
import time
from typing import Any, TypedDict

import localstack.services.cloudformation.provider_utils as util
from localstack.services.cloudformation.resource_provider import (
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceRequest,
)


class SsmAssociationProperties(TypedDict, total=False):
    AssociationId: str
    Name: str
    AssociationName: str
    DocumentVersion: str
    InstanceId: str
    Parameters: dict[str, list[str]]
    ScheduleExpression: str
    ScheduleOffset: int
    Targets: list[dict[str, Any]]
    OutputLocation: dict[str, Any]
    AutomationTargetParameterName: str
    MaxErrors: str
    MaxConcurrency: str
    ComplianceSeverity: str
    SyncCompliance: str
    ApplyOnlyAtCronInterval: bool
    CalendarNames: list[str]
    WaitForSuccessTimeoutSeconds: int


_API_PROPERTIES = [
    "Name",
    "AssociationName",
    "DocumentVersion",
    "InstanceId",
    "Parameters",
    "ScheduleExpression",
    "ScheduleOffset",
    "Targets",
    "OutputLocation",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
]

SCHEMA: dict[str, Any] = {
    "typeName": "AWS::SSM::Association",
    "properties": {
        name: {} for name in [*_API_PROPERTIES, "AssociationId", "WaitForSuccessTimeoutSeconds"]
    },
    "required": ["Name"],
    "primaryIdentifier": ["/properties/AssociationId"],
    "readOnlyProperties": ["/properties/AssociationId"],
}

POLL_INTERVAL = 1.0


def _params(model: SsmAssociationProperties) -> dict[str, Any]:
    params = util.select_attributes(dict(model), _API_PROPERTIES)
    if parameters := params.get("Parameters"):  # a template may give single strings
        params["Parameters"] = {
            k: v if isinstance(v, list) else [str(v)] for k, v in parameters.items()
        }
    return params


class SsmAssociationProvider(ResourceProvider[SsmAssociationProperties]):
    TYPE = "AWS::SSM::Association"
    SCHEMA = SCHEMA

    def create(
        self, request: ResourceRequest[SsmAssociationProperties]
    ) -> ProgressEvent[SsmAssociationProperties]:
        model = request.desired_state
        ssm = request.aws_client_factory.ssm
        created = ssm.create_association(**_params(model))
        model["AssociationId"] = created["AssociationDescription"]["AssociationId"]
        event = self._after_change(request, model)
        if event.status == OperationStatus.FAILED:  # a failed create leaves nothing behind
            with contextlib.suppress(ssm.exceptions.AssociationDoesNotExist):
                ssm.delete_association(AssociationId=model["AssociationId"])
        return event

    def update(
        self, request: ResourceRequest[SsmAssociationProperties]
    ) -> ProgressEvent[SsmAssociationProperties]:
        model = request.desired_state
        model["AssociationId"] = (request.previous_state or {})["AssociationId"]
        ssm = request.aws_client_factory.ssm
        ssm.update_association(AssociationId=model["AssociationId"], **_params(model))
        return self._after_change(request, model)

    def delete(
        self, request: ResourceRequest[SsmAssociationProperties]
    ) -> ProgressEvent[SsmAssociationProperties]:
        model = request.desired_state
        ssm = request.aws_client_factory.ssm
        with contextlib.suppress(ssm.exceptions.AssociationDoesNotExist):  # already gone
            ssm.delete_association(AssociationId=model["AssociationId"])
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)

    def read(
        self, request: ResourceRequest[SsmAssociationProperties]
    ) -> ProgressEvent[SsmAssociationProperties]:
        ssm = request.aws_client_factory.ssm
        association_id = request.desired_state["AssociationId"]
        try:
            ssm.describe_association(AssociationId=association_id)
        except ssm.exceptions.AssociationDoesNotExist:
            return ProgressEvent(
                status=OperationStatus.FAILED,
                message=f"Association {association_id} was not found.",
                error_code="NotFound",
            )
        return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=request.desired_state)

    def _after_change(
        self, request: ResourceRequest[SsmAssociationProperties], model: SsmAssociationProperties
    ) -> ProgressEvent[SsmAssociationProperties]:
        """SUCCESS, once the association has succeeded when the template asks to wait."""
        timeout = int(model.get("WaitForSuccessTimeoutSeconds") or 0)
        if not timeout:
            return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)
        ssm = request.aws_client_factory.ssm
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            overview = ssm.describe_association(AssociationId=model["AssociationId"])[
                "AssociationDescription"
            ].get("Overview", {})
            status = overview.get("Status", "")
            if status == "Success":
                return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)
            if status == "Failed":
                break
            time.sleep(POLL_INTERVAL)
        return ProgressEvent(
            status=OperationStatus.FAILED,
            resource_model=model,
            message=f"Association {model['AssociationId']} did not succeed (status: {status}).",
            error_code="NotStabilized",
        )
