"""Looks at the Docker engine once, at LocalStack's start: says in one log line what is missing or
cannot work (engine/deployment.py decides the words), and works out the address at which instance
containers reach this LocalStack, wherever it runs.

- LocalStack in a container on the same engine (the socket mounted): the instances are siblings;
  they reach LocalStack's container at its address on their network. When EC2_DOCKER_NETWORK names
  a network LocalStack's container is not on, the container joins it (as LocalStack's Lambda
  containers are reached on LAMBDA_DOCKER_NETWORK).
- LocalStack on the host with the local engine: the network's gateway is the host.
- A remote engine: no address of LocalStack is known to route from there; said once.
"""

import logging
import os
import threading

import docker
import requests
from docker.errors import APIError, DockerException, NotFound

from localstack_ssm_docker.engine.deployment import (
    bind_mount_problem,
    engine_location,
    engine_problem,
    remote_endpoint_said,
    socket_access,
)

LOG = logging.getLogger(__name__)
_PING_TIMEOUT = 5
_DEFAULT_NETWORK = "bridge"


def report_in_background(volumes: list[str], network: str | None, endpoint_url: str | None) -> None:
    """Checks the engine and prepares the instances' network in a daemon thread: LocalStack's
    start does not wait for an engine that may not answer."""
    threading.Thread(
        target=check_engine,
        args=(volumes, network, endpoint_url),
        name="ssm-docker-engine-check",
        daemon=True,
    ).start()


def check_engine(volumes: list[str], network: str | None, endpoint_url: str | None) -> bool:
    """Logs one line saying what is wrong with the engine; True when it answers.
    `endpoint_url`: EC2_INSTANCE_ENDPOINT_URL, named in the line about a remote engine."""
    location = engine_location()
    access = socket_access(location.socket_path) if location.socket_path else None
    ping_error = None
    if access is None or (access.exists and access.is_socket and access.readable_writable):
        try:
            docker.from_env(timeout=_PING_TIMEOUT).ping()
        except (DockerException, requests.RequestException) as e:
            ping_error = _first_line(e)
    if problem := engine_problem(location, access, ping_error):
        LOG.warning(problem)
        return False
    if problem := bind_mount_problem(location, volumes):
        LOG.warning(problem)
    address = localstack_address_for_instances(network, endpoint_url)
    LOG.info(
        "EC2 instances run on the Docker engine at %s%s; they reach LocalStack at %s",
        location.docker_host,
        " (remote)" if location.remote else "",
        address or "no known address",
    )
    return True


def engine_answers() -> bool:
    """Whether the engine the environment names answers a ping now."""
    try:
        docker.from_env(timeout=_PING_TIMEOUT).ping()
    except (DockerException, requests.RequestException):
        return False
    return True


def localstack_address_for_instances(
    network: str | None, endpoint_url: str | None = None
) -> str | None:
    """The address at which a container on `network` (None: the engine's default bridge)
    reaches this LocalStack; None when none is known (a remote engine: the line then names the
    AWS_ENDPOINT_URL instances get, `endpoint_url` or none)."""
    from localstack import config
    from localstack.constants import LOCALHOST_HOSTNAME

    location = engine_location()
    name = network or _DEFAULT_NETWORK
    if location.remote:
        LOG.warning(remote_endpoint_said(location, endpoint_url, LOCALHOST_HOSTNAME))
        return None
    try:
        api = docker.from_env(timeout=_PING_TIMEOUT).api
        own = _own_container(api) if config.is_in_docker else None
        if own is not None:
            return _own_container_address(api, own, name, join=network is not None)
        # on the host (or in a container this engine does not run): the network's gateway
        return api.inspect_network(name)["IPAM"]["Config"][0]["Gateway"]
    except (DockerException, requests.RequestException, KeyError, IndexError) as e:
        LOG.warning("No address of LocalStack for instances on network %s: %s", name, e)
        return None


def container_endpoint_for_instances(network: str | None) -> str | None:
    """The URL at which instances on `network` reach this LocalStack's gateway (their
    AWS_ENDPOINT_URL) when LocalStack runs in a container of the instances' (local) engine, where
    its gateway listens on the container's address; None otherwise, quietly (in host mode it
    listens on loopback, and LocalStack may think it runs in a container the engine does not
    run). Joins `network` when it is named, as the start-up check does."""
    from localstack import config

    if not config.is_in_docker or engine_location().remote:
        return None
    try:
        api = docker.from_env(timeout=_PING_TIMEOUT).api
        own = _own_container(api)
        if own is None:
            return None
        name = network or _DEFAULT_NETWORK
        return _gateway_url(_own_container_address(api, own, name, join=network is not None))
    except (DockerException, requests.RequestException, KeyError) as e:
        LOG.debug("LocalStack's container not found on the engine: %s", e)
        return None


def _gateway_url(address: str | None) -> str | None:
    from localstack import config

    return f"http://{address}:{config.GATEWAY_LISTEN[0].port}" if address else None


def _own_container(api: docker.APIClient) -> str | None:
    """LocalStack's own container on this engine (its id is the host name Docker gave it), or
    None: LocalStack may think it is in a container where the engine runs none of it."""
    own = os.environ.get("HOSTNAME", "").strip()
    if not own:
        return None
    try:
        api.inspect_container(own)
    except NotFound:
        return None
    return own


def _own_container_address(api: docker.APIClient, own: str, network: str, join: bool) -> str | None:
    """LocalStack's own container's address on the network, joining it when asked to."""
    networks = api.inspect_container(own)["NetworkSettings"]["Networks"]
    if network not in networks and join:
        try:
            api.connect_container_to_network(own, network)
            LOG.info("LocalStack's container joined %s, the instances' network", network)
        except APIError as e:
            # the start-up check and the metadata service may both join at once: one wins
            if network not in api.inspect_container(own)["NetworkSettings"]["Networks"]:
                LOG.warning("LocalStack's container could not join %s: %s", network, e)
                return None
        networks = api.inspect_container(own)["NetworkSettings"]["Networks"]
    settings = networks.get(network) or {}
    return settings.get("IPAddress") or None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
