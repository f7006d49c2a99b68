"""Docker networks and the responder container that put 169.254.169.254 on-link in every instance.

The instances' network is created ``--internal`` with ``inhibit_ipv4``: the host gets no address and
no route in it (its own route to 169.254.169.254 stays its own), and nothing on it has a way out.
The responder, at 169.254.169.254 on that network, relays each connection to our listener on a
second, ordinary bridge (the upstream network), prefixed with a preamble naming the caller (read
from /proc/net/tcp[6]) and a secret. With the responder gone, requests go nowhere: fail-closed.
"""

import contextlib
import ipaddress
import logging
import socket

from docker import APIClient
from docker.types import IPAMConfig, IPAMPool

from localstack_ssm_docker.engine.docker.engine import LABEL_OWNER, _engine_errors
from localstack_ssm_docker.engine.errors import ContainerGone, EngineError
from localstack_ssm_docker.engine.values import METADATA_ADDRESS, MetadataRoute

LOG = logging.getLogger(__name__)

LABEL_ROLE = "localstack-ssm-docker.role"
METADATA_SUBNET = "169.254.169.0/24"
_INHIBIT_IPV4 = "com.docker.network.bridge.inhibit_ipv4"
# Run by `nc -ll -e` for each caller, whose connection is its fd 0 and 1: keeps it as fd 3, reads
# the caller's address from /proc/net/tcp6 (or tcp) by the socket's inode, then becomes a client
# `nc -e` to our listener, whose connection is the inner script's fd 0 (kept as fd 4): it sends the
# preamble, then copies both ways with two `cat`s, and ends the caller's copy once the listener
# closes, so the caller sees the end at once. (A background job's stdin is /dev/null until
# redirected, hence the numbered descriptors.)
RELAY_SCRIPT = (
    "exec 3<&0\n"
    "i=$(readlink /proc/self/fd/0 | tr -dc 0-9)\n"
    "export IMDS_PEER=$(awk -v i=\"$i\" '$10 == i { print $3; exit }' "
    "/proc/net/tcp6 /proc/net/tcp)\n"
    'exec nc -w 5 "$IMDS_UPSTREAM_HOST" "$IMDS_UPSTREAM_PORT" -e sh -c '
    '\'exec 4<&0; printf "LSIMDS %s %s\\n" "$IMDS_SECRET" "$IMDS_PEER" >&4; '
    "cat <&3 >&4 & c=$!; cat <&4 >&3; kill $c 2>/dev/null'\n"
)


class MetadataNetworks:
    """Creates, finds and removes this LocalStack's IMDS networks and responder."""

    def __init__(self, api: APIClient, owner: str):
        self._api = api
        self._owner = owner
        self.network = f"localstack-imds-{owner}"
        self.upstream_network = f"localstack-imds-upstream-{owner}"
        self.responder = f"localstack-imds-responder-{owner}"

    def _labels(self, role: str) -> dict[str, str]:
        return {LABEL_OWNER: self._owner, LABEL_ROLE: role}

    def prepare(self, own_container: str | None) -> MetadataRoute:
        """The two networks (reused when an earlier run of this LocalStack left them) and the
        address our listener binds to: the upstream bridge's gateway on the host, or this
        container's address on it when LocalStack runs in a container."""
        with _engine_errors():
            self._ensure_network(
                self.network,
                internal=True,
                options={_INHIBIT_IPV4: "true"},
                ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=METADATA_SUBNET)]),
                role="imds",
            )
            self._ensure_network(self.upstream_network, role="imds-upstream")
            details = self._api.inspect_network(self.upstream_network)
        host = self._join(own_container, details) if own_container else ""
        host = host or _gateway(details) or ""
        if not host:
            raise EngineError(f"no address for our listener on {self.upstream_network}")
        return MetadataRoute(self.network, self.upstream_network, host.split("/")[0])

    def _ensure_network(self, name: str, role: str, **kwargs) -> None:
        found = self._api.networks(names=[name])
        for network in found:
            if network.get("Name") == name:
                labels = network.get("Labels") or {}
                if labels.get(LABEL_OWNER) != self._owner:
                    raise EngineError(f"network {name} exists and is not ours")
                return
        self._api.create_network(
            name, driver="bridge", labels=self._labels(role), check_duplicate=True, **kwargs
        )

    def _join(self, container: str, details: dict) -> str:
        """Our address on the upstream network when LocalStack runs in a container of this
        engine ("" when it does not: then the host's gateway address serves)."""
        try:
            with _engine_errors():
                mine = self._api.inspect_container(container)
        except ContainerGone:
            return ""
        with _engine_errors():
            if mine["Id"] not in (details.get("Containers") or {}):
                with contextlib.suppress(EngineError):
                    self._api.connect_container_to_network(container, self.upstream_network)
            mine = self._api.inspect_container(container)
        endpoint = (mine["NetworkSettings"]["Networks"] or {}).get(self.upstream_network) or {}
        return str(endpoint.get("IPAddress") or "")

    def start_responder(self, route: MetadataRoute, image: str, port: int, secret: str) -> None:
        """(Re)creates the responder at 169.254.169.254:80, relaying to `route.upstream_host`."""
        self.remove_responder()
        host_config = self._api.create_host_config(
            network_mode=route.upstream_network,
            restart_policy={"Name": "unless-stopped"},
            init=True,
        )
        with _engine_errors():
            created = self._api.create_container(
                image,
                name=self.responder,
                labels=self._labels("imds-responder"),
                environment={
                    "IMDS_SECRET": secret,
                    "IMDS_UPSTREAM_HOST": route.upstream_host,
                    "IMDS_UPSTREAM_PORT": str(port),
                },
                entrypoint=["nc", "-ll", "-p", "80", "-e", "sh", "-c", RELAY_SCRIPT],
                command=[],
                detach=True,
                host_config=host_config,
            )
            try:
                self._api.connect_container_to_network(
                    created["Id"], route.network, ipv4_address=METADATA_ADDRESS
                )
                self._api.start(created["Id"])
            except BaseException:
                self._api.remove_container(created["Id"], force=True)
                raise

    def remove_responder(self) -> None:
        with contextlib.suppress(ContainerGone), _engine_errors():
            self._api.remove_container(self.responder, force=True)

    def responder_running(self) -> bool:
        try:
            with _engine_errors():
                return bool(self._api.inspect_container(self.responder)["State"].get("Running"))
        except ContainerGone:
            return False

    def members(self) -> dict[str, str]:
        """Address on the metadata network of every container on it, by container id."""
        with _engine_errors():
            details = self._api.inspect_network(self.network)
        members = {}
        for container_id, endpoint in (details.get("Containers") or {}).items():
            address = str(endpoint.get("IPv4Address") or "").split("/")[0]
            if address and address != METADATA_ADDRESS:
                members[container_id] = address
        return members

    def remove_networks(self) -> bool:
        """Removes both networks unless containers are still on them (kept instances of a
        persistent LocalStack); True when they are gone."""
        removed = True
        for name in (self.network, self.upstream_network):
            try:
                with _engine_errors():
                    self._api.remove_network(name)
            except ContainerGone:
                continue
            except EngineError as e:
                LOG.debug("network %s kept: %s", name, e)
                removed = False
        return removed

    def gateway_of(self, network: str) -> str | None:
        """The host's address on a bridge network (where instances on it reach the host)."""
        try:
            with _engine_errors():
                details = self._api.inspect_network(network)
        except EngineError:
            return None
        return _gateway(details)


def _gateway(details: dict) -> str | None:
    """A bridge network's gateway: as configured, else the first address of its subnet (the
    default bridge does not name its gateway)."""
    for config in (details.get("IPAM") or {}).get("Config") or []:
        if config.get("Gateway"):
            return str(config["Gateway"]).split("/")[0]
        with contextlib.suppress(ValueError, KeyError):
            network = ipaddress.ip_network(config["Subnet"])
            if network.version == 4:
                return str(network.network_address + 1)
    return None


def own_container_id() -> str | None:
    """This process's container (its host name) when LocalStack runs in one, else None."""
    from localstack import config

    return socket.gethostname() if config.is_in_docker else None
