"""Docker images tagged ``localstack-ec2/<name>:<ami-id>`` as AMIs in moto's EC2 backend."""

from moto.ec2.models.amis import Ami

from localstack_ssm_docker.ec2.exceptions import InvalidAmiIdMalformed, InvalidAmiIdNotFound
from localstack_ssm_docker.engine.values import (
    AmiImage,
)

DESCRIPTION_PREFIX = "Docker image "


def require_ami(images: dict[str, AmiImage], ami_id: str) -> AmiImage:
    """The Docker image behind `ami_id`, or EC2's error when there is none."""
    if not ami_id.startswith("ami-"):
        raise InvalidAmiIdMalformed(ami_id)
    if ami_id not in images:
        raise InvalidAmiIdNotFound(ami_id)
    return images[ami_id]


def visible_to(images: dict[str, AmiImage], account_id: str, region: str) -> dict[str, AmiImage]:
    """The AMI images an account sees in a region: an image CreateImage captured is its owner's
    only (AWS's AMIs are private to the account and region that made them)."""
    owner = f"{account_id}:{region}"
    return {i: image for i, image in images.items() if image.owner in ("", owner)}


def sync_into_moto(backend, images: dict[str, AmiImage]) -> None:
    """Makes moto's AMI list show exactly the Docker-backed AMIs there are, beside its defaults.
    AMIs captured by CreateImage are in moto already (ec2/image_catalogue.py), with their own
    description."""
    for ami_id, ami in list(backend.amis.items()):
        ours = (ami.description or "").startswith(DESCRIPTION_PREFIX)
        if ours and ami_id not in images:
            backend.amis.pop(ami_id, None)  # another request may have removed it meanwhile
    for image in images.values():
        if image.ami_id not in backend.amis:  # two requests at once both add the same: either is it
            backend.amis[image.ami_id] = Ami(
                backend,
                image.ami_id,
                name=image.name,
                description=f"{DESCRIPTION_PREFIX}{image.tag}",
                architecture="x86_64",
                virtualization_type="hvm",
                hypervisor="xen",
                root_device_type="ebs",
                region_name=backend.region_name,
            )
