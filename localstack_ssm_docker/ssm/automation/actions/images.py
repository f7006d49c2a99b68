"""aws:createImage and aws:deleteImage.

aws:createImage ends when the image is available (outputs ImageId and ImageState); an image
that fails fails the step, and a cancelled or timed-out step deregisters the image it started.
aws:deleteImage deregisters the image and deletes the snapshots behind it, as AWS's does.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from localstack_ssm_docker.ssm.automation.actions import input_checks, waiting
from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed


def _image(ec2: Any, image_id: str) -> dict[str, Any] | None:
    images = ec2.describe_images(ImageIds=[image_id])["Images"]
    return images[0] if images else None


def _one(instance_id: Any) -> Any:
    """A runbook may pass aws:runInstances' InstanceIds (a list of one) as the InstanceId."""
    if isinstance(instance_id, list) and len(instance_id) == 1:
        return instance_id[0]
    return instance_id


class CreateImage:
    """CreateImage from an instance, then the image available."""

    name: ClassVar[str] = "aws:createImage"

    def __init__(self, interval: float = 0.25) -> None:
        self._interval = interval

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "InstanceId", "ImageName")
        input_checks.kinds(
            self.name,
            step_name,
            inputs,
            ImageName="String",
            ImageDescription="String",
            NoReboot="Boolean",
            BlockDeviceMappings="MapList",
        )

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        ec2 = context.clients.client("ec2")
        request: dict[str, Any] = {
            "InstanceId": _one(inputs["InstanceId"]),
            "Name": inputs["ImageName"],
            "NoReboot": input_checks.boolean(inputs.get("NoReboot")),
        }
        if inputs.get("ImageDescription"):
            request["Description"] = inputs["ImageDescription"]
        if inputs.get("BlockDeviceMappings"):
            request["BlockDeviceMappings"] = inputs["BlockDeviceMappings"]
        try:
            image_id = ec2.create_image(**request)["ImageId"]
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(str(error)) from None

        def settled() -> str | None:
            image = _image(ec2, image_id)
            state = image["State"] if image else "failed"
            if state == "failed":
                reason = (image or {}).get("StateReason", {}).get("Message", "")
                raise StepFailed(f"Image {image_id} failed. {reason}".strip())
            return state if state == "available" else None

        try:
            state = waiting.until(context, settled, self._interval)
        except waiting.Interrupted:
            ec2.deregister_image(ImageId=image_id)
            raise
        return {"ImageId": image_id, "ImageState": state}


class DeleteImage:
    """DeregisterImage and DeleteSnapshot for each of the image's EBS snapshots."""

    name: ClassVar[str] = "aws:deleteImage"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        input_checks.require(self.name, step_name, inputs, "ImageId")
        input_checks.kinds(self.name, step_name, inputs, ImageId="String")

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        ec2 = context.clients.client("ec2")
        image_id = inputs["ImageId"]
        try:
            image = _image(ec2, image_id)
            if image is None:
                raise StepFailed(f"The image id '[{image_id}]' does not exist")
            ec2.deregister_image(ImageId=image_id)
            for mapping in image.get("BlockDeviceMappings", []):
                snapshot = mapping.get("Ebs", {}).get("SnapshotId")
                if snapshot:
                    ec2.delete_snapshot(SnapshotId=snapshot)
        except (ClientError, BotoCoreError) as error:
            raise StepFailed(str(error)) from None
        return {}
