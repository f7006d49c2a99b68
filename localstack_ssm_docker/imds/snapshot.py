"""The facts of one instance, read from moto's EC2 backend and our stores at request time, so
that what IMDS says always agrees with DescribeInstances (options, tags, profile)."""

import datetime

from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.models import InstanceRecord
from localstack_ssm_docker.ec2.user_data import decode
from localstack_ssm_docker.imds import profile_associations
from localstack_ssm_docker.imds.facts import InstanceFacts, InstanceProfile, MetadataOptions


def instance_facts(account_id: str, region: str, record: InstanceRecord) -> InstanceFacts | None:
    """The instance's facts, or None when moto no longer knows it."""
    backend = ec2_backends[account_id][region]
    try:
        instance = backend.get_instance(record.instance_id)
    except Exception:
        return None
    nic = instance.nics[0] if instance.nics else None
    subnet = getattr(nic, "subnet", None) if nic else None
    vpc = backend.vpcs.get(subnet.vpc_id) if subnet is not None else None
    options = instance.metadata_options
    association = profile_associations.get(account_id, region, record.instance_id)
    zone = str(getattr(instance.placement, "zone", None) or f"{region}a")
    return InstanceFacts(
        instance_id=record.instance_id,
        account_id=account_id,
        region=region,
        ami_id=instance.image_id,
        instance_type=instance.instance_type,
        private_ip=instance.private_ip_address or record.ip_address,
        mac=getattr(nic, "mac_address", "") or "",
        local_hostname=instance.private_dns_name,
        availability_zone=zone,
        availability_zone_id=_zone_id(backend, zone),
        reservation_id=_reservation_id(backend, record.instance_id),
        pending_time=_iso(record.launched_at),
        ami_launch_index=int(getattr(instance, "ami_launch_index", 0) or 0),
        architecture=instance.architecture or "x86_64",
        instance_life_cycle="spot"
        if getattr(instance, "lifecycle", None) == "spot"
        else "on-demand",
        public_ip=instance.public_ip or None,
        public_hostname=instance.public_dns_name,
        security_groups=tuple(g.name for g in instance.security_groups),
        security_group_ids=tuple(g.id for g in instance.security_groups),
        subnet_id=subnet.id if subnet is not None else None,
        subnet_cidr=subnet.cidr_block if subnet is not None else None,
        vpc_id=vpc.id if vpc is not None else None,
        vpc_cidr=vpc.cidr_block if vpc is not None else None,
        interface_id=getattr(nic, "id", None),
        root_device_name=instance.root_device_name or "/dev/xvda",
        user_data=_user_data(instance),
        tags=tuple((t["key"], t["value"]) for t in instance.get_tags()),
        options=MetadataOptions(
            http_tokens=options.http_tokens,
            http_endpoint=options.http_endpoint,
            http_put_response_hop_limit=int(options.http_put_response_hop_limit),
            instance_metadata_tags=options.instance_metadata_tags,
        ),
        profile=InstanceProfile(
            association.profile_arn, association.profile_id, association.role_name
        )
        if association
        else None,
        key_name=getattr(instance, "key_name", None),
        openssh_key=record.public_key,
    )


def _user_data(instance) -> bytes | None:
    data = instance.user_data
    if isinstance(data, list):
        data = data[0] if data else None
    if not data:
        return None
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return decode(str(data)) or None


def _zone_id(backend, zone: str) -> str:
    for candidate in backend.describe_availability_zones():
        if candidate.name == zone:
            return str(candidate.zone_id)
    return ""


def _reservation_id(backend, instance_id: str) -> str:
    for reservation in backend.reservations.values():
        if any(i.id == instance_id for i in reservation.instances):
            return str(reservation.id)
    return ""


def _iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
