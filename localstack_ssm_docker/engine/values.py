"""Immutable values that cross the engine boundary: what to start, what was learnt, how a
script ended."""

import uuid
from dataclasses import dataclass, field

CONTAINER_NAME_PREFIX = "localstack-ec2."
"""Instance containers are named ``localstack-ec2.<instance-id>`` (LocalStack Pro's convention)."""


@dataclass(frozen=True)
class AmiImage:
    """A Docker image that stands for an AMI: tagged ``localstack-ec2/<name>:<ami-id>`` or mapped
    to an AMI id by configuration."""

    ami_id: str
    name: str
    tag: str
    created: str
    boots_itself: bool = False
    """The image's own entrypoint (systemd, say) keeps it running: do not replace it."""
    owner: str = ""
    """``<account-id>:<region>`` of an image captured by CreateImage (its IMAGE_OWNER_LABEL):
    an AMI of that account and region only; empty for every other AMI image."""
    boot_hook: str = ""
    """The executable in the image its instances run at every boot, before user data; empty
    for none."""


IMAGE_OWNER_LABEL = "localstack-ssm-docker.image-owner"
"""Labels an image CreateImage captured with the account and region whose AMI it is."""


@dataclass(frozen=True)
class ContainerOptions:
    """Extra `docker run` settings for every instance container (from configuration)."""

    network: str | None = None
    privileged: bool = False
    environment: dict[str, str] = field(default_factory=dict)
    volumes: list[str] = field(default_factory=list)
    extra_hosts: dict[str, str] = field(default_factory=dict)
    dns: list[str] = field(default_factory=list)
    user: str | None = None
    ulimits: list[tuple[str, int, int | None]] = field(default_factory=list)
    pids_limit: int | None = None
    allow_net_raw: bool = False
    """Keep CAP_NET_RAW (raw and packet sockets): with it an instance can forge ARP and claim
    169.254.169.254 or another instance's address on a shared bridge."""


@dataclass(frozen=True)
class ContainerResources:
    """CPUs and memory: what an instance container may use (a CPU quota and a memory limit,
    without swap), or what an engine has."""

    cpus: int
    memory_bytes: int


@dataclass(frozen=True)
class ContainerSpec:
    """What an instance container is started with."""

    name: str
    image: str
    hostname: str
    labels: dict[str, str]
    boots_itself: bool = False
    boot_hook: str = ""
    """Run at every start of the container (kept alive by `sleep infinity`), before user data."""
    options: ContainerOptions = field(default_factory=ContainerOptions)
    networks: tuple[str, ...] = ()
    """Further networks the container joins before it first starts (the metadata network)."""
    resources: ContainerResources | None = None
    """Its CPU quota and memory limit (its instance type's); None: no limits."""
    resolver: str | None = None
    """The name server it resolves through, asked over TCP (``options use-vc``); None: the
    engine's default. A name server in `options` wins."""


@dataclass(frozen=True)
class ContainerFacts:
    """What is learnt about an instance container once it runs."""

    container_id: str
    ip_address: str
    hostname: str
    os_release: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScriptJob:
    """One run of a shell script in a container: a kill names the run it is meant for, so that
    it does nothing to a later run of the same script (`attempt` tells them apart)."""

    script: str
    script_dir: str
    working_directory: str
    environment: dict[str, str]
    output_limit: int
    attempt: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class ScriptResult:
    """How a script ended: its exit code and the head of each output stream."""

    exit_code: int
    stdout: bytes
    stderr: bytes
    stdout_size: int
    stderr_size: int


@dataclass(frozen=True)
class ContainerTask:
    """A program run once in a container of its own, removed when it ends (an Automation
    script): nothing of it outlives the call that ran it."""

    image: str
    command: tuple[str, ...]
    """The whole argv (the image's entrypoint is replaced)."""
    files: tuple[tuple[str, bytes], ...] = ()
    """(absolute path, content) written into the container before it starts (read-only, 0644)."""
    environment: dict[str, str] = field(default_factory=dict)
    network: str | None = None
    """The network it joins (None: the engine's default bridge)."""
    networks: tuple[str, ...] = ()
    """Further networks it joins before it starts (the metadata network: 169.254.169.254 then
    never leads to the host's own metadata service)."""
    labels: dict[str, str] = field(default_factory=dict)
    output_limit: int = 1024 * 1024
    """Bytes of each output stream kept (the sizes count them all)."""


@dataclass(frozen=True)
class ForeignContainer:
    """An instance container this LocalStack run did not start (another EC2 backend's)."""

    container_id: str
    instance_id: str
    state: str
    created: float


METADATA_ADDRESS = "169.254.169.254"
"""The link-local address of the instance metadata service."""
RESOLVER_ADDRESS = "169.254.169.253"
"""AWS's resolver address: instances' name server, and where LocalStack's name leads them (the
responder holds it beside METADATA_ADDRESS and relays its ports to the caller's LocalStack)."""
INSIDE_PORT = 4566
"""LocalStack's port at RESOLVER_ADDRESS, whatever port LocalStack listens on."""
METADATA_TAG = "LSIMDS"
RESOLVER_TAG = "LSDNS"
GATEWAY_TAG = "LSAWS"
"""The tags of the responder's preamble: which of its ports (80, 53, INSIDE_PORT) was reached."""


@dataclass(frozen=True)
class MetadataRoute:
    """How instances reach our metadata responder: `network` (internal, link-local, no host
    address) to join, and the `upstream_host` on `upstream_network` where the responder finds us."""

    network: str
    upstream_network: str
    upstream_host: str


@dataclass(frozen=True)
class RouteChange:
    """Something the engine reported about the metadata route: a container joined or left the
    metadata network (its members), or, with `route`, the networks or the responder themselves
    were made, removed, started or stopped."""

    route: bool = False
