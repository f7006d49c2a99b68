"""Docker networks and the responder container that put 169.254.169.254 on-link in every instance.

The metadata network is created ``--internal`` with ``inhibit_ipv4``: the host gets no address and
no route in it (its own route to 169.254.169.254 stays its own), and nothing on it has a way out.
Docker allows one network with a subnet containing 169.254.169.254 per engine, so it is shared by
every LocalStack on the engine, as is the responder at 169.254.169.254 on it. For each connection
the responder reads the caller's address from /proc/net/tcp6 and looks it up in its registrations
(``/run/imds/<address>``: listener host, port and secret, written by the LocalStack that owns the
caller); it relays the bytes, after a preamble with the address and the secret, to that listener
on the upstream network. An unregistered caller, or any caller with the responder stopped, gets
nothing: fail-closed. The responder runs with no capability but NET_BIND_SERVICE (port 80 on engines
older than 20.10): it needs no raw socket, so it cannot forge anyone's address either.

Docker picks instances' addresses only from the network's IP range, INSTANCE_RANGE; the rest of
the subnet, SERVICE_RANGE, holds only the fixed addresses of services (169.254.169.254, the
responder; 169.254.169.253, AWS's resolver address), which Docker gives to a container only when
asked for by address. So no instance is ever given 169.254.169.254, not even while the responder
is off the network (stopped, being made again) and Docker's allocator has come round to it.
A metadata network made without that range is made again in this shape once no container but the
responder is on it (running or not); while anything else is, it is used as it is, with a warning:
removing it would cut other LocalStacks' instances off.
"""

import contextlib
import hashlib
import io
import ipaddress
import logging
import socket
import tarfile
from dataclasses import dataclass

from docker import APIClient
from docker.types import IPAMConfig, IPAMPool

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.imds_events import DockerRouteChanges
from localstack_ssm_docker.engine.errors import ContainerGone, EngineError
from localstack_ssm_docker.engine.values import (
    GATEWAY_TAG,
    INSIDE_PORT,
    METADATA_ADDRESS,
    METADATA_TAG,
    RESOLVER_ADDRESS,
    RESOLVER_TAG,
    MetadataRoute,
)

LOG = logging.getLogger(__name__)

LABEL_ROLE = "localstack-ssm-docker.role"
METADATA_NETWORK = "localstack-imds"
UPSTREAM_NETWORK = "localstack-imds-upstream"
RESPONDER = "localstack-imds-responder"
_REMOVE_IF_OURS = (
    'for f in "$@"; do [ "$(cat "$f" 2>/dev/null)" = "$REGISTRATION" ] && rm -f "$f"; done; true'
)
"""Removes each registration file only while it still holds our line."""
METADATA_SUBNET = "169.254.168.0/23"
INSTANCE_RANGE = "169.254.168.0/24"
"""The only addresses Docker picks for a container on the metadata network by itself."""
SERVICE_RANGE = "169.254.169.0/24"
"""Kept for fixed service addresses: in the subnet, outside INSTANCE_RANGE."""


@dataclass(frozen=True)
class MetadataLayout:
    """A metadata network's name and addresses (one per engine: Docker refuses a second network
    whose subnet overlaps it)."""

    network: str = METADATA_NETWORK
    subnet: str = METADATA_SUBNET
    instance_range: str = INSTANCE_RANGE
    service_range: str = SERVICE_RANGE

    def ipam(self) -> IPAMConfig:
        """The subnet, from which Docker picks containers' addresses only in instance_range."""
        return IPAMConfig(pool_configs=[IPAMPool(subnet=self.subnet, iprange=self.instance_range)])

    def kept_by(self, details: dict) -> bool:
        """Whether a network (as inspected) lets Docker pick no address in service_range: every
        IPv4 pool of it that holds such an address has an IP range clear of service_range."""
        services = ipaddress.ip_network(self.service_range)
        for config in (details.get("IPAM") or {}).get("Config") or []:
            try:
                subnet = ipaddress.ip_network(config["Subnet"])
                dynamic = ipaddress.ip_network(config.get("IPRange") or config["Subnet"])
            except (KeyError, ValueError):
                return False
            if subnet.version == 4 and subnet.overlaps(services) and dynamic.overlaps(services):
                return False
        return True


LAYOUT = MetadataLayout()
REGISTRY = "/run/imds"
_INHIBIT_IPV4 = "com.docker.network.bridge.inhibit_ipv4"
# Run by `nc -ll -e` for each caller, whose connection is its fd 0 and 1: keeps it as fd 3, finds
# the caller's address in /proc/net/tcp6 (or tcp) by the socket's inode and its registration, then
# becomes a client `nc -e` to that listener, whose connection is the inner script's fd 0 (kept as
# fd 4): sends the preamble, copies both ways with two `cat`s, and ends the caller's copy once the
# listener closes, so the caller sees the end at once. (A background job's stdin is /dev/null
# until redirected, hence the numbered descriptors.)
RELAY_SCRIPT = (
    "exec 3<&0\n"
    "i=$(readlink /proc/self/fd/0 | tr -dc 0-9)\n"
    "export IMDS_PEER=$(awk -v i=\"$i\" '$10 == i { print $3; exit }' "
    "/proc/net/tcp6 /proc/net/tcp)\n"
    'a=${IMDS_PEER%%:*}; [ -n "$a" ] && [ -r "' + REGISTRY + '/$a" ] || exit 0\n'
    'read -r host port IMDS_SECRET < "' + REGISTRY + '/$a"; export IMDS_SECRET\n'
    'exec nc -w 5 "$host" "$port" -e sh -c '
    '\'exec 4<&0; printf "%s %s %s\\n" "$IMDS_TAG" "$IMDS_SECRET" "$IMDS_PEER" >&4; '
    "cat <&3 >&4 & c=$!; cat <&4 >&3; kill $c 2>/dev/null'\n"
)
SERVICE_PORTS = ((METADATA_TAG, 80), (RESOLVER_TAG, 53), (GATEWAY_TAG, INSIDE_PORT))
"""The responder's ports and the tag each one's preamble carries: the metadata service, DNS over
TCP (instances' resolv.conf says ``options use-vc``: busybox has no UDP server) and LocalStack's
gateway. Each listens on every address of the responder (METADATA_ADDRESS, RESOLVER_ADDRESS)."""
# Runs RELAY_SCRIPT ($1) behind one persistent `nc` listener per port, each with its tag; the
# first port's listener is the container's main process (the engine restarts a responder whose
# main process ended), the others are started again should they end.
SUPERVISOR = (
    'serve() { while :; do IMDS_TAG=$1 nc -ll -p "$2" -e sh -c "$RELAY"; sleep 1; done; }\n'
    "RELAY=$1\n"
    + "".join(f"serve {tag} {port} &\n" for tag, port in SERVICE_PORTS[1:])
    + 'IMDS_TAG={} exec nc -ll -p {} -e sh -c "$RELAY"\n'.format(*SERVICE_PORTS[0])
)
RESPONDER_VERSION = hashlib.sha256((SUPERVISOR + RELAY_SCRIPT).encode()).hexdigest()[:12]
"""Labels the responder: one made by another version of this code is made again."""
LABEL_VERSION = "localstack-ssm-docker.responder-version"


def registry_names(address: str) -> tuple[str, str]:
    """The names /proc/net/tcp6 (IPv4-mapped) and /proc/net/tcp give an IPv4 address."""
    plain = "".join(f"{int(part):02X}" for part in reversed(address.split(".")))
    return "0000000000000000FFFF0000" + plain, plain


class MetadataNetworks:
    """Creates, finds and removes the engine's IMDS networks and responder, and this LocalStack's
    registrations in it."""

    def __init__(self, api: APIClient, owner: str, layout: MetadataLayout = LAYOUT):
        self._api = api
        self._owner = owner
        self._layout = layout
        self.network = layout.network
        self._joined: str | None = None  # our own container, once on the upstream network
        self._warned = False  # about a metadata network without the range kept for services

    def prepare(self, own_container: str | None) -> MetadataRoute:
        """The two shared networks (made when missing) and the address our listener binds to:
        the upstream bridge's gateway on the host, or this container's address on it."""
        with engine_errors():
            self._ensure_metadata_network()
            self._keep_service_range()
            self._ensure_network(UPSTREAM_NETWORK, role="imds-upstream")
            details = self._api.inspect_network(UPSTREAM_NETWORK)
        host = self._join(own_container, details) if own_container else ""
        host = host or _gateway(details) or ""
        if not host:
            raise EngineError(f"no address for our listener on {UPSTREAM_NETWORK}")
        return MetadataRoute(self.network, UPSTREAM_NETWORK, host.split("/")[0])

    def _ensure_network(self, name: str, role: str, **kwargs) -> None:
        ensure_shared_network(self._api, name, role, **kwargs)

    def _ensure_metadata_network(self) -> None:
        self._ensure_network(
            self.network,
            internal=True,
            options={_INHIBIT_IPV4: "true"},
            ipam=self._layout.ipam(),
            role="imds",
        )

    def _keep_service_range(self) -> None:
        """Makes the metadata network again in the current shape when it lacks the range kept
        for services and nothing but the responder is on it; else leaves it as it is."""
        with engine_errors():
            details = self._api.inspect_network(self.network)
            if self._layout.kept_by(details):
                return
        users = self._containers_on_network()
        others = [u for u in users if not _is_responder(u)]
        if not others and self._remake(details["Id"], [u["Id"] for u in users]):
            LOG.info("IMDS: network %s made again, with addresses kept for services", self.network)
            return
        if not self._warned:
            self._warned = True
            LOG.warning(
                "IMDS: network %s has no range kept for services and %d containers on it: used "
                "as it is, so an instance may be given 169.254.169.254 while the responder is "
                "off it; it is made again once nothing is on it",
                self.network,
                len(others),
            )

    def _containers_on_network(self) -> list[dict]:
        """Every container that names the metadata network, running or not: a created or
        stopped instance is not among the network's endpoints, yet cannot start once the
        network is gone. By name: a container not started yet has no network id in its
        settings."""
        with engine_errors():
            return self._api.containers(all=True, filters={"network": self.network})

    def _remake(self, network_id: str, responders: list[str]) -> bool:
        """Removes the responder and the network, makes the network again; False when a
        container joined it meanwhile (then it stays as it is)."""
        for responder in responders:  # it holds an address on the network
            with contextlib.suppress(ContainerGone), engine_errors():
                self._api.remove_container(responder, force=True)
        try:
            with engine_errors():
                self._api.remove_network(network_id)
        except ContainerGone:
            pass  # removed meanwhile by another LocalStack
        except EngineError as e:
            LOG.debug("network %s kept: %s", self.network, e)
            return False
        self._ensure_metadata_network()
        with engine_errors():
            return self._layout.kept_by(self._api.inspect_network(self.network))

    def _join(self, container: str, details: dict) -> str:
        """Our address on the upstream network when LocalStack runs in a container of this
        engine ("" when it does not: then the host's gateway address serves)."""
        try:
            with engine_errors():
                mine = self._api.inspect_container(container)
        except ContainerGone:
            return ""
        with engine_errors():
            if mine["Id"] not in (details.get("Containers") or {}):
                with contextlib.suppress(EngineError):
                    self._api.connect_container_to_network(container, UPSTREAM_NETWORK)
            mine = self._api.inspect_container(container)
        endpoint = (mine["NetworkSettings"]["Networks"] or {}).get(UPSTREAM_NETWORK) or {}
        if endpoint:
            self._joined = container
        return str(endpoint.get("IPAddress") or "")

    def _leave(self) -> None:
        """Takes our container off the upstream network: it would keep the network in use, and
        a stopped container still naming a network someone else removed cannot start again."""
        if self._joined is None:
            return
        with contextlib.suppress(ContainerGone, EngineError), engine_errors():
            self._api.disconnect_container_from_network(self._joined, UPSTREAM_NETWORK)
        self._joined = None

    def start_responder(self, route: MetadataRoute, image: str) -> bool:
        """Makes sure the engine's responder runs at 169.254.169.254 and 169.254.169.253
        (shared: kept if there, made again when another version made it); True when it was
        made (its registrations are then empty)."""
        try:
            with engine_errors():
                found = self._api.inspect_container(RESPONDER)
            labels = (found.get("Config") or {}).get("Labels") or {}
            if labels.get(LABEL_VERSION) == RESPONDER_VERSION:
                if not (found.get("State") or {}).get("Running"):
                    with engine_errors():
                        self._api.start(RESPONDER)
                return False
            LOG.info("IMDS: responder of another version made again")
            with contextlib.suppress(ContainerGone), engine_errors():
                self._api.remove_container(found["Id"], force=True)
        except ContainerGone:
            pass
        host_config = self._api.create_host_config(
            network_mode=route.upstream_network,
            restart_policy={"Name": "unless-stopped"},
            init=True,
            cap_drop=["ALL"],
            cap_add=["NET_BIND_SERVICE"],
        )
        with engine_errors():
            try:
                created = self._api.create_container(
                    image,
                    name=RESPONDER,
                    labels={LABEL_ROLE: "imds-responder", LABEL_VERSION: RESPONDER_VERSION},
                    entrypoint=["sh", "-c", SUPERVISOR, "sh", RELAY_SCRIPT],
                    command=[],
                    detach=True,
                    host_config=host_config,
                )
            except Exception:
                if self._responder_exists():  # made meanwhile by another LocalStack
                    return False
                raise
            try:
                self._api.connect_container_to_network(
                    created["Id"],
                    route.network,
                    ipv4_address=METADATA_ADDRESS,
                    link_local_ips=[RESOLVER_ADDRESS],
                )
                self._api.start(created["Id"])
            except BaseException:
                self._api.remove_container(created["Id"], force=True)
                raise
        return True

    def _responder_exists(self) -> bool:
        try:
            with engine_errors():
                self._api.inspect_container(RESPONDER)
        except ContainerGone:
            return False
        return True

    def register(self, entries: dict[str, str]) -> None:
        """Writes registrations (address -> "host port secret") into the responder."""
        if not entries:
            return
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w") as tar:
            for address, line in entries.items():
                for name in registry_names(address):
                    data = (line + "\n").encode()
                    info = tarfile.TarInfo(f"{REGISTRY.lstrip('/')}/{name}")
                    info.size, info.mode = len(data), 0o600
                    tar.addfile(info, io.BytesIO(data))
        with engine_errors():
            self._api.put_archive(RESPONDER, "/", archive.getvalue())

    def unregister(self, addresses: list[str], registration: str) -> None:
        """Removes our registrations of these callers: they get no answer any more. A file
        that holds another LocalStack's registration (Docker gave the address to one of its
        instances meanwhile) is left alone."""
        if not addresses:
            return
        paths = [f"{REGISTRY}/{n}" for a in addresses for n in registry_names(a)]
        with contextlib.suppress(ContainerGone), engine_errors():
            exec_id = self._api.exec_create(
                RESPONDER,
                ["sh", "-c", _REMOVE_IF_OURS, "sh", *paths],
                environment={"REGISTRATION": registration},
            )
            self._api.exec_start(exec_id["Id"])

    def members(self) -> dict[str, str]:
        """Address on the metadata network of every container on it, by container id."""
        with engine_errors():
            details = self._api.inspect_network(self.network)
        members = {}
        for container_id, endpoint in (details.get("Containers") or {}).items():
            address = str(endpoint.get("IPv4Address") or "").split("/")[0]
            if address and address != METADATA_ADDRESS:
                members[container_id] = address
        return members

    def remove_if_unused(self) -> bool:
        """Takes our own container (LocalStack in a container) off the upstream network, then
        removes the responder and both networks when no instance of any LocalStack names the
        metadata network any more (stopped and not yet started ones count); True when they are
        gone. A launch that still finds the network gone makes it again (NetworkGone)."""
        self._leave()
        try:
            if not all(_is_responder(u) for u in self._containers_on_network()):
                return False
        except ContainerGone:
            return True
        with contextlib.suppress(ContainerGone), engine_errors():
            self._api.remove_container(RESPONDER, force=True)
        removed = True
        for name in (self.network, UPSTREAM_NETWORK):
            try:
                with engine_errors():
                    self._api.remove_network(name)
            except ContainerGone:
                continue
            except EngineError as e:  # still in use: another LocalStack's listener container
                LOG.debug("network %s kept: %s", name, e)
                removed = False
        return removed

    def changes(self) -> DockerRouteChanges:
        """Follows the engine's events about the networks, their members and the responder."""
        return DockerRouteChanges(self._api, self.network, UPSTREAM_NETWORK, RESPONDER)

    def gateway_of(self, network: str) -> str | None:
        """The host's address on a bridge network (where instances on it reach the host)."""
        try:
            with engine_errors():
                details = self._api.inspect_network(network)
        except EngineError:
            return None
        return _gateway(details)


def _networks_named(api: APIClient, name: str) -> list[dict]:
    """The networks with exactly this name, the one every LocalStack keeps first."""
    with engine_errors():
        found = [n for n in api.networks(names=[name]) if n.get("Name") == name]
    return sorted(found, key=lambda n: (str(n.get("Created") or ""), str(n.get("Id"))))


def ensure_shared_network(api: APIClient, name: str, role: str, **kwargs) -> None:
    """Makes the network when missing. LocalStacks on one engine may make it at the same moment,
    and the engine's duplicate check does not stop two of one name (each request is then
    "ambiguous"): all but the first made (by creation time, then id) are removed again, the
    same one by every LocalStack."""
    found = _networks_named(api, name)
    if not found:
        try:
            with engine_errors():
                api.create_network(
                    name, driver="bridge", labels={LABEL_ROLE: role}, check_duplicate=True, **kwargs
                )
        except EngineError:
            if not _networks_named(api, name):  # not made meanwhile by another LocalStack
                raise
        found = _networks_named(api, name)
    if not found:
        raise EngineError(f"network {name} could not be made")
    if (found[0].get("Labels") or {}).get(LABEL_ROLE) != role:
        raise EngineError(f"network {name} exists and is not an IMDS network")
    for extra in found[1:]:
        try:
            with engine_errors():
                api.remove_network(extra["Id"])
        except ContainerGone:
            pass  # removed meanwhile by another LocalStack
        except EngineError as e:
            LOG.warning("IMDS: second network named %s (%s) not removed: %s", name, extra["Id"], e)


def _is_responder(container: dict) -> bool:
    """Whether a container (as the engine lists it) is the responder."""
    return (container.get("Labels") or {}).get(LABEL_ROLE) == "imds-responder"


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
