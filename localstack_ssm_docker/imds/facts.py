"""A snapshot of what the metadata service may say about one instance.

Built from the EC2 backend at request time (see :mod:`.snapshot`), then handed to the pure tree in
:mod:`.metadata`: nothing here talks to LocalStack or Docker.
"""

from dataclasses import dataclass, field

HTTP_TOKENS_OPTIONAL = "optional"
HTTP_TOKENS_REQUIRED = "required"
ENABLED = "enabled"
DISABLED = "disabled"


@dataclass(frozen=True)
class MetadataOptions:
    """The instance's MetadataOptions, as DescribeInstances shows them."""

    http_tokens: str = HTTP_TOKENS_OPTIONAL
    http_endpoint: str = ENABLED
    http_put_response_hop_limit: int = 1
    instance_metadata_tags: str = DISABLED


@dataclass(frozen=True)
class RoleCredentials:
    """Temporary credentials of the instance profile's role."""

    access_key_id: str
    secret_access_key: str
    token: str
    expiration: str
    """ISO 8601, UTC, ending in Z."""
    last_updated: str


@dataclass(frozen=True)
class InstanceProfile:
    """The instance profile associated with the instance and the role in it."""

    arn: str
    profile_id: str
    role_name: str | None


@dataclass(frozen=True)
class InstanceFacts:
    """Everything the metadata tree answers from, for one instance at one moment."""

    instance_id: str
    account_id: str
    region: str
    ami_id: str
    instance_type: str
    private_ip: str
    mac: str
    local_hostname: str
    availability_zone: str
    availability_zone_id: str
    reservation_id: str
    pending_time: str
    """ISO 8601 launch time, as the identity document carries it."""
    ami_launch_index: int = 0
    architecture: str = "x86_64"
    instance_life_cycle: str = "on-demand"
    public_ip: str | None = None
    public_hostname: str | None = None
    security_groups: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    subnet_id: str | None = None
    subnet_cidr: str | None = None
    vpc_id: str | None = None
    vpc_cidr: str | None = None
    interface_id: str | None = None
    root_device_name: str = "/dev/xvda"
    user_data: bytes | None = None
    tags: tuple[tuple[str, str], ...] = ()
    options: MetadataOptions = field(default_factory=MetadataOptions)
    profile: InstanceProfile | None = None
    key_name: str | None = None
    openssh_key: str | None = None
    """The key pair's public key the instance was launched with (public-keys/0/openssh-key)."""
    managed_ssh_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(OS user, public keys) that EC2 Instance Connect made valid for now, by user."""
