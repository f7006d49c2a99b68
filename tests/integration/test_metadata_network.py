"""The metadata network against the real engine, on a network and link-local subnet of the test's
own (Docker allows one network per subnet, and the engine's own metadata network is shared with
other LocalStacks): Docker picks instances' addresses only outside the range kept for service
addresses, and a network made without that range is made again only once nothing is on it."""

import ipaddress
import uuid
from collections.abc import Iterator

import docker
import pytest

from localstack_ssm_docker.engine.docker.imds_network import (
    LABEL_ROLE,
    MetadataLayout,
    MetadataNetworks,
)

BUSYBOX = "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0"
# the engine's layout moved to 169.254.202.0/23: 169.254.203.0/24 stands for 169.254.169.0/24
LAYOUT = MetadataLayout(
    network=f"ssm-test-imds-{uuid.uuid4().hex[:8]}",
    subnet="169.254.202.0/23",
    instance_range="169.254.202.0/24",
    service_range="169.254.203.0/24",
)
SERVICE = "169.254.203.254"  # where the responder sits in the engine's layout


@pytest.fixture
def client() -> Iterator[docker.DockerClient]:
    client = docker.from_env()
    made: list = []
    client.made = made  # type: ignore[attr-defined]
    yield client
    for container in made:
        container.remove(force=True)
    for network in client.networks.list(names=[LAYOUT.network]):
        network.remove()


def prepared(client: docker.DockerClient) -> dict:
    MetadataNetworks(client.api, "ssm-test", LAYOUT).prepare(None)
    return client.networks.get(LAYOUT.network).attrs


def attach(client: docker.DockerClient, start: bool = True) -> str:
    """A container of ours on the test network, Docker picking its address: that address (""
    until started)."""
    container = client.containers.create(
        BUSYBOX, ["sleep", "120"], network=LAYOUT.network, cap_drop=["ALL"]
    )
    client.made.append(container)  # type: ignore[attr-defined]
    if start:
        container.start()
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][LAYOUT.network]["IPAddress"]


def old_network(client: docker.DockerClient) -> None:
    """The network as made without a range kept for services."""
    client.networks.create(
        LAYOUT.network,
        driver="bridge",
        internal=True,
        labels={LABEL_ROLE: "imds"},
        ipam=docker.types.IPAMConfig(
            pool_configs=[docker.types.IPAMPool(subnet="169.254.203.0/24")]
        ),
    )


def test_docker_picks_addresses_only_outside_the_range_kept_for_services(client):
    (pool,) = prepared(client)["IPAM"]["Config"]
    assert (pool["Subnet"], pool["IPRange"]) == ("169.254.202.0/23", "169.254.202.0/24")
    picked = [attach(client) for _ in range(3)]
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("169.254.202.0/24") for a in picked)
    # a fixed service address is still given when asked for by address
    container = client.containers.create(BUSYBOX, ["sleep", "120"], cap_drop=["ALL"])
    client.made.append(container)  # type: ignore[attr-defined]
    client.networks.get(LAYOUT.network).connect(container, ipv4_address=SERVICE)
    container.start()
    container.reload()
    assert container.attrs["NetworkSettings"]["Networks"][LAYOUT.network]["IPAddress"] == SERVICE


def test_a_network_without_the_range_is_made_again_once_nothing_is_on_it(client):
    old_network(client)
    old_id = client.networks.get(LAYOUT.network).id
    details = prepared(client)
    assert details["Id"] != old_id
    (pool,) = details["IPAM"]["Config"]
    assert (pool["Subnet"], pool["IPRange"]) == ("169.254.202.0/23", "169.254.202.0/24")


def test_a_network_without_the_range_stays_as_it_is_while_an_instance_is_on_it(client):
    old_network(client)
    old_id = client.networks.get(LAYOUT.network).id
    address = attach(client)
    details = prepared(client)
    assert details["Id"] == old_id
    assert address in {e["IPv4Address"].split("/")[0] for e in details["Containers"].values()}


def test_a_network_without_the_range_stays_as_it_is_while_a_stopped_instance_names_it(client):
    old_network(client)
    old_id = client.networks.get(LAYOUT.network).id
    attach(client, start=False)  # would not start again on a network made anew
    assert prepared(client)["Id"] == old_id
    client.made[0].start()  # type: ignore[attr-defined]
