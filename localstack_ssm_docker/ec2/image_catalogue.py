"""AMIs made by CreateImage as moto's EC2 backend shows them: DescribeImages, its filters
(name, state, tag:, image-id, owner-id), Owners=["self"] and EC2's waiters read moto, so each
record is mirrored there with its description, state, StateReason, platform details and the tags
of the image and of its snapshot."""

from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami

from localstack_ssm_docker.ec2.image_records import ImageRecord

PLATFORM_DETAILS = "Linux/UNIX"
USAGE_OPERATION = "RunInstances"


class CapturedAmi(Ami):
    """moto's AMI with the members AWS shows for an AMI made by CreateImage (moto serialises
    attributes by their botocore member names)."""

    platform_details = PLATFORM_DETAILS
    usage_operation = USAGE_OPERATION
    state_reason: dict[str, str] | None = None


def is_shown(record: ImageRecord) -> bool:
    """Whether moto has the record's AMI as one made by CreateImage."""
    backend = ec2_backends[record.account_id][record.region]
    return isinstance(backend.amis.get(record.ami_id), CapturedAmi)


def show(record: ImageRecord) -> None:
    """Makes moto's AMI match the record (made when moto has none, e.g. after a restart)."""
    backend = ec2_backends[record.account_id][record.region]
    ami = backend.amis.get(record.ami_id)
    if not isinstance(ami, CapturedAmi):
        ami = CapturedAmi(
            backend,
            record.ami_id,
            name=record.name,
            description=record.description,
            owner_id=record.account_id,
            architecture=record.architecture,
            virtualization_type="hvm",
            hypervisor="xen",
            root_device_type="ebs",
            root_device_name=record.root_device_name,
            creation_date=record.created,
            region_name=record.region,
            image_location=f"{record.account_id}/{record.name}",
            snapshot_description=(
                f"Created by CreateImage({record.instance_id}) for {record.ami_id}"
            ),
            boot_mode="legacy-bios",
        )
        ami.instance_id = record.instance_id
        for key, value in record.tags:
            ami.add_tag(key, value)
        if record.snapshot_tags:
            backend.create_tags([ami.ebs_snapshot.id], dict(record.snapshot_tags))
        backend.amis[record.ami_id] = ami
    ami.description = record.description
    ami.state = record.state
    ami.state_reason = (
        {"Code": record.state_reason[0], "Message": record.state_reason[1]}
        if record.state_reason
        else None
    )
