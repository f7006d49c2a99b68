"""AWS::AutoScaling::AutoScalingGroup through this LocalStack's Auto Scaling API (LocalStack has no
provider of its own for it, and its engine would otherwise deploy a placeholder): the group's
properties become CreateAutoScalingGroup's parameters, with CloudFormation's
``aws:cloudformation:*`` tags propagated to its instances as on AWS. Create and update return
once the desired capacity is InService (a launch that fails fails them with EC2's message);
an update of the launch template under an UpdatePolicy AutoScalingRollingUpdate is an instance
refresh (rolling_update.py) and returns once it is Successful; delete force-deletes the group
and returns once it is gone. ``Ref`` is the group's name.

Every operation is a sequence of steps, each returning IN_PROGRESS to LocalStack's engine, which
calls again with the step reached in ``custom_context``: no handler waits in a loop."""

from typing import Any

import localstack.services.cloudformation.provider_utils as util
from botocore.exceptions import ClientError
from localstack.services.cloudformation.resource_provider import (
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceRequest,
)

from localstack_ssm_docker.cloudformation.handler_errors import (
    client_error_failure,
    handler_failure,
)
from localstack_ssm_docker.cloudformation.instance_request import StackIdentity
from localstack_ssm_docker.cloudformation.rolling_update import policy_of, refresh_request

Properties = dict[str, Any]

STEP = "step"
STARTED, DELETING = "started", "deleting"
REFRESH = "refresh"
"""custom_context's key for the update's instance refresh id."""
REFRESHING = frozenset({"Pending", "InProgress", "Cancelling", "RollbackInProgress"})

_INTEGERS = {
    "MinSize": "MinSize",
    "MaxSize": "MaxSize",
    "DesiredCapacity": "DesiredCapacity",
    "Cooldown": "DefaultCooldown",
    "HealthCheckGracePeriod": "HealthCheckGracePeriod",
    "DefaultInstanceWarmup": "DefaultInstanceWarmup",
    "MaxInstanceLifetime": "MaxInstanceLifetime",
}
"""Template properties that are numbers (strings in CloudFormation's schema) -> API names."""
_PASSED = (
    "LaunchTemplate",
    "LaunchConfigurationName",
    "MixedInstancesPolicy",
    "AvailabilityZones",
    "HealthCheckType",
    "TerminationPolicies",
    "NewInstancesProtectedFromScaleIn",
    "CapacityRebalance",
)
"""Template properties passed to the API as they are."""
_UPDATABLE = (*_INTEGERS, *_PASSED, "VPCZoneIdentifier")

SCHEMA: dict[str, Any] = {
    "typeName": "AWS::AutoScaling::AutoScalingGroup",
    "properties": {
        name: {}
        for name in (
            "AutoScalingGroupName",
            *_UPDATABLE,
            "Tags",
            "LifecycleHookSpecificationList",
        )
    },
    "primaryIdentifier": ["/properties/AutoScalingGroupName"],
    "createOnlyProperties": ["/properties/AutoScalingGroupName"],
}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _common(model: Properties, keys: tuple[str, ...]) -> dict[str, Any]:
    """The API parameters of the template properties in `keys`."""
    params: dict[str, Any] = {}
    for key in keys:
        if model.get(key) in (None, "", []):
            continue
        if key in _INTEGERS:
            params[_INTEGERS[key]] = int(model[key])
        elif key == "VPCZoneIdentifier":
            params[key] = ",".join(model[key])
        else:
            params[key] = model[key]
    return params


def create_request(model: Properties, name: str, stack: StackIdentity) -> dict[str, Any]:
    """CreateAutoScalingGroup's parameters for the template's group."""
    params = _common(model, _UPDATABLE)
    params["AutoScalingGroupName"] = name
    params["Tags"] = _tags(model) + [{**t, "PropagateAtLaunch": True} for t in stack.tags()]
    hooks = []
    for spec in model.get("LifecycleHookSpecificationList") or []:
        hook = dict(spec)
        if "HeartbeatTimeout" in hook:
            hook["HeartbeatTimeout"] = int(hook["HeartbeatTimeout"])
        hooks.append(hook)
    if hooks:
        params["LifecycleHookSpecificationList"] = hooks
    return params


def _tags(model: Properties) -> list[dict[str, Any]]:
    """The template's own tags as the API's (CloudFormation passes booleans as strings)."""
    return [
        {
            "Key": t["Key"],
            "Value": t.get("Value", ""),
            "PropagateAtLaunch": _truthy(t.get("PropagateAtLaunch")),
        }
        for t in model.get("Tags") or []
    ]


def tag_changes(
    model: Properties, previous: Properties, name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """CreateOrUpdateTags' and DeleteTags' tags for what the template changed in `Tags` (the
    stack's own aws:cloudformation:* tags stay as they are)."""
    before = {t["Key"]: t for t in _tags(previous)}
    after = {t["Key"]: t for t in _tags(model)}
    where = {"ResourceId": name, "ResourceType": "auto-scaling-group"}
    put = [{**where, **t} for key, t in after.items() if before.get(key) != t]
    deleted = [{**where, "Key": key} for key in before if key not in after]
    return put, deleted


def update_request(
    model: Properties, previous: Properties, rolled: tuple[str, ...] = ()
) -> dict[str, Any]:
    """UpdateAutoScalingGroup's parameters for what the template changed, but for the `rolled`
    properties (an instance refresh applies those)."""
    changed = tuple(k for k in _UPDATABLE if model.get(k) != previous.get(k) and k not in rolled)
    return {"AutoScalingGroupName": model["AutoScalingGroupName"], **_common(model, changed)}


def _in_progress(request: ResourceRequest, model: Properties, step: str) -> ProgressEvent:
    request.custom_context[STEP] = step
    return ProgressEvent(
        status=OperationStatus.IN_PROGRESS,
        resource_model=model,
        custom_context=request.custom_context,
    )


def _success(model: Properties) -> ProgressEvent:
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)


def _group(autoscaling, name: str) -> dict[str, Any] | None:
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return groups["AutoScalingGroups"][0] if groups["AutoScalingGroups"] else None


class AutoScalingGroupProvider(ResourceProvider[Properties]):
    TYPE = "AWS::AutoScaling::AutoScalingGroup"
    SCHEMA = SCHEMA

    def create(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        autoscaling = request.aws_client_factory.autoscaling
        if request.custom_context.get(STEP) != STARTED:
            name = model.get("AutoScalingGroupName") or util.generate_default_name(
                stack_name=request.stack_name, logical_resource_id=request.logical_resource_id
            )
            stack = StackIdentity(request.stack_name, request.stack_id, request.logical_resource_id)
            try:
                autoscaling.create_auto_scaling_group(**create_request(model, name, stack))
            except ClientError as e:
                return client_error_failure("AutoScaling", e, request.request_token)
            model["AutoScalingGroupName"] = name
            request.custom_context["since"] = None  # every activity of a new group is its own
            return _in_progress(request, model, STARTED)
        return self._stabilised(request, model)

    def update(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        previous = request.previous_state or {}
        model["AutoScalingGroupName"] = previous["AutoScalingGroupName"]
        autoscaling = request.aws_client_factory.autoscaling
        if request.custom_context.get(STEP) != STARTED:
            try:
                request.custom_context["since"] = _newest_activity(
                    autoscaling, model["AutoScalingGroupName"]
                )
                name = model["AutoScalingGroupName"]
                policy = self._rolling_policy(request)
                template = model.get("LaunchTemplate")
                if template == previous.get("LaunchTemplate"):
                    template = None  # unchanged: nothing to roll
                refresh = None
                if policy is not None and template is not None:
                    desired = int(model.get("DesiredCapacity") or model.get("MinSize") or 0)
                    try:
                        refresh = refresh_request(policy, name, template, desired)
                    except ValueError as e:  # a PauseTime that is no duration
                        return handler_failure(
                            "AutoScaling", "ValidationError", str(e), request.request_token
                        )
                autoscaling.update_auto_scaling_group(
                    **update_request(model, previous, ("LaunchTemplate",) if refresh else ())
                )
                if refresh is not None:
                    request.custom_context[REFRESH] = autoscaling.start_instance_refresh(**refresh)[
                        "InstanceRefreshId"
                    ]
                put, deleted = tag_changes(model, previous, model["AutoScalingGroupName"])
                if deleted:
                    autoscaling.delete_tags(Tags=deleted)
                if put:
                    autoscaling.create_or_update_tags(Tags=put)
            except ClientError as e:
                return client_error_failure("AutoScaling", e, request.request_token)
            return _in_progress(request, model, STARTED)
        return self._stabilised(request, model)

    def _rolling_policy(self, request: ResourceRequest[Properties]) -> dict[str, Any] | None:
        """The resource's AutoScalingRollingUpdate in the stack's deployed template."""
        body = request.aws_client_factory.cloudformation.get_template(StackName=request.stack_id)[
            "TemplateBody"
        ]
        return policy_of(body, request.logical_resource_id)

    def _stabilised(
        self, request: ResourceRequest[Properties], model: Properties
    ) -> ProgressEvent[Properties]:
        """SUCCESS once the update's instance refresh (if any) is Successful and the desired
        capacity is InService; FAILED when a launch since the request or the refresh failed."""
        autoscaling = request.aws_client_factory.autoscaling
        name = model["AutoScalingGroupName"]
        if refresh_id := request.custom_context.get(REFRESH):
            try:
                refresh = autoscaling.describe_instance_refreshes(
                    AutoScalingGroupName=name, InstanceRefreshIds=[refresh_id]
                )["InstanceRefreshes"][0]
            except ClientError as e:
                return client_error_failure("AutoScaling", e, request.request_token)
            if refresh["Status"] in REFRESHING:
                return _in_progress(request, model, STARTED)
            if refresh["Status"] != "Successful":
                return handler_failure(
                    "AutoScaling",
                    "ValidationError",
                    f"Instance refresh {refresh_id} is {refresh['Status']}: "
                    f"{refresh.get('StatusReason', '')}".rstrip(": "),
                    request.request_token,
                    model=model,
                )
        try:
            group = _group(autoscaling, name)
            activities = autoscaling.describe_scaling_activities(AutoScalingGroupName=name)[
                "Activities"
            ]
        except ClientError as e:
            return client_error_failure("AutoScaling", e, request.request_token)
        if group is None:
            return handler_failure(
                "AutoScaling",
                "ValidationError",
                f"AutoScalingGroup {name} is gone.",
                request.request_token,
            )
        since = request.custom_context.get("since")
        for activity in activities:  # newest first
            if activity["ActivityId"] == since:
                break
            if activity["StatusCode"] == "Failed":
                return handler_failure(
                    "AutoScaling",
                    "ValidationError",
                    activity.get("StatusMessage") or activity["Description"],
                    request.request_token,
                    model=model,
                )
        in_service = [
            i
            for i in group["Instances"]
            if i["LifecycleState"] == "InService" and i["HealthStatus"] == "Healthy"
        ]
        if len(in_service) != len(group["Instances"]) or len(in_service) != int(
            group["DesiredCapacity"]
        ):
            return _in_progress(request, model, STARTED)
        return _success(model)

    def delete(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        name = model.get("AutoScalingGroupName")
        if not name:  # its create failed before CreateAutoScalingGroup
            return _success(model)
        autoscaling = request.aws_client_factory.autoscaling
        try:
            if request.custom_context.get(STEP) != DELETING:
                autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
                return _in_progress(request, model, DELETING)
            group = _group(autoscaling, name)
        except ClientError as e:
            if "not found" in e.response.get("Error", {}).get("Message", ""):
                return _success(model)
            return client_error_failure("AutoScaling", e, request.request_token)
        if group is not None:
            return _in_progress(request, model, DELETING)
        return _success(model)

    def read(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        if _group(request.aws_client_factory.autoscaling, model["AutoScalingGroupName"]) is None:
            return ProgressEvent(
                status=OperationStatus.FAILED,
                message=f"AutoScalingGroup {model['AutoScalingGroupName']} was not found.",
                error_code="NotFound",
            )
        return _success(model)


def _newest_activity(autoscaling, name: str) -> str | None:
    """The group's newest activity before a request: failures after it are the request's."""
    try:
        activities = autoscaling.describe_scaling_activities(
            AutoScalingGroupName=name, MaxRecords=1
        )["Activities"]
    except ClientError:  # no such group yet
        return None
    return activities[0]["ActivityId"] if activities else None
