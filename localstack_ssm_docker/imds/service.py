"""The metadata service of one LocalStack: sets up the route (or the fallback), answers each
caller for the instance it is, and tears everything down at shutdown.

Talks to Docker only through :class:`MetadataRouting` and to LocalStack through
:mod:`.snapshot`, :mod:`.localstack_iam` and the stores.
"""

import io
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from localstack_ssm_docker.ec2.models import InstanceRecord, every_record
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import MetadataRouting, RouteChanges
from localstack_ssm_docker.engine.values import (
    GATEWAY_TAG,
    INSIDE_PORT,
    RESOLVER_ADDRESS,
    RESOLVER_TAG,
    MetadataRoute,
)
from localstack_ssm_docker.imds import localstack_iam, profile_associations
from localstack_ssm_docker.imds.credentials import CredentialCache
from localstack_ssm_docker.imds.endpoint_relay import EndpointRelay, relay
from localstack_ssm_docker.imds.facts import RoleCredentials
from localstack_ssm_docker.imds.http import Request, Response, respond
from localstack_ssm_docker.imds.metadata import Signer
from localstack_ssm_docker.imds.resolver import Zone
from localstack_ssm_docker.imds.resolver_stream import serve
from localstack_ssm_docker.imds.server import MetadataListener, Stream
from localstack_ssm_docker.imds.snapshot import instance_facts
from localstack_ssm_docker.imds.state import Secrets, save
from localstack_ssm_docker.imds.tokens import TokenIssuer
from localstack_ssm_docker.imds.upstream_dns import UdpUpstream
from localstack_ssm_docker.persistence import StateDirectory

LOG = logging.getLogger(__name__)

type ConnectKeys = Callable[[str, str, str], tuple[tuple[str, tuple[str, ...]], ...]]
"""(account, region, instance id) -> the EC2 Instance Connect keys valid now, by OS user."""

_TRUST_SECONDS = 1.0
_ENSURE_SPACING = 1.0
_MISS_SECONDS = 0.1
BACKSTOP_SECONDS = 60.0
"""A full round (route and registrations) at least this often: heals what an event missed."""
_RETRY_SECONDS = 1.0
"""The first wait after a round that failed, or before opening the engine's events again; it
doubles up to the backstop while failures go on."""


class MetadataService:
    """Serves IMDS to this LocalStack's instances."""

    def __init__(
        self,
        routing: MetadataRouting,
        signer: Signer,
        keys: Secrets,
        responder_image: str,
        instance_network: str,
        gateway: tuple[str, int],
        own_container: str | None = None,
        fallback_host: str | None = None,
        endpoint_url: str | None = None,
        state: StateDirectory | None = None,
        connect_keys: ConnectKeys | None = None,
        backstop_seconds: float = BACKSTOP_SECONDS,
        localstack_name: str | None = None,
    ):
        self._state = state
        self._connect_keys = connect_keys
        self._routing = routing
        self._signer = signer
        self.keys = keys
        self._tokens = TokenIssuer(keys.token_key)
        self._image = responder_image
        self._instance_network = instance_network
        self._gateway = gateway
        self._own_container = own_container
        self._fallback_host = fallback_host
        self._endpoint_url = endpoint_url
        self._localstack_name = localstack_name
        self._zone = Zone(localstack_name, RESOLVER_ADDRESS) if localstack_name else None
        self._credentials = CredentialCache(localstack_iam.assume_role, time.time)
        self._route: MetadataRoute | None = None
        self._network: str | None = None
        self._listener: MetadataListener | None = None
        self._relay: EndpointRelay | None = None
        self._fallback_endpoint: str | None = None
        self._by_address: dict[str, str] = {}
        self._refreshed = 0.0
        self._registration = ""
        self._ensured = 0.0
        self._registered: set[str] = set()
        self._stopping = threading.Event()
        self._backstop = backstop_seconds
        self._due = threading.Event()  # a round is due (an event came, or the stream opened)
        self._route_due = False  # ...and it checks the route too
        self._flags = threading.Lock()  # for the fields below: never held across engine calls
        self._following = False  # an event stream is open
        self._epoch = 0  # counts reported route changes and streams opened or ended
        self._checked_epoch = -1  # the epoch in which the route was last found whole
        self._changes: RouteChanges | None = None
        self._refresher = threading.Thread(
            target=self._keep_registered, name="imds-registrations", daemon=True
        )
        self._lock = threading.RLock()

    def start(self) -> None:
        """Routes 169.254.169.254 to us for instances, or falls back; never raises. Once the
        metadata network exists, instances join it even if the responder fails to start: then
        169.254.169.254 goes nowhere in them (never to the host's own service). The engine's
        events are followed from before the route is set up: any change after it is reported."""
        changes = self._open_changes()
        epoch = self._current_epoch()
        try:
            route = self._routing.prepare(self._own_container)
        except EngineError as e:
            self._close_changes(changes)
            self._start_fallback(f"no metadata network: {e}")
            self._start_endpoint_relay()
            return
        self._network = route.network
        try:
            listener = self._routed_listener(route.upstream_host)
            listener.start()
            try:
                self._routing.start_responder(route, self._image)
            except BaseException:
                listener.stop()
                raise
            self._route, self._listener = route, listener
            self._registration = "{} {} {}".format(*listener.address, self.keys.relay_secret)
            self._checked(epoch)
            self._refresher.start()
            threading.Thread(
                target=self._watch, args=(changes,), name="imds-events", daemon=True
            ).start()
            self._round_due(route=False)  # instances kept from an earlier run
            LOG.info(
                "IMDS: 169.254.169.254 served on network %s, relayed to %s:%d%s",
                route.network,
                *listener.address,
                f"; instances reach LocalStack at http://{self._localstack_name}:{INSIDE_PORT}"
                if self._zone is not None
                else "",
            )
        except (EngineError, OSError) as e:
            self._close_changes(changes)
            self._start_fallback(f"no responder: {e}")
        self._start_endpoint_relay()

    def _routed_listener(self, host: str) -> MetadataListener:
        """The listener behind the responder: the metadata service and, when instances are
        given LocalStack's name, its resolver and gateway."""
        streams: dict[str, Stream] = {}
        if self._zone is not None:
            streams = {RESOLVER_TAG: self._resolve, GATEWAY_TAG: self._to_gateway}
        return MetadataListener(host, self._answer, self.keys.relay_secret, streams=streams)

    def _resolve(
        self, _connection: socket.socket, rfile: io.BufferedIOBase, wfile: io.BufferedIOBase
    ) -> None:
        if self._zone is not None:
            serve(rfile, wfile, self._zone, UdpUpstream.from_resolv_conf())

    def _to_gateway(
        self, connection: socket.socket, rfile: io.BufferedIOBase, _wfile: io.BufferedIOBase
    ) -> None:
        relay(connection, rfile.read1, self._gateway)

    def resolver(self) -> str | None:
        """The name server of a new instance: the responder's, while 169.254.169.254 is routed
        and instances are given LocalStack's name; None: the engine's default."""
        return RESOLVER_ADDRESS if self._zone is not None and self._route is not None else None

    def _start_fallback(self, reason: str) -> None:
        host = self._fallback_host or self._routing.gateway_of(self._instance_network)
        if not host:
            LOG.warning("IMDS: not available (%s) and no fallback address", reason)
            return
        try:
            listener = MetadataListener(host, self._answer, None)
        except OSError as e:
            LOG.warning("IMDS: not available (%s); fallback on %s failed: %s", reason, host, e)
            return
        listener.start()
        self._listener = listener
        self._fallback_endpoint = "http://{}:{}".format(*listener.address)
        LOG.warning(
            "IMDS: 169.254.169.254 not routed (%s); instances get "
            "AWS_EC2_METADATA_SERVICE_ENDPOINT=%s",
            reason,
            self._fallback_endpoint,
        )

    def _start_endpoint_relay(self) -> None:
        if self._endpoint_url:
            return
        host = self._fallback_host or self._routing.gateway_of(self._instance_network)
        if not host:
            return
        try:  # LocalStack's own port when free: the URL in kept instances survives a restart
            relay = EndpointRelay(host, self._gateway[1], self._gateway)
        except OSError:
            try:
                relay = EndpointRelay(host, 0, self._gateway)
            except OSError as e:
                LOG.warning("LocalStack not reachable from instances: %s", e)
                return
        relay.start()
        self._relay = relay
        self._endpoint_url = "http://{}:{}".format(*relay.address)
        LOG.info("LocalStack relayed to instances' bridge at %s", self._endpoint_url)

    def stop(self) -> None:
        """Removes the responder, the listeners and (when no kept instance is on them) the
        networks; instances' requests to 169.254.169.254 then go nowhere. With persistence,
        saves the secrets and profile associations first."""
        save(self._state, self.keys)
        self._stopping.set()
        self._due.set()
        with self._lock:  # a listener _ensure_route made meanwhile is the one stopped
            closables = (self._listener, self._relay)
            changes = self._changes
            self._listener = self._relay = self._changes = None
        for closable in closables:
            if closable is not None:
                closable.stop()
        self._close_changes(changes)
        if self._network is not None:
            try:
                with self._lock:
                    self._routing.unregister(sorted(self._registered), self._registration)
                    self._registered.clear()
                    self._route = None  # no re-joining the upstream network from here on
                gone = self._routing.remove_if_unused()
                LOG.info(
                    "IMDS: our callers unregistered; responder and networks %s",
                    "removed" if gone else "kept (instances on them)",
                )
            except EngineError as e:
                LOG.warning("IMDS: teardown incomplete: %s", e)
        with self._lock:
            self._route = None
            self._network = None

    def launch_extras(
        self, region: str, restore: bool = False
    ) -> tuple[tuple[str, ...], dict[str, str]]:
        """Networks and environment for a new instance container (the shared network and
        responder made again first, should another LocalStack have removed them; with `restore`
        checked now, not at most once a second, as a launch found the network gone). Not
        checked while the engine's events say nothing changed since it was last found whole."""
        if restore:
            with self._lock:
                self._ensured = 0.0
            self._ensure_route()
        elif not self._unchanged():
            self._ensure_route()
        environment = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
        if self.resolver():
            environment["AWS_ENDPOINT_URL"] = f"http://{self._localstack_name}:{INSIDE_PORT}"
        elif self._endpoint_url:
            environment["AWS_ENDPOINT_URL"] = self._endpoint_url
        if self._fallback_endpoint:
            environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = self._fallback_endpoint
        networks = (self._network,) if self._network else ()
        return networks, environment

    def forget(self, instance_id: str) -> None:
        """The instance's credentials are dropped (profile changed, instance gone)."""
        self._credentials.forget(instance_id)

    def _answer(self, caller: str, request: Request) -> Response | None:
        found = self._instance_at(caller)
        facts = instance_facts(*found) if found else None
        role_arn = None
        if found:
            account_id, region, record = found
            if facts is not None and self._connect_keys is not None:
                keys = self._connect_keys(account_id, region, record.instance_id)
                facts = replace(facts, managed_ssh_keys=keys)
            association = profile_associations.get(account_id, region, record.instance_id)
            role_arn = association.role_arn if association else None

        def credentials() -> RoleCredentials | None:
            if not found or not role_arn:
                return None
            return self._credentials.get(found[0], found[1], role_arn, found[2].instance_id)

        return respond(request, facts, self._tokens, self._signer, credentials, time.time())

    def _instance_at(self, address: str) -> tuple[str, str, InstanceRecord] | None:
        """The instance whose container has `address` (on the metadata network, or on its own
        network in fallback mode)."""
        if self._route is None:
            for account_id, region, record in every_record():
                if record.ip_address == address:
                    return account_id, region, record
            return None
        container_id = self._container_at(address)
        if container_id is None:
            return None
        for account_id, region, record in every_record():
            if record.container_id == container_id:
                return account_id, region, record
        return None

    def _container_at(self, address: str) -> str | None:
        with self._lock:
            known = self._by_address.get(address)
            age = time.monotonic() - self._refreshed
        # addresses are re-read often: one freed by a stopped instance may go to another
        if (known is not None and age < _TRUST_SECONDS) or (known is None and age < _MISS_SECONDS):
            return known
        self.refresh()
        with self._lock:
            return self._by_address.get(address)

    def refresh(self) -> bool:
        """Re-reads the metadata network's members and registers our instances' addresses with
        the responder (after a launch, start or reboot an address may be new); False when the
        engine failed. One refresh at a time, from its read to its registrations: a view read
        earlier never overwrites the registrations of a later one (an address Docker gave
        meanwhile to another LocalStack's instance is never registered to us again)."""
        with self._lock:
            if self._route is None:
                return True
            try:
                members = self._routing.members()
            except EngineError as e:
                LOG.warning("IMDS: network members not read: %s", e)
                return False
            ours = {record.container_id for _, _, record in every_record()}
            wanted = {address for cid, address in members.items() if cid in ours}
            # only our live instances: a removed container's endpoint may linger with its
            # address, which Docker may already have given to a new container
            self._by_address = {ip: cid for cid, ip in members.items() if cid in ours}
            self._refreshed = time.monotonic()
            stale, new = self._registered - wanted, wanted - self._registered
            try:
                self._routing.unregister(sorted(stale), self._registration)
                self._routing.register({address: self._registration for address in new})
            except EngineError as e:
                LOG.warning("IMDS: registrations not updated: %s", e)
                return False
            self._registered = wanted
            return True

    def _keep_registered(self) -> None:
        """Until stop, whatever one round raises: a round runs when the engine reported a change
        (or its events were opened again), and at least every backstop period. A round that
        fails is tried again soon, then less and less often while it keeps failing."""
        failures = 0
        while True:
            wait = self._backstop
            if failures:
                wait = min(wait, _RETRY_SECONDS * 2 ** (failures - 1))
            reported = self._due.wait(wait)
            if self._stopping.is_set():
                return
            with self._flags:
                self._due.clear()
                route, self._route_due = self._route_due or not reported, False
            try:
                done = (self._ensure_route(force=True) if route else True) and self.refresh()
            except Exception:
                LOG.exception("IMDS: registration round failed; the next one tries again")
                done = False
            failures = 0 if done else failures + 1
            if not done:
                with self._flags:
                    self._route_due = True

    def _watch(self, changes: "RouteChanges | None") -> None:
        """Follows the engine's events about the route until stop (from the stream start()
        opened, when it could), opening them again when the stream breaks (an engine restart);
        each later opening, and each failed attempt, is followed by a full round, which covers
        whatever happened while no stream was open."""
        wait = _RETRY_SECONDS
        while not self._stopping.is_set():
            if changes is None:
                self._stopping.wait(wait)
                changes = self._open_changes()
                self._round_due(route=True)  # without events, rounds at this pace
                if changes is None:
                    wait = min(self._backstop, 2 * wait)
                    continue
            with self._lock:
                if self._stopping.is_set():
                    break
                self._changes = changes
            wait = _RETRY_SECONDS
            try:
                for change in changes:
                    if change.route:
                        self._new_epoch()
                    self._round_due(change.route)
            except Exception as e:
                LOG.debug("IMDS: engine events ended: %s", e)
            with self._lock:
                if self._changes is changes:
                    self._changes = None
            self._close_changes(changes)
            changes = None
        self._close_changes(changes)

    def _open_changes(self) -> "RouteChanges | None":
        try:
            changes = self._routing.changes()
        except Exception as e:
            LOG.debug("IMDS: engine events not followed: %s", e)
            return None
        with self._flags:
            self._following = True
            self._epoch += 1
        return changes

    def _close_changes(self, changes: "RouteChanges | None") -> None:
        if changes is None:
            return
        with self._flags:
            self._following = False
            self._epoch += 1
        changes.close()

    def _current_epoch(self) -> int:
        with self._flags:
            return self._epoch

    def _new_epoch(self) -> None:
        with self._flags:
            self._epoch += 1

    def _checked(self, epoch: int) -> None:
        """The route was found whole by checks that began in `epoch`."""
        with self._flags:
            if self._following and self._epoch == epoch:
                self._checked_epoch = epoch

    def _unchanged(self) -> bool:
        """Whether the engine's events say the route is as it was last found whole."""
        with self._flags:
            return self._following and self._checked_epoch == self._epoch

    def _round_due(self, route: bool) -> None:
        with self._flags:
            self._route_due = self._route_due or route
        self._due.set()

    def _ensure_route(self, force: bool = False) -> bool:
        """The shared network and responder exist, and our listener sits on the upstream
        network's current gateway; after any of them was made again, every caller of ours is
        registered again. False when that failed. Without `force`, checked at most once per
        spacing: a launch of many instances checks once."""
        if self._route is None or self._listener is None:
            return True
        with self._lock:
            if self._route is None or self._listener is None:
                return True  # stopped meanwhile
            if not force and time.monotonic() - self._ensured < _ENSURE_SPACING:
                return True
            self._ensured = time.monotonic()
            epoch = self._current_epoch()
            try:
                route = self._routing.prepare(self._own_container)
                renewed = self._routing.start_responder(route, self._image)
                if route.upstream_host != self._route.upstream_host:
                    listener = self._routed_listener(route.upstream_host)
                    listener.start()
                    self._listener.stop()
                    self._listener = listener
                    self._registration = "{} {} {}".format(
                        *listener.address, self.keys.relay_secret
                    )
                    renewed = True
                self._route = route
            except (EngineError, OSError) as e:
                LOG.warning("IMDS: shared network or responder not restored: %s", e)
                return False
            if renewed:
                LOG.info("IMDS: responder or upstream listener made again")
                self._registered.clear()
                self._refreshed = 0.0
            self._checked(epoch)
            return True
