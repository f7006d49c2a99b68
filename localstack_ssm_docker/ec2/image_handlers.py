"""CreateImage, DeregisterImage and ModifyImageAttribute's description for Docker-backed instances
(see ec2/images.py); constructed with the image service. DescribeImages reads moto, where every
AMI made here is mirrored."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ec2 import (
    CreateImageRequest,
    CreateImageResult,
    DeregisterImageRequest,
    DeregisterImageResult,
    ModifyImageAttributeRequest,
)
from localstack.services.moto import call_moto
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.image_errors import (
    IncorrectInstanceState,
    InvalidAmiNameDuplicate,
    InvalidAmiNameMalformed,
    InvalidInstanceIdNotFound,
    InvalidTagSpecification,
)
from localstack_ssm_docker.ec2.image_records import NameTaken
from localstack_ssm_docker.ec2.images import ImageService, InvalidName
from localstack_ssm_docker.ec2.models import InstanceRecord

_TAGGABLE = ("image", "snapshot")


class ImageHandlers:
    """CreateImage, DeregisterImage and ModifyImageAttribute."""

    def __init__(self, images: ImageService):
        self._images = images

    @handler("CreateImage", expand=False)
    def create_image(
        self, context: RequestContext, request: CreateImageRequest
    ) -> CreateImageResult:
        if request.get("DryRun"):
            return call_moto(context)
        instance, moto_instance = _imageable(context, str(request.get("InstanceId") or ""))
        tags: dict[str, dict[str, str]] = {kind: {} for kind in _TAGGABLE}
        for spec in request.get("TagSpecifications") or []:
            kind = str(spec.get("ResourceType") or "")
            if kind not in tags:
                raise InvalidTagSpecification(kind)
            tags[kind].update(
                {str(t.get("Key")): str(t.get("Value") or "") for t in spec.get("Tags") or []}
            )
        self._images.sweep()
        try:
            record = self._images.create(
                context.account_id,
                context.region,
                instance,
                str(request.get("Name") or ""),
                description=request.get("Description") or "",
                no_reboot=bool(request.get("NoReboot")),
                tags=tags["image"],
                snapshot_tags=tags["snapshot"],
                architecture=getattr(moto_instance, "architecture", None) or "x86_64",
                root_device_name=getattr(moto_instance, "root_device_name", None) or "/dev/sda1",
            )
        except InvalidName as e:
            raise InvalidAmiNameMalformed() from e
        except NameTaken as e:
            raise InvalidAmiNameDuplicate(e.name, e.ami_id) from e
        self._images.wait_for_capture(record.ami_id)
        return CreateImageResult(ImageId=record.ami_id)

    @handler("DeregisterImage", expand=False)
    def deregister_image(
        self, context: RequestContext, request: DeregisterImageRequest
    ) -> DeregisterImageResult:
        result = call_moto(context)  # moto's errors for ids it does not know, first
        if not request.get("DryRun"):
            self._images.deregister(context.account_id, context.region, str(request.get("ImageId")))
            self._images.sweep()
        return result

    @handler("ModifyImageAttribute", expand=False)
    def modify_image_attribute(
        self, context: RequestContext, request: ModifyImageAttributeRequest
    ) -> None:
        call_moto(context)  # moto's errors and launch permissions; it keeps no description
        description = _new_description(request)
        if description is not None and not request.get("DryRun"):
            self._images.describe(
                context.account_id, context.region, str(request.get("ImageId")), description
            )


def _new_description(request: ModifyImageAttributeRequest) -> str | None:
    """The description the request sets: Description.Value, or Value with Attribute=description
    (AWS's two forms); None when it sets none."""
    if (given := request.get("Description")) is not None and given.get("Value") is not None:
        return str(given["Value"])
    if request.get("Attribute") == "description" and request.get("Value") is not None:
        return str(request["Value"])
    return None


def _imageable(context: RequestContext, instance_id: str) -> tuple[InstanceRecord, object]:
    """The instance's record and moto's instance, when it is running or stopped; AWS's error
    for an unknown instance or one in any other state."""
    backend = ec2_backends[context.account_id][context.region]
    moto_instance = next(
        (i for r in backend.all_reservations() for i in r.instances if i.id == instance_id), None
    )
    if moto_instance is None:
        raise InvalidInstanceIdNotFound(instance_id)
    record = models.get(context.account_id, context.region, instance_id)
    if record is None or moto_instance.state not in ("running", "stopped"):
        raise IncorrectInstanceState(instance_id, str(moto_instance.state))
    return record, moto_instance
