"""DescribeInstances' PrivateIpAddress is the address the instance's container really has (moto
would invent one in the subnet); its PrivateDnsName follows."""

from moto.ec2.models import ec2_backends


def show_container_addresses(account_id: str, region: str, addresses: dict[str, str]) -> None:
    """Sets each instance's primary private address in moto to its container's."""
    backend = ec2_backends[account_id][region]
    for instance_id, address in addresses.items():
        if not address:
            continue
        try:
            nic = backend.get_instance(instance_id).nics[0]
        except Exception:
            continue
        nic.private_ip_address = address
        nic.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": address}]
