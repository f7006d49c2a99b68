"""Which Docker images stand for AMIs: those tagged ``localstack-ec2/<name>:<ami-id>`` and those
EC2_AMI_IMAGES maps to an AMI id.

The tag grammar and the AmiImage built from an image are pure functions; :class:`AmiImages` asks
the engine.
"""

import re
from collections.abc import Mapping

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.labels import boot_hook, boots_itself, image_labels
from localstack_ssm_docker.engine.errors import ContainerGone
from localstack_ssm_docker.engine.values import IMAGE_OWNER_LABEL, AmiImage

AMI_REPOSITORY_PREFIX = "localstack-ec2/"
_AMI_TAG = re.compile(r"^localstack-ec2/(?P<name>[^:]+):(?P<ami>ami-[0-9a-z]+)$")


def parse_ami_tag(tag: str) -> tuple[str, str] | None:
    """(name, AMI id) of a tag ``localstack-ec2/<name>:<ami-id>``; None for any other tag."""
    match = _AMI_TAG.match(tag)
    return (match["name"], match["ami"]) if match else None


def ami_image(ami_id: str, name: str, reference: str, image: Mapping) -> AmiImage:
    """The AMI an image (as Docker lists or inspects it) stands for."""
    return AmiImage(
        ami_id=ami_id,
        name=name,
        tag=reference,
        created=str(image.get("Created", "")),
        boots_itself=boots_itself(image),
        owner=image_labels(image).get(IMAGE_OWNER_LABEL, ""),
        boot_hook=boot_hook(image),
    )


class AmiImages:
    """The engine's AMI images: tagged ones, and the configured mappings that exist."""

    def __init__(self, api: APIClient, mappings: Mapping[str, str]):
        self._api = api
        self._mappings = mappings

    def find(self) -> dict[str, AmiImage]:
        """All local images tagged as AMIs, and the images configured for AMI ids, by AMI id;
        a tag wins over a mapping of the same AMI id, a mapping to a missing image is skipped."""
        with engine_errors():
            images = self._api.images(filters={"reference": f"{AMI_REPOSITORY_PREFIX}*"})
        found: dict[str, AmiImage] = {}
        for image in images:
            for tag in image.get("RepoTags") or []:
                if parsed := parse_ami_tag(tag):
                    name, ami_id = parsed
                    found[ami_id] = ami_image(ami_id, name, tag, image)
        for ami_id, reference in self._mappings.items():
            try:
                with engine_errors():
                    inspected = self._api.inspect_image(reference)
            except ContainerGone:
                continue
            found.setdefault(
                ami_id, ami_image(ami_id, reference.split(":")[0], reference, inspected)
            )
        return found
