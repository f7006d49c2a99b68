"""ModifyInstanceAttribute for Docker-backed instances: a new InstanceType (either form of the
request: `InstanceType.Value`, or `Attribute=instanceType` with `Value`) is taken only by a
stopped instance, as on AWS, and its container gets that type's resources from its next start;
moto keeps the type (DescribeInstances and the metadata service read it there) only once the
container has them. Any other attribute is moto's as it is."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ec2 import ModifyInstanceAttributeRequest
from localstack.services.moto import call_moto
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.exceptions import (
    EngineUnavailableError,
    InstanceNotStopped,
    InvalidInstanceAttributeValue,
)
from localstack_ssm_docker.ec2.instance_types import is_known
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.engine.errors import EngineError

_INSTANCE_TYPE_ATTRIBUTE = "instanceType"
_STOPPED = "stopped"


class InstanceTypeHandlers:
    """ModifyInstanceAttribute, over the instance manager."""

    def __init__(self, instances: InstanceManager):
        self._instances = instances

    @handler("ModifyInstanceAttribute", expand=False)
    def modify_instance_attribute(
        self, context: RequestContext, request: ModifyInstanceAttributeRequest
    ) -> None:
        instance_type = new_instance_type(request)
        instance_id = request.get("InstanceId", "")
        backend = ec2_backends[context.account_id][context.region]
        known = {i.id: i for r in backend.all_reservations() for i in r.instances}
        if instance_type is None or request.get("DryRun") or instance_id not in known:
            call_moto(context)  # moto's answer: its change, a dry run's, or an unknown instance
            return
        if not is_known(instance_type):
            # *unverified*: the message (the code is the one AWS's API reference names)
            raise InvalidInstanceAttributeValue(
                f"Invalid value '{instance_type}' for InstanceType."
            )
        if known[instance_id].state != _STOPPED:
            raise InstanceNotStopped(instance_id)
        try:
            self._instances.resize(context.account_id, context.region, instance_id, instance_type)
        except EngineError as e:
            raise EngineUnavailableError(str(e)) from e
        call_moto(context)


def new_instance_type(request: ModifyInstanceAttributeRequest) -> str | None:
    """The instance type the request sets, in either of its forms; None when it sets another
    attribute. Pure."""
    if (attribute_value := request.get("InstanceType")) is not None:
        return attribute_value.get("Value")
    if request.get("Attribute") == _INSTANCE_TYPE_ATTRIBUTE:
        return request.get("Value")
    return None
