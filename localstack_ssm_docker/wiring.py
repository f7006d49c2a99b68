"""The objects the EC2 and SSM providers share in one LocalStack process, built on first use."""

import functools
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from localstack_ssm_docker.config import Settings
from localstack_ssm_docker.ec2.directory import LocalStackEc2Directory
from localstack_ssm_docker.ec2.events import InstanceEvents
from localstack_ssm_docker.ec2.instance_types import InstanceSizing
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.engine.docker.engine import DockerEngine
from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.volume_identity import volume_identity

if TYPE_CHECKING:
    from localstack_ssm_docker.ec2.images import ImageService
    from localstack_ssm_docker.imds.service import MetadataService
    from localstack_ssm_docker.instance_connect.keys import InstanceConnectKeys


@functools.cache
def settings() -> Settings:
    """This process's settings."""
    return Settings.from_env()


def _data_folder() -> Path:
    """This LocalStack's data folder: in its volume (LOCALSTACK_VOLUME_DIR) when one is named."""
    from localstack import config

    volume = os.environ.get("LOCALSTACK_VOLUME_DIR", "").strip()
    return Path(volume) / "state" if volume else Path(config.dirs.data)


def _owner_key() -> str:
    """Names this LocalStack (its data folder and gateway) the same way across its restarts, and
    differently from another LocalStack on the same Docker engine."""
    from localstack import config

    identity = f"{_data_folder()}|{config.GATEWAY_LISTEN}"
    if config.is_in_docker:
        # containers share paths and gateway address; their volumes tell them apart
        identity += f"|{volume_identity(_data_folder())}"
    return hashlib.sha256(identity.encode()).hexdigest()[:12]


@functools.cache
def docker_engine() -> DockerEngine:
    """The one Docker engine client (and connection pool) of this process."""
    current = settings()
    return DockerEngine.from_env(
        ami_mappings=current.ami_images,
        owner=_owner_key(),
        resident_helpers=current.resident_helpers,
        keeps_containers=state_directory() is not None or not current.remove_containers,
    )


@functools.cache
def state_directory() -> StateDirectory | None:
    """Where state survives restarts, when LocalStack runs with PERSISTENCE=1."""
    from localstack import config

    if not config.PERSISTENCE:
        return None
    return StateDirectory(_data_folder() / "localstack-ssm-docker")


@functools.cache
def instance_manager() -> InstanceManager:
    """The containers behind Docker-backed instances."""
    current = settings()
    metadata = metadata_service()
    engine = docker_engine()
    return InstanceManager(
        engine,
        remove_containers_on_shutdown=current.remove_containers,
        options=current.container_options,
        boot_with_image_entrypoint=current.boot_with_image_entrypoint,
        state=state_directory(),
        launch_extras=metadata.launch_extras if metadata else None,
        sizing=InstanceSizing(engine.capacity) if current.instance_sizing else None,
        resolver=metadata.resolver if metadata else None,
    )


@functools.cache
def image_service() -> "ImageService":
    """CreateImage's captures and the AMIs they made."""
    from localstack_ssm_docker.ec2.images import ImageService

    return ImageService(docker_engine(), state=state_directory())


@functools.cache
def metadata_service() -> "MetadataService | None":
    """The instance metadata service (None with EC2_IMDS=0)."""
    current = settings()
    if not current.imds:
        return None
    from localstack import config
    from localstack.constants import LOCALHOST_HOSTNAME

    from localstack_ssm_docker.engine.docker.imds_network import own_container_id
    from localstack_ssm_docker.imds.service import MetadataService
    from localstack_ssm_docker.imds.signing import IdentitySigner
    from localstack_ssm_docker.imds.state import load_secrets

    state = state_directory()
    listen = config.GATEWAY_LISTEN[0]
    gateway_host = "127.0.0.1" if listen.host in ("0.0.0.0", "::", "") else listen.host
    # in a container of the engine, LocalStack's gateway listens on its own address on the
    # instances' network (no relay: the host's address there is not ours to bind), and the
    # fallback listener binds there too
    reached_at = container_endpoint()
    return MetadataService(
        docker_engine().metadata_networks(),
        IdentitySigner.load_or_create(_data_folder() / "localstack-ssm-docker"),
        load_secrets(state),
        responder_image=current.imds_responder_image,
        instance_network=current.container_options.network or "bridge",
        gateway=(gateway_host, listen.port),
        own_container=own_container_id(),
        fallback_host=current.imds_fallback_host or _host_of(reached_at),
        endpoint_url=current.instance_endpoint_url or reached_at,
        state=state,
        connect_keys=instance_connect_keys().active,
        # an endpoint set by the user wins over the name
        localstack_name=(
            LOCALHOST_HOSTNAME
            if current.instance_resolver and not current.instance_endpoint_url
            else None
        ),
    )


@functools.cache
def instance_connect_keys() -> "InstanceConnectKeys":
    """The keys EC2 Instance Connect pushed: SendSSHPublicKey adds, the metadata service reads."""
    import time

    from localstack_ssm_docker.instance_connect.keys import InstanceConnectKeys

    return InstanceConnectKeys(time.monotonic)


def _host_of(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


@functools.cache
def instance_lifecycle() -> InstanceLifecycle:
    """The one owner of the instance manager's recovery and shutdown: recovered when the first of
    our providers starts, shut down after LocalStack has stopped every service."""
    from localstack.runtime.shutdown import ON_AFTER_SERVICE_SHUTDOWN_HANDLERS

    return InstanceLifecycle(instance_manager(), ON_AFTER_SERVICE_SHUTDOWN_HANDLERS.register)


def ec2_directory(serves_ec2: bool) -> LocalStackEc2Directory:
    """EC2 as SSM sees it. When this package serves EC2 (`serves_ec2`), SSM's start recovers the
    instances too; with another EC2 backend, their containers are not this package's to manage."""
    return LocalStackEc2Directory(instance_lifecycle() if serves_ec2 else None)


def check_engine_in_background() -> None:
    """At start: one log line on what is missing or cannot work with the configured engine, and
    LocalStack's container joined to the instances' network (engine/docker/probe.py). Once, whether
    the activation hook or the extension (or both) call it."""
    from localstack_ssm_docker.engine.docker.probe import report_in_background

    current = settings()
    options = current.container_options
    report_in_background(list(options.volumes), options.network, current.instance_endpoint_url)


@functools.cache
def container_endpoint() -> str | None:
    """The URL instances reach this LocalStack at (their AWS_ENDPOINT_URL) when it runs in a
    container of the instances' engine: that container's address on their network (the probe
    finds the container); None in host mode, even where LocalStack thinks it is in a container (a
    CI runner's), and with a remote engine."""
    from localstack_ssm_docker.engine.docker.probe import container_endpoint_for_instances

    return container_endpoint_for_instances(settings().container_options.network)


@functools.cache
def instance_events() -> InstanceEvents:
    """Instances launched, tagged or started again, for SSM's State Manager to react to."""
    return InstanceEvents()
