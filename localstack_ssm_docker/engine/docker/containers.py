"""The life of an instance container: create and start it (kept alive by a tiny init whatever
the image's entrypoint), stop, start, unpause, restart (a reboot), remove, and describe it.

The restart count per container lives here too: a script that was running across a restart ends
with ContainerRestarted (see :mod:`.scripts`).

Instances share bridges (the metadata network, the default bridge) where, unlike a VPC, nothing
checks who answers for an address: a process holding CAP_NET_RAW can send forged ARP replies and
make its neighbours send it their traffic to 169.254.169.254, to LocalStack or to each other. So
every instance container is created without CAP_NET_RAW (unless EC2_ALLOW_NET_RAW) and without
CAP_NET_ADMIN (which would let it add the metadata address to its own interface); `ping` keeps
working through ICMP datagram sockets (Docker opens net.ipv4.ping_group_range to all groups).
`--privileged` in EC2_DOCKER_FLAGS gives every capability whatever is dropped here.
"""

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker
from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.container_files import read_text_file
from localstack_ssm_docker.engine.docker.labels import ownership_labels
from localstack_ssm_docker.engine.docker.shell import BOOT_STATE_DIR, boot_with_hook_command
from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    EngineError,
    EngineNotAnswering,
    NetworkGone,
)
from localstack_ssm_docker.engine.values import (
    ContainerFacts,
    ContainerOptions,
    ContainerResources,
    ContainerSpec,
)

LOG = logging.getLogger(__name__)

_STOP_TIMEOUT_SECONDS = 5
_KEEP_ALIVE = ["sleep", "infinity"]
_NET_RAW = "NET_RAW"
_NET_ADMIN = "NET_ADMIN"
_CFS_PERIOD_US = 100_000


def resource_settings(resources: ContainerResources | None) -> dict[str, int]:
    """docker-py's settings (create and update alike) for a CPU quota of `cpus` CPUs (CFS, in
    periods of _CFS_PERIOD_US: an idle container costs nothing) and a memory limit without swap
    (as an EC2 instance has none); none without resources. Pure."""
    if resources is None:
        return {}
    return {
        "cpu_period": _CFS_PERIOD_US,
        "cpu_quota": resources.cpus * _CFS_PERIOD_US,
        "mem_limit": resources.memory_bytes,
        "memswap_limit": resources.memory_bytes,
    }


def dropped_capabilities(options: ContainerOptions) -> list[str]:
    """The capabilities an instance container is created without (see the module docstring);
    none when privileged (Docker gives such a container every capability, whatever is dropped)."""
    if options.privileged:
        return []
    return [_NET_ADMIN] if options.allow_net_raw else [_NET_RAW, _NET_ADMIN]


def name_servers(spec: ContainerSpec) -> dict[str, list[str] | None]:
    """Docker's ``dns`` and ``dns_opt`` for an instance container: the user's name servers
    (``--dns`` in EC2_DOCKER_FLAGS) as given, else the spec's resolver asked over TCP (the
    responder relays TCP only), else the engine's default."""
    if spec.options.dns:
        return {"dns": list(spec.options.dns), "dns_opt": None}
    if spec.resolver:
        return {"dns": [spec.resolver], "dns_opt": ["use-vc"]}
    return {"dns": None, "dns_opt": None}


class _KeepAliveFailed(Exception):
    """The container could not be kept alive with `sleep infinity` (the image has no sleep)."""


def ip_address(details: Mapping) -> str:
    """The container's address (from inspect): on the default bridge, or on the first network
    it is on."""
    settings = details.get("NetworkSettings") or {}
    if settings.get("IPAddress"):
        return settings["IPAddress"]
    for network in (settings.get("Networks") or {}).values():
        # not the metadata network's link-local address: the instance's address is elsewhere
        if network.get("IPAddress") and not network["IPAddress"].startswith("169.254."):
            return network["IPAddress"]
    return ""


def parse_os_release(content: str) -> dict[str, str]:
    """Parses os-release(5) KEY=value lines, removing shell quotes: the instance's platform
    (DescribeInstanceInformation's PlatformName/PlatformVersion) comes from the container's
    /etc/os-release. Pure."""
    values: dict[str, str] = {}
    for line in content.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key] = value.strip().strip("'\"")
    return values


class Containers:
    """Instance containers of one LocalStack run on one Docker engine."""

    def __init__(
        self, api: APIClient, run_id: str, owner: str, process: str = "", kept: bool = False
    ):
        self._api = api
        self._run_id = run_id
        self._owner = owner
        self._process = process
        self._kept = kept
        self._restarts: Counter[str] = Counter()
        self._os_releases: dict[str, dict[str, str]] = {}
        self._keep_alive_images: set[str] = set()
        self._image_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def launch(
        self, spec: ContainerSpec, on_running: Callable[[str], None] | None = None
    ) -> ContainerFacts:
        """Creates and starts the instance's container, kept alive by a tiny init whatever the
        image's entrypoint; an image that boots itself, or has no `sleep`, keeps its own.
        `on_running` is told each container's id once it started, before it is checked (a
        container that fails its checks is removed again)."""
        if not spec.boots_itself:
            try:
                return self._create_and_start(spec, True, on_running)
            except _KeepAliveFailed:
                LOG.info(
                    "%s cannot be kept alive with sleep: booting its own entrypoint", spec.image
                )
        return self._create_and_start(spec, False, on_running)

    def _create_and_start(
        self,
        spec: ContainerSpec,
        keep_alive: bool,
        on_running: Callable[[str], None] | None = None,
    ) -> ContainerFacts:
        options = spec.options
        hooked = keep_alive and bool(spec.boot_hook)
        entrypoint = boot_with_hook_command(spec.boot_hook) if hooked else _KEEP_ALIVE
        host_config = self._api.create_host_config(
            init=keep_alive,
            privileged=options.privileged,
            cap_drop=dropped_capabilities(options) or None,
            binds=options.volumes or None,
            extra_hosts=options.extra_hosts or None,
            **name_servers(spec),
            network_mode=options.network,
            ulimits=[docker.types.Ulimit(name=n, soft=s, hard=h) for n, s, h in options.ulimits]
            or None,
            pids_limit=options.pids_limit,
            # the hook's marker for user data: empty at every start, never in a committed image
            tmpfs={BOOT_STATE_DIR: "mode=0755"} if hooked else None,
            **resource_settings(spec.resources),
            # like a machine after a power cut: back when the engine restarts, unless stopped
            restart_policy={"Name": "unless-stopped"},
        )
        with engine_errors():
            created = self._api.create_container(
                spec.image,
                name=spec.name,
                hostname=spec.hostname,
                labels=ownership_labels(
                    spec.labels, self._run_id, self._owner, self._process, self._kept
                ),
                environment=options.environment or None,
                user=options.user,
                entrypoint=entrypoint if keep_alive else None,
                command=[] if keep_alive else None,
                detach=True,
                host_config=host_config,
            )
        container_id = created["Id"]
        try:
            try:
                with engine_errors():
                    for network in spec.networks:  # joined before it runs: never without the route
                        self._api.connect_container_to_network(container_id, network)
                    self._api.start(container_id)
            except ContainerGone as e:
                self._raise_if_network_gone(spec.networks, e)
                raise
            except (ContainerNotRunning, EngineNotAnswering):
                raise
            except EngineError as e:
                if keep_alive:
                    raise _KeepAliveFailed(str(e)) from e
                raise
            if on_running is not None:
                on_running(container_id)
            with engine_errors():
                details = self._api.inspect_container(container_id)
            if keep_alive and not details["State"].get("Running"):
                raise _KeepAliveFailed(f"exited with {details['State'].get('ExitCode')}")
            image_id = details["Image"]
            with self._lock:
                os_release = self._os_releases.get(image_id)
            if os_release is None:  # a new image: its two checks at once (each ~50 ms)
                with ThreadPoolExecutor(max_workers=1) as side:
                    reading = side.submit(self._image_os_release, image_id, container_id)
                    if keep_alive:
                        self._check_keep_alive(image_id, container_id)
                os_release = reading.result()
            elif keep_alive:
                self._check_keep_alive(image_id, container_id)
            return ContainerFacts(
                container_id=container_id,
                ip_address=ip_address(details),
                hostname=details["Config"].get("Hostname") or spec.hostname,
                os_release=os_release,
            )
        except BaseException:
            self.remove(container_id)
            raise

    def _raise_if_network_gone(self, networks: tuple[str, ...], error: ContainerGone) -> None:
        """Raises NetworkGone when one of the networks no longer exists (the engine answers a
        missing network with the same 404 as a missing container)."""
        for network in networks:
            try:
                with engine_errors():
                    self._api.inspect_network(network)
            except ContainerGone:
                raise NetworkGone(f"network {network} is gone") from error

    def _image_lock(self, image_id: str) -> threading.Lock:
        """Held while an image's facts are found out: the first of many containers of a new
        image launched at once checks it, the others wait for its answer."""
        with self._lock:
            return self._image_locks.setdefault(image_id, threading.Lock())

    def _check_keep_alive(self, image_id: str, container_id: str) -> None:
        """Once per image: `sleep` exists in it (else the keep-alive exits, maybe only after the
        first inspect saw it running)."""
        with self._lock:
            if image_id in self._keep_alive_images:
                return
        with self._image_lock(image_id):
            with self._lock:
                if image_id in self._keep_alive_images:
                    return
            try:
                with engine_errors():
                    exec_id = self._api.exec_create(container_id, ["sleep", "0"])
                    self._api.exec_start(exec_id["Id"])
                    exit_code = self._api.exec_inspect(exec_id["Id"]).get("ExitCode")
            except (ContainerNotRunning, ContainerGone) as e:
                raise _KeepAliveFailed(str(e)) from e
            if exit_code != 0:
                raise _KeepAliveFailed(f"`sleep 0` exited with {exit_code}")
            with self._lock:
                self._keep_alive_images.add(image_id)

    def _image_os_release(self, image_id: str, container_id: str) -> dict[str, str]:
        """The os-release of a new container, read once per image (all its containers share it)."""
        with self._lock:
            known = self._os_releases.get(image_id)
        if known is not None:
            return known
        with self._image_lock(image_id):
            with self._lock:
                known = self._os_releases.get(image_id)
            if known is None:
                known = self._os_release(container_id)
                with self._lock:
                    self._os_releases[image_id] = known
        return known

    def _os_release(self, container_id: str) -> dict[str, str]:
        """The container's /etc/os-release as a dict (empty when it has none)."""
        content = read_text_file(self._api, container_id, "/etc/os-release")
        return parse_os_release(content) if content is not None else {}

    def describe(self, container_id: str) -> ContainerFacts:
        """Address, host name and os-release of a running container."""
        with engine_errors():
            details = self._api.inspect_container(container_id)
        return ContainerFacts(
            container_id=container_id,
            ip_address=ip_address(details),
            hostname=details["Config"].get("Hostname") or "",
            os_release=self._os_release(container_id),
        )

    def update_resources(self, container_id: str, resources: ContainerResources) -> None:
        """Sets the container's CPU quota and memory limit (Docker's update: a stopped container
        keeps its filesystem and has them from its next start)."""
        _on_container(
            lambda: self._api.update_container(container_id, **resource_settings(resources))
        )

    def stop(self, container_id: str) -> None:
        """Stops the container; its filesystem stays."""
        _on_container(lambda: self._api.stop(container_id, timeout=_STOP_TIMEOUT_SECONDS))

    def start(self, container_id: str) -> None:
        """Starts a stopped container again."""
        _on_container(lambda: self._api.start(container_id))

    def unpause(self, container_id: str) -> None:
        """Resumes a paused container."""
        _on_container(lambda: self._api.unpause(container_id))

    def restart(self, container_id: str) -> None:
        """Restarts the container, as a reboot would; counted first, so that a script running in
        it can tell (see restart_count)."""
        with self._lock:
            self._restarts[container_id] += 1
        _on_container(lambda: self._api.restart(container_id, timeout=_STOP_TIMEOUT_SECONDS))

    def restart_count(self, container_id: str) -> int:
        """How many times this run has restarted the container."""
        with self._lock:
            return self._restarts[container_id]

    def remove(self, container_id: str) -> None:
        """Removes the container; one that is already gone is fine."""
        with contextlib.suppress(ContainerGone):
            _on_container(lambda: self._api.remove_container(container_id, force=True))


def _on_container(action: Callable[[], Any]) -> None:
    with engine_errors():
        action()
