"""The metadata tree of one instance: every category AWS documents that makes sense here, as
nested directories, computed from an :class:`InstanceFacts` snapshot. Pure.

Directory listings follow AWS: one entry a line, sub-directories with a trailing slash, no final
newline; a directory answers with or without the trailing slash on its own path.
"""

import json
from collections.abc import Callable

from localstack_ssm_docker.imds.facts import ENABLED, InstanceFacts, RoleCredentials

type Leaf = str | Callable[[], str | None]
type Node = Leaf | dict[str, Node]

VERSIONS = (
    "1.0",
    "2007-01-19",
    "2007-03-01",
    "2008-02-01",
    "2009-04-04",
    "2011-01-01",
    "2012-01-12",
    "2014-02-25",
    "2016-09-02",
    "2018-09-24",
    "2021-07-15",
    "latest",
)
"""Every version answers with today's tree, as on AWS for the categories we serve."""


class Indexed(dict[str, "Node"]):
    """A directory whose listing names its entries otherwise than their paths do (public-keys/
    lists ``0=<key name>``, its entry's path is ``0/``)."""

    def __init__(self, entries: dict[str, "Node"], names: list[str]):
        super().__init__(entries)
        self.names = names


class Signer:
    """Signs the identity document (see :mod:`.signing`); a protocol-like base for fakes."""

    def signature(self, document: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def pkcs7(self, document: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


def identity_document(facts: InstanceFacts) -> str:
    """The instance identity document, with the fields and layout AWS uses."""
    document = {
        "accountId": facts.account_id,
        "architecture": facts.architecture,
        "availabilityZone": facts.availability_zone,
        "billingProducts": None,
        "devpayProductCodes": None,
        "marketplaceProductCodes": None,
        "imageId": facts.ami_id,
        "instanceId": facts.instance_id,
        "instanceType": facts.instance_type,
        "kernelId": None,
        "pendingTime": facts.pending_time,
        "privateIp": facts.private_ip,
        "ramdiskId": None,
        "region": facts.region,
        "version": "2017-09-30",
    }
    return json.dumps(document, indent=2)


def credentials_document(credentials: RoleCredentials) -> str:
    """What iam/security-credentials/<role> answers."""
    return json.dumps(
        {
            "Code": "Success",
            "LastUpdated": credentials.last_updated,
            "Type": "AWS-HMAC",
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "Token": credentials.token,
            "Expiration": credentials.expiration,
        },
        indent=2,
    )


def _network_interface(facts: InstanceFacts) -> dict[str, Node]:
    interface: dict[str, Node] = {
        "device-number": "0",
        "interface-id": facts.interface_id or "",
        "local-hostname": facts.local_hostname,
        "local-ipv4s": facts.private_ip,
        "mac": facts.mac,
        "owner-id": facts.account_id,
        "security-group-ids": "\n".join(facts.security_group_ids),
        "security-groups": "\n".join(facts.security_groups),
    }
    if facts.public_ip:
        interface["public-ipv4s"] = facts.public_ip
        interface["public-hostname"] = facts.public_hostname or ""
    if facts.subnet_id:
        interface["subnet-id"] = facts.subnet_id
        interface["subnet-ipv4-cidr-block"] = facts.subnet_cidr or ""
    if facts.vpc_id:
        interface["vpc-id"] = facts.vpc_id
        interface["vpc-ipv4-cidr-block"] = facts.vpc_cidr or ""
        interface["vpc-ipv4-cidr-blocks"] = facts.vpc_cidr or ""
    if not facts.interface_id:
        del interface["interface-id"]
    return interface


def _public_keys(facts: InstanceFacts) -> Indexed:
    """public-keys/: the key pair's key at index 0, listed as ``0=<key name>``."""
    if not facts.openssh_key:
        return Indexed({}, [])
    return Indexed({"0": {"openssh-key": facts.openssh_key}}, [f"0={facts.key_name or ''}"])


def _managed_ssh_keys(facts: InstanceFacts) -> dict[str, Node]:
    """managed-ssh-keys/active-keys/<user>/: EC2 Instance Connect's keys for each OS user, one
    a line (AWS's signature lines are not served: the AMI's AuthorizedKeysCommand prints keys)."""
    users: dict[str, Node] = {user: "\n".join(keys) for user, keys in facts.managed_ssh_keys}
    return {"active-keys": users} if users else {}


def _iam(facts: InstanceFacts, credentials: Callable[[], RoleCredentials | None]) -> dict:
    profile = facts.profile
    if profile is None:
        return {}
    info = {
        "Code": "Success",
        "LastUpdated": facts.pending_time,
        "InstanceProfileArn": profile.arn,
        "InstanceProfileId": profile.profile_id,
    }
    roles: dict[str, Node] = {}
    if profile.role_name:

        def role_credentials() -> str | None:
            current = credentials()
            return credentials_document(current) if current else None

        roles[profile.role_name] = role_credentials
    return {"info": json.dumps(info, indent=2), "security-credentials": roles}


def meta_data(
    facts: InstanceFacts, credentials: Callable[[], RoleCredentials | None]
) -> dict[str, Node]:
    """The meta-data/ directory."""
    tree: dict[str, Node] = {
        "ami-id": facts.ami_id,
        "ami-launch-index": str(facts.ami_launch_index),
        "ami-manifest-path": "(unknown)",
        "block-device-mapping": {"ami": facts.root_device_name, "root": facts.root_device_name},
        "events": {"maintenance": {"history": "[]", "scheduled": "[]"}},
        "hostname": facts.local_hostname,
        "instance-action": "none",
        "instance-id": facts.instance_id,
        "instance-life-cycle": facts.instance_life_cycle,
        "instance-type": facts.instance_type,
        "local-hostname": facts.local_hostname,
        "local-ipv4": facts.private_ip,
        "mac": facts.mac,
        "network": {"interfaces": {"macs": {facts.mac: _network_interface(facts)}}},
        "placement": {
            "availability-zone": facts.availability_zone,
            "availability-zone-id": facts.availability_zone_id,
            "region": facts.region,
        },
        "profile": "default-hvm",
        "reservation-id": facts.reservation_id,
        "security-groups": "\n".join(facts.security_groups),
        "services": {"domain": "amazonaws.com", "partition": "aws"},
    }
    if facts.public_ip:
        tree["public-ipv4"] = facts.public_ip
        tree["public-hostname"] = facts.public_hostname or ""
    if iam := _iam(facts, credentials):
        tree["iam"] = iam
    if public_keys := _public_keys(facts):
        tree["public-keys"] = public_keys
    if managed := _managed_ssh_keys(facts):
        tree["managed-ssh-keys"] = managed
    if facts.options.instance_metadata_tags == ENABLED:
        tree["tags"] = {"instance": {k: v for k, v in facts.tags if "/" not in k and k}}
    return tree


def version_tree(
    facts: InstanceFacts, signer: Signer, credentials: Callable[[], RoleCredentials | None]
) -> dict[str, Node]:
    """One version's directory: meta-data/, dynamic/ and (when there is some) user-data."""
    document = identity_document(facts)
    tree: dict[str, Node] = {
        "dynamic": {
            "instance-identity": {
                "document": document,
                "pkcs7": lambda: signer.pkcs7(document),
                "signature": lambda: signer.signature(document),
            }
        },
        "meta-data": meta_data(facts, credentials),
    }
    if facts.user_data:
        tree["user-data"] = ""  # served as bytes by :func:`lookup`
    return tree


class Found:
    """A resolved path: a listing or a value (text or raw bytes)."""

    def __init__(self, body: bytes):
        self.body = body


def listing(directory: dict[str, Node]) -> bytes:
    """A directory's listing, AWS style."""
    if isinstance(directory, Indexed):
        return "\n".join(directory.names).encode()
    names = [f"{name}/" if isinstance(node, dict) else name for name, node in directory.items()]
    return "\n".join(sorted(names)).encode()


def lookup(
    path: str,
    facts: InstanceFacts,
    signer: Signer,
    credentials: Callable[[], RoleCredentials | None],
) -> Found | None:
    """What a GET of `path` (no query) answers, or None for 404."""
    if path == "/" or path == "":
        return Found("\n".join(VERSIONS).encode())
    if not path.startswith("/"):
        return None
    parts = path[1:].split("/")
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or parts[0] not in VERSIONS or "" in parts:
        return None
    if parts[1:2] == ["user-data"]:
        return Found(facts.user_data) if facts.user_data and len(parts) == 2 else None
    node: Node = version_tree(facts, signer, credentials)
    for part in parts[1:]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, dict):
        return Found(listing(node)) if node or parts[-1] == "instance" else None
    value = node() if callable(node) else node
    return None if value is None else Found(value.encode())
