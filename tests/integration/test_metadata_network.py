"""The metadata network against the real engine, on networks and link-local subnets of the test's
own (Docker allows one network per subnet, and the engine's own metadata network is shared with
other LocalStacks): Docker picks instances' addresses only outside the range kept for service
addresses, and a network made without that range is made again only once nothing is on it."""

import ipaddress
import queue
import threading
import uuid
from collections.abc import Iterator

import docker
import pytest
from docker.errors import APIError, NotFound
from docker.types import IPAMConfig, IPAMPool

from localstack_ssm_docker.engine.docker.containers import Containers
from localstack_ssm_docker.engine.docker.imds_network import (
    LABEL_ROLE,
    MetadataLayout,
    MetadataNetworks,
    ensure_shared_network,
)
from localstack_ssm_docker.engine.errors import NetworkGone
from localstack_ssm_docker.engine.values import ContainerSpec, RouteChange

BUSYBOX = "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0"
# the engine's layout shifted to 169.254.202.0/23: 169.254.203.0/24 is kept for services
LAYOUT = MetadataLayout(
    network=f"ssm-test-imds-{uuid.uuid4().hex[:8]}",
    subnet="169.254.202.0/23",
    instance_range="169.254.202.0/24",
    service_range="169.254.203.0/24",
)
SERVICE = "169.254.203.254"  # where the responder sits in this layout
EVENT_WITHIN = 60
"""Seconds the engine's events may take to reach the test (seconds on a loaded machine)."""
# eight addresses: Docker may pick only .1 to .3 (one of them its gateway); .4 to .6 are services'
TINY = MetadataLayout(
    network=f"ssm-test-imds-tiny-{uuid.uuid4().hex[:8]}",
    subnet="169.254.204.0/29",
    instance_range="169.254.204.0/30",
    service_range="169.254.204.4/30",
)


class Bench:
    """The engine, and the containers and networks a test made on it (removed afterwards)."""

    def __init__(self) -> None:
        self.client = docker.from_env()
        self.containers: list = []

    def prepared(self, layout: MetadataLayout = LAYOUT) -> dict:
        """The network as inspected once MetadataNetworks prepared it."""
        MetadataNetworks(self.client.api, "ssm-test", layout).prepare(None)
        return self.client.networks.get(layout.network).attrs

    def attach(self, layout: MetadataLayout = LAYOUT, start: bool = True, **kwargs) -> str:
        """A container of ours on the network, Docker picking its address unless given one:
        that address ("" until started)."""
        container = self.client.containers.create(BUSYBOX, ["sleep", "120"], cap_drop=["ALL"])
        self.containers.append(container)
        self.client.networks.get(layout.network).connect(container, **kwargs)
        if start:
            container.start()
        container.reload()
        return container.attrs["NetworkSettings"]["Networks"][layout.network]["IPAddress"]

    def old_network(self) -> str:
        """The network as made without a range kept for services: its id."""
        return self.client.networks.create(
            LAYOUT.network,
            driver="bridge",
            internal=True,
            labels={LABEL_ROLE: "imds"},
            ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="169.254.203.0/24")]),
        ).id

    def clean(self) -> None:
        for container in self.containers:
            container.remove(force=True)
        for network in self.client.networks.list(names=[LAYOUT.network, TINY.network]):
            network.remove()


@pytest.fixture
def bench() -> Iterator[Bench]:
    bench = Bench()
    yield bench
    bench.clean()


def test_docker_picks_addresses_only_outside_the_range_kept_for_services(bench):
    (pool,) = bench.prepared()["IPAM"]["Config"]
    assert (pool["Subnet"], pool["IPRange"]) == ("169.254.202.0/23", "169.254.202.0/24")
    picked = [bench.attach() for _ in range(3)]
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("169.254.202.0/24") for a in picked)
    assert bench.attach(ipv4_address=SERVICE) == SERVICE  # given when asked for by address


def test_docker_refuses_an_address_rather_than_give_one_kept_for_services(bench):
    bench.prepared(TINY)
    picked = []
    with pytest.raises(APIError, match="no available IPv4 addresses"):
        for _ in range(4):  # the range holds at most three
            picked.append(bench.attach(TINY))
    assert picked and all(
        ipaddress.ip_address(a) in ipaddress.ip_network("169.254.204.0/30") for a in picked
    )
    assert bench.attach(TINY, ipv4_address="169.254.204.6") == "169.254.204.6"  # .4-.6 were free


def test_a_network_without_the_range_is_made_again_once_nothing_is_on_it(bench):
    old = bench.old_network()
    details = bench.prepared()
    assert details["Id"] != old
    (pool,) = details["IPAM"]["Config"]
    assert (pool["Subnet"], pool["IPRange"]) == ("169.254.202.0/23", "169.254.202.0/24")


def test_a_network_without_the_range_stays_as_it_is_while_an_instance_is_on_it(bench):
    old = bench.old_network()
    address = bench.attach()
    details = bench.prepared()
    assert details["Id"] == old
    assert address in {e["IPv4Address"].split("/")[0] for e in details["Containers"].values()}


def test_a_network_without_the_range_stays_as_it_is_while_a_stopped_instance_names_it(bench):
    old = bench.old_network()
    bench.attach(start=False)  # would not start again on a network made anew
    assert bench.prepared()["Id"] == old
    bench.containers[0].start()


def test_the_last_localstack_out_keeps_the_network_while_a_stopped_instance_names_it(bench):
    bench.prepared()
    bench.attach(start=False)  # created or stopped: not among the network's endpoints
    assert MetadataNetworks(bench.client.api, "ssm-test", LAYOUT).remove_if_unused() is False
    bench.containers[0].start()  # it can still start: the network is there
    bench.containers[0].reload()
    assert bench.containers[0].attrs["State"]["Running"]


def test_a_launch_onto_a_network_removed_meanwhile_says_the_network_is_gone(bench):
    name = f"ssm-test-gone-{uuid.uuid4().hex[:8]}"
    spec = ContainerSpec(
        name=name,
        image=BUSYBOX,
        hostname=name,
        labels={},
        networks=(f"ssm-test-no-such-network-{uuid.uuid4().hex[:8]}",),
    )
    containers = Containers(bench.client.api, run_id="ssm-test", owner="ssm-test")
    with pytest.raises(NetworkGone):
        containers.launch(spec)
    with pytest.raises(NotFound):
        bench.client.containers.get(name)  # the half-made container went again


def test_two_networks_made_at_once_under_one_name_become_one(bench):
    """Two LocalStacks making the shared upstream network at the same moment can both succeed
    (Docker's duplicate check is not atomic); every LocalStack then keeps the first made."""
    api = bench.client.api
    name = f"ssm-test-upstream-{uuid.uuid4().hex[:8]}"
    made = [
        api.create_network(name, labels={LABEL_ROLE: "imds-upstream"}, check_duplicate=False)["Id"]
        for _ in range(2)
    ]
    try:
        assert len(api.networks(names=[name])) == 2
        ensure_shared_network(api, name, role="imds-upstream")
        (kept,) = [n["Id"] for n in api.networks(names=[name])]
        assert kept in made
        assert api.inspect_network(name)["Id"] == kept  # by name again, not "ambiguous"
    finally:
        for network in api.networks(names=[name]):
            api.remove_network(network["Id"])


def test_the_engine_reports_members_joining_and_leaving_and_the_network_going(bench):
    bench.prepared()
    changes = MetadataNetworks(bench.client.api, "ssm-test", LAYOUT).changes()
    reported: queue.Queue[RouteChange] = queue.Queue()
    reader = threading.Thread(target=lambda: [reported.put(c) for c in changes], daemon=True)
    reader.start()

    def reported_next(route: bool) -> RouteChange:
        """The next change of this kind within EVENT_WITHIN seconds (the other kind may come
        in between)."""
        while (change := reported.get(timeout=EVENT_WITHIN)).route != route:
            pass
        return change

    try:
        bench.attach()
        assert not reported_next(route=False).route  # joined: its members changed
        bench.containers.pop().remove(force=True)
        assert not reported_next(route=False).route  # left
        bench.client.networks.get(LAYOUT.network).remove()
        assert reported_next(route=True).route  # the network itself went
    finally:
        changes.close()
    reader.join(timeout=EVENT_WITHIN)
    assert not reader.is_alive()  # close ends the stream
