"""AWS::EC2::Instance through this LocalStack's EC2 API: RunInstances gets every property it has a
parameter for (Tags with CloudFormation's ``aws:cloudformation:*`` tags, IamInstanceProfile,
SubnetId, SecurityGroupIds, NetworkInterfaces, MetadataOptions, LaunchTemplate, ...), so an
instance of a stack is the instance the template describes. ``Ref`` is the instance id and
``Fn::GetAtt`` reads InstanceId, PrivateIp, PrivateDnsName, PublicIp, PublicDnsName,
AvailabilityZone, VpcId and State. Updates follow AWS: tags and attributes in place,
InstanceType/UserData/EbsOptimized/KernelId/RamdiskId with a stop and a start, a create-only
property (ImageId, SubnetId, ...) by replacement. Delete returns once the instance is terminated.
A create that fails leaves no instance behind.

Every operation is a sequence of steps, each returning IN_PROGRESS to LocalStack's engine, which
calls again with the step reached in ``custom_context``: no handler waits in a loop."""

import contextlib
from typing import Any

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
from localstack_ssm_docker.cloudformation.instance_request import (
    RUNNING_CHANGES,
    STOPPED_CHANGES,
    InvalidUserData,
    StackIdentity,
    changed,
    run_instances_request,
    tag_changes,
    user_data,
)
from localstack_ssm_docker.cloudformation.instance_schema import (
    READ_ONLY,
    SCHEMA,
    validation_failure,
)

Properties = dict[str, Any]

STEP = "step"
LAUNCHED, STOPPING, STARTING, TERMINATING = "launched", "stopping", "starting", "terminating"
GONE = ("terminated", "shutting-down")


def _in_progress(request: ResourceRequest, model: Properties, step: str) -> ProgressEvent:
    request.custom_context[STEP] = step
    return ProgressEvent(
        status=OperationStatus.IN_PROGRESS,
        resource_model=model,
        custom_context=request.custom_context,
    )


def _success(model: Properties) -> ProgressEvent:
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)


def _invalid(request: ResourceRequest, model: Properties) -> ProgressEvent | None:
    """CloudFormation's validation failure for properties the schema does not allow."""
    given = {k: v for k, v in model.items() if k not in READ_ONLY}
    if reason := validation_failure(request.logical_resource_id, given):
        return ProgressEvent(
            status=OperationStatus.FAILED,
            resource_model={},
            message=reason,
            error_code="InvalidRequest",
        )
    return None


def _describe(ec2, instance_id: str) -> dict[str, Any] | None:
    try:
        reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "InvalidInstanceID.NotFound":
            return None
        raise
    instances = [i for r in reservations for i in r.get("Instances", [])]
    return instances[0] if instances else None


def _with_attributes(model: Properties, instance: dict[str, Any]) -> Properties:
    """The attributes Fn::GetAtt reads (an empty string where the instance has none, as AWS)."""
    state = instance.get("State", {})
    model.update(
        InstanceId=instance["InstanceId"],
        PrivateIp=instance.get("PrivateIpAddress", ""),
        PrivateDnsName=instance.get("PrivateDnsName", ""),
        PublicIp=instance.get("PublicIpAddress", ""),
        PublicDnsName=instance.get("PublicDnsName", ""),
        AvailabilityZone=instance.get("Placement", {}).get("AvailabilityZone", ""),
        VpcId=instance.get("VpcId", ""),
        State={"Code": str(state.get("Code", "")), "Name": state.get("Name", "")},
    )
    return model


class Ec2InstanceProvider(ResourceProvider[Properties]):
    TYPE = "AWS::EC2::Instance"
    SCHEMA = SCHEMA

    def create(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        ec2 = request.aws_client_factory.ec2
        if request.custom_context.get(STEP) != LAUNCHED:
            if invalid := _invalid(request, model):
                return invalid
            identity = StackIdentity(
                request.stack_name, request.stack_id, request.logical_resource_id
            )
            try:
                params = run_instances_request(model, identity)
                reservation = ec2.run_instances(**params)
            except InvalidUserData as e:
                return handler_failure(
                    "Ec2", "InvalidParameterValue", str(e), request.request_token
                )
            except ClientError as e:
                return client_error_failure("Ec2", e, request.request_token)
            model["InstanceId"] = reservation["Instances"][0]["InstanceId"]
            return _in_progress(request, model, LAUNCHED)

        instance_id = model["InstanceId"]
        instance = _describe(ec2, instance_id)
        state = (instance or {}).get("State", {}).get("Name")
        if instance is None or state in GONE:
            return handler_failure(
                "Ec2",
                "IncorrectInstanceState",
                f"Instance {instance_id} is {state or 'gone'}; it did not reach running.",
                request.request_token,
            )
        if state != "running":
            return _in_progress(request, model, LAUNCHED)
        try:
            self._after_launch(request, model)
        except ClientError as e:
            with contextlib.suppress(ClientError):  # a failed create leaves nothing running
                ec2.terminate_instances(InstanceIds=[instance_id])
            return client_error_failure("Ec2", e, request.request_token)
        return _success(_with_attributes(model, instance))

    @staticmethod
    def _after_launch(request: ResourceRequest[Properties], model: Properties) -> None:
        """What RunInstances has no parameter for: SourceDestCheck, Volumes, SsmAssociations."""
        ec2 = request.aws_client_factory.ec2
        instance_id = model["InstanceId"]
        if "SourceDestCheck" in model:
            ec2.modify_instance_attribute(
                InstanceId=instance_id, SourceDestCheck={"Value": model["SourceDestCheck"]}
            )
        for volume in model.get("Volumes") or []:
            ec2.attach_volume(
                InstanceId=instance_id, VolumeId=volume["VolumeId"], Device=volume["Device"]
            )
        ssm = request.aws_client_factory.ssm
        for association in model.get("SsmAssociations") or []:
            parameters = {
                p["Key"]: p["Value"] for p in association.get("AssociationParameters") or []
            }
            ssm.create_association(
                Name=association["DocumentName"], InstanceId=instance_id, Parameters=parameters
            )

    def update(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        previous = request.previous_state or {}
        ec2 = request.aws_client_factory.ec2
        step = request.custom_context.get(STEP)
        try:
            if step is None:
                if invalid := _invalid(request, model):
                    return invalid
                model["InstanceId"] = previous["InstanceId"]
                self._change_in_place(request, previous, model)
                if changed(previous, model, STOPPED_CHANGES):
                    ec2.stop_instances(InstanceIds=[model["InstanceId"]])
                    return _in_progress(request, model, STOPPING)
            instance = _describe(ec2, model["InstanceId"]) or {}
            state = instance.get("State", {}).get("Name")
            if step == STOPPING:
                if state != "stopped":
                    return _in_progress(request, model, STOPPING)
                self._change_stopped(request, previous, model)
                ec2.start_instances(InstanceIds=[model["InstanceId"]])
                return _in_progress(request, model, STARTING)
            if step == STARTING and state != "running":
                return _in_progress(request, model, STARTING)
        except InvalidUserData as e:
            return handler_failure("Ec2", "InvalidParameterValue", str(e), request.request_token)
        except ClientError as e:
            return client_error_failure("Ec2", e, request.request_token)
        return _success(_with_attributes(model, instance))

    @staticmethod
    def _change_in_place(
        request: ResourceRequest[Properties], previous: Properties, model: Properties
    ) -> None:
        ec2 = request.aws_client_factory.ec2
        instance_id = model["InstanceId"]
        tags = tag_changes(previous, model)
        if tags.to_remove:
            ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": k} for k in tags.to_remove])
        if tags.to_set:
            ec2.create_tags(
                Resources=[instance_id],
                Tags=[{"Key": k, "Value": v} for k, v in tags.to_set.items()],
            )
        for name in changed(previous, model, RUNNING_CHANGES):
            if name in model:
                ec2.modify_instance_attribute(
                    InstanceId=instance_id, **{name: {"Value": model[name]}}
                )
        if changed(previous, model, ("SecurityGroupIds",)) and model.get("SecurityGroupIds"):
            ec2.modify_instance_attribute(InstanceId=instance_id, Groups=model["SecurityGroupIds"])
        if changed(previous, model, ("MetadataOptions",)) and model.get("MetadataOptions"):
            ec2.modify_instance_metadata_options(InstanceId=instance_id, **model["MetadataOptions"])
        if changed(previous, model, ("Monitoring",)):
            if model.get("Monitoring"):
                ec2.monitor_instances(InstanceIds=[instance_id])
            else:
                ec2.unmonitor_instances(InstanceIds=[instance_id])
        if changed(previous, model, ("IamInstanceProfile",)):
            _change_profile(ec2, instance_id, model.get("IamInstanceProfile"))

    @staticmethod
    def _change_stopped(
        request: ResourceRequest[Properties], previous: Properties, model: Properties
    ) -> None:
        ec2 = request.aws_client_factory.ec2
        for name in changed(previous, model, STOPPED_CHANGES):
            if name not in model:
                continue
            value = user_data(model[name]) if name == "UserData" else model[name]
            attribute = {"KernelId": "Kernel", "RamdiskId": "Ramdisk"}.get(name, name)
            ec2.modify_instance_attribute(
                InstanceId=model["InstanceId"], **{attribute: {"Value": value}}
            )

    def delete(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        instance_id = model.get("InstanceId")
        if not instance_id:  # its create failed before RunInstances
            return _success(model)
        ec2 = request.aws_client_factory.ec2
        try:
            if request.custom_context.get(STEP) != TERMINATING:
                self._remove_associations(request, model)
                ec2.terminate_instances(InstanceIds=[instance_id])
                return _in_progress(request, model, TERMINATING)
            instance = _describe(ec2, instance_id)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "InvalidInstanceID.NotFound":
                return _success(model)
            return client_error_failure("Ec2", e, request.request_token)
        if instance is not None and instance.get("State", {}).get("Name") != "terminated":
            return _in_progress(request, model, TERMINATING)
        return _success(model)

    @staticmethod
    def _remove_associations(request: ResourceRequest[Properties], model: Properties) -> None:
        ssm = request.aws_client_factory.ssm
        for association in model.get("SsmAssociations") or []:
            with contextlib.suppress(ClientError):  # already gone
                ssm.delete_association(
                    Name=association["DocumentName"], InstanceId=model["InstanceId"]
                )

    def read(self, request: ResourceRequest[Properties]) -> ProgressEvent[Properties]:
        model = request.desired_state
        instance = _describe(request.aws_client_factory.ec2, model["InstanceId"])
        if instance is None or instance.get("State", {}).get("Name") == "terminated":
            return ProgressEvent(
                status=OperationStatus.FAILED,
                message=f"Instance {model['InstanceId']} was not found.",
                error_code="NotFound",
            )
        return _success(_with_attributes(model, instance))


def _change_profile(ec2, instance_id: str, profile: str | None) -> None:
    """The instance's profile association follows the template: replaced, added or removed."""
    current = [
        a
        for a in ec2.describe_iam_instance_profile_associations(
            Filters=[{"Name": "instance-id", "Values": [instance_id]}]
        )["IamInstanceProfileAssociations"]
        if a.get("State") in ("associating", "associated")
    ]
    target = {"Arn" if str(profile).startswith("arn:") else "Name": profile} if profile else None
    if current and target:
        ec2.replace_iam_instance_profile_association(
            IamInstanceProfile=target, AssociationId=current[0]["AssociationId"]
        )
    elif target:
        ec2.associate_iam_instance_profile(IamInstanceProfile=target, InstanceId=instance_id)
    elif current:
        ec2.disassociate_iam_instance_profile(AssociationId=current[0]["AssociationId"])
