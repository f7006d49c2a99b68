"""The service's setup decisions, with a fake of the routing interface (no Docker)."""

import queue
import socket
import threading

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.values import MetadataRoute, RouteChange
from localstack_ssm_docker.imds.service import MetadataService
from localstack_ssm_docker.imds.state import Secrets
from tests.unit.imds.conftest import FakeSigner


class FakeChanges:
    """An event stream that reports what the test emits, until closed or broken."""

    _END = object()

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self.closed = threading.Event()

    def emit(self, change: RouteChange) -> None:
        self._queue.put(change)

    def __iter__(self):
        while (change := self._queue.get()) is not self._END:
            yield change

    def close(self):
        self.closed.set()
        self._queue.put(self._END)


class FakeRouting:
    network = "localstack-imds-test"

    def __init__(self, prepare_fails=False, responder_fails=False):
        self.prepare_fails = prepare_fails
        self.responder_fails = responder_fails
        self.responders: list[str] = []
        self.registered: dict[str, str] = {}
        self.member_addresses: dict[str, str] = {}
        self.removed = False
        self.streams: queue.Queue[FakeChanges] = queue.Queue()  # each one opened, in order
        self.rounds: queue.Queue[dict[str, str]] = queue.Queue()  # what each members() read
        self.registrations: queue.Queue[dict[str, str]] = queue.Queue()  # each register() call

    def prepare(self, own_container):
        if self.prepare_fails:
            raise EngineError("remote engine")
        return MetadataRoute(self.network, "upstream", "127.0.0.1")

    def start_responder(self, route, image):
        if self.responder_fails:
            raise EngineError("no such image")
        if self.responders:  # already running: kept
            return False
        self.responders.append(image)
        return True

    def register(self, entries):
        self.registered.update(entries)
        if entries:
            self.registrations.put(dict(entries))

    def unregister(self, addresses, registration):
        for address in addresses:
            if self.registered.get(address) == registration:  # as the responder's script does
                del self.registered[address]

    def members(self):
        self.rounds.put(dict(self.member_addresses))
        return dict(self.member_addresses)

    def remove_if_unused(self):
        self.removed = True
        return True

    def changes(self):
        stream = FakeChanges()
        self.streams.put(stream)
        return stream

    def gateway_of(self, network):
        return "127.0.0.1"


def service(routing, **kwargs) -> MetadataService:
    return MetadataService(
        routing,
        FakeSigner(),
        Secrets.new(),
        responder_image="img",
        instance_network="bridge",
        gateway=("127.0.0.1", 0),
        **kwargs,
    )


def test_routed_instances_join_the_network_and_get_region_and_endpoint():
    routing = FakeRouting()
    metadata = service(routing)
    metadata.start()
    try:
        networks, environment = metadata.launch_extras("eu-west-1")
        assert networks == ("localstack-imds-test",)
        assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert environment["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        assert "AWS_EC2_METADATA_SERVICE_ENDPOINT" not in environment
        assert len(routing.responders) == 1
    finally:
        metadata.stop()
    assert routing.removed


def test_without_a_network_instances_get_the_fallback_endpoint():
    metadata = service(FakeRouting(prepare_fails=True))
    metadata.start()
    try:
        networks, environment = metadata.launch_extras("us-east-1")
        assert networks == ()
        endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
        host, port = endpoint.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(b"GET /latest/meta-data/ HTTP/1.0\r\n\r\n")
            assert connection.recv(100).startswith(b"HTTP/1.1 404")  # not an instance's address
    finally:
        metadata.stop()


def test_a_failed_responder_still_puts_instances_on_the_network():
    metadata = service(FakeRouting(responder_fails=True))
    metadata.start()
    try:
        networks, environment = metadata.launch_extras("us-east-1")
        assert networks == ("localstack-imds-test",)  # 169.254.169.254 goes nowhere in them
        assert "AWS_EC2_METADATA_SERVICE_ENDPOINT" in environment  # not routed: the fallback
    finally:
        metadata.stop()


def test_configured_endpoint_url_is_given_as_is():
    metadata = service(FakeRouting(), endpoint_url="http://localstack:4566")
    metadata.start()
    try:
        assert (
            metadata.launch_extras("us-east-1")[1]["AWS_ENDPOINT_URL"] == "http://localstack:4566"
        )
    finally:
        metadata.stop()


def test_our_instances_are_registered_with_the_responder_and_unregistered_at_stop():
    from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

    routing = FakeRouting()
    routing.member_addresses = {"c-ours": "169.254.169.2", "c-theirs": "169.254.169.3"}
    store = instance_stores["000000000001"]["us-east-1"]
    store.instances["i-1"] = InstanceRecord("i-1", "ami-1", "img", "c-ours", "172.17.0.2", "h", 0.0)
    metadata = service(routing)
    metadata.start()
    try:
        metadata.refresh()
        assert list(routing.registered) == ["169.254.169.2"]
        host, port, secret = routing.registered["169.254.169.2"].split(" ")
        assert (host, secret) == ("127.0.0.1", metadata.keys.relay_secret) and port.isdigit()
        routing.member_addresses = {"c-ours": "169.254.169.9"}  # a restart gave a new address
        metadata.refresh()
        assert list(routing.registered) == ["169.254.169.9"]
    finally:
        metadata.stop()
        del store.instances["i-1"]
    assert routing.registered == {} and routing.removed


def test_a_launch_during_stop_does_not_prepare_the_route_again():
    """(prepare joins LocalStack's container to the upstream network, which stop leaves)"""

    class RacingRouting(FakeRouting):
        prepared = 0

        def prepare(self, own_container):
            self.prepared += 1
            return super().prepare(own_container)

        def remove_if_unused(self):
            metadata.launch_extras("us-east-1")  # a launch while LocalStack stops
            return super().remove_if_unused()

    routing = RacingRouting()
    metadata = service(routing)
    metadata.start()
    metadata.stop()
    assert routing.removed and routing.prepared == 1


def test_an_address_another_localstack_registered_meanwhile_is_left_to_it():
    from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

    routing = FakeRouting()
    routing.member_addresses = {"c-ours": "169.254.169.2"}
    store = instance_stores["000000000002"]["us-east-1"]
    store.instances["i-2"] = InstanceRecord("i-2", "ami-1", "img", "c-ours", "172.17.0.2", "h", 0.0)
    metadata = service(routing)
    metadata.start()
    try:
        metadata.refresh()
        del store.instances["i-2"]  # terminated; Docker gives its address to another LocalStack's
        routing.registered["169.254.169.2"] = "10.0.0.9 4242 their-secret"
        routing.member_addresses = {"c-theirs": "169.254.169.2"}
        metadata.refresh()
        assert routing.registered == {"169.254.169.2": "10.0.0.9 4242 their-secret"}
    finally:
        metadata.stop()
        store.instances.pop("i-2", None)


def test_a_registration_round_that_raises_does_not_end_the_registrations():
    import threading

    from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

    class OnceFailingRouting(FakeRouting):
        def __init__(self):
            super().__init__()
            self.failed = threading.Event()
            self.registered_event = threading.Event()

        def members(self):
            if threading.current_thread().name == "imds-registrations" and not self.failed.is_set():
                self.failed.set()
                raise RuntimeError("dictionary changed size during iteration")
            return super().members()

        def register(self, entries):
            super().register(entries)
            if entries:
                self.registered_event.set()

    routing = OnceFailingRouting()
    metadata = service(routing)
    metadata.start()
    store = instance_stores["000000000003"]["us-east-1"]
    try:
        assert routing.failed.wait(10)  # the refresher's round raised
        routing.member_addresses = {"c-later": "169.254.169.7"}
        store.instances["i-3"] = InstanceRecord(
            "i-3", "ami-1", "img", "c-later", "172.17.0.3", "h", 0.0
        )  # launched after that round
        assert routing.registered_event.wait(10), "no round registered the later instance"
        assert list(routing.registered) == ["169.254.169.7"]
    finally:
        metadata.stop()
        store.instances.pop("i-3", None)


def test_the_metadata_listener_listens_on_the_socket_that_found_its_port_free():
    from localstack_ssm_docker.imds.server import MetadataListener

    listener = MetadataListener("127.0.0.1", lambda caller, request: None, None)
    listener.start()
    try:
        host, port = listener.address
        assert host == "127.0.0.1" and port > 0
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(b"GET /latest/meta-data/ HTTP/1.0\r\n\r\n")
            assert connection.recv(100) == b""  # answered (closed) by this listener
    finally:
        listener.stop()


class RoutedInstance:
    """One instance of ours in the store, at `address` on the metadata network once it joins."""

    def __init__(self, account: str, address: str):
        from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

        self.address = address
        self._store = instance_stores[account]["us-east-1"]
        self._store.instances["i-e"] = InstanceRecord(
            "i-e", "ami-1", "img", "c-e", "172.17.0.9", "h", 0.0
        )

    def joins(self, routing: FakeRouting) -> None:
        routing.member_addresses = {"c-e": self.address}

    def remove(self) -> None:
        self._store.instances.pop("i-e", None)


def started(routing: FakeRouting, **kwargs) -> tuple[MetadataService, FakeChanges]:
    """A started service whose first round (after its events were opened) is done."""
    metadata = service(routing, **kwargs)
    metadata.start()
    stream = routing.streams.get(timeout=10)
    routing.rounds.get(timeout=10)
    return metadata, stream


QUIET = 3600.0  # a backstop no test waits for: what happens comes from the events


def test_an_instance_that_joins_the_network_is_registered_when_the_engine_reports_it():
    routing = FakeRouting()
    instance = RoutedInstance("000000000011", "169.254.168.5")
    metadata, stream = started(routing, backstop_seconds=QUIET)
    try:
        instance.joins(routing)
        assert routing.registered == {}  # nothing reads the network by itself
        stream.emit(RouteChange())
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.5"]
    finally:
        metadata.stop()
        instance.remove()


def test_a_reported_responder_change_makes_it_again_with_every_registration():
    routing = FakeRouting()
    instance = RoutedInstance("000000000012", "169.254.168.6")
    instance.joins(routing)
    metadata, stream = started(routing, backstop_seconds=QUIET)
    try:
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.6"]
        routing.responders.clear()  # removed, with its registrations
        routing.registered.clear()
        stream.emit(RouteChange(route=True))
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.6"]
        assert routing.responders == ["img"]
    finally:
        metadata.stop()
        instance.remove()


def test_a_change_no_event_reported_is_caught_by_the_backstop_round():
    routing = FakeRouting()
    instance = RoutedInstance("000000000013", "169.254.168.7")
    metadata, _ = started(routing, backstop_seconds=0.2)
    try:
        instance.joins(routing)  # and the engine says nothing
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.7"]
    finally:
        metadata.stop()
        instance.remove()


def test_events_that_break_off_are_opened_again_and_a_round_covers_the_gap():
    routing = FakeRouting()
    instance = RoutedInstance("000000000014", "169.254.168.8")
    metadata, stream = started(routing, backstop_seconds=QUIET)
    try:
        stream.close()  # the engine restarted: its stream ended
        instance.joins(routing)  # while no stream was open
        routing.streams.get(timeout=10)
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.8"]
    finally:
        metadata.stop()
        instance.remove()


def test_without_the_engines_events_rounds_still_register_instances():
    class EventlessRouting(FakeRouting):
        def changes(self):
            raise EngineError("no events on this engine")

    routing = EventlessRouting()
    instance = RoutedInstance("000000000015", "169.254.168.9")
    instance.joins(routing)
    metadata = service(routing, backstop_seconds=QUIET)
    metadata.start()
    try:
        assert list(routing.registrations.get(timeout=10)) == ["169.254.168.9"]
    finally:
        metadata.stop()
        instance.remove()


def test_stop_closes_the_engines_events():
    routing = FakeRouting()
    metadata, stream = started(routing, backstop_seconds=QUIET)
    metadata.stop()
    assert stream.closed.is_set()


class CountingRouting(FakeRouting):
    def __init__(self):
        super().__init__()
        self.prepared = 0

    def prepare(self, own_container):
        self.prepared += 1
        return super().prepare(own_container)


def test_launches_do_not_check_the_route_while_the_engine_reports_no_change_to_it():
    routing = CountingRouting()
    metadata, stream = started(routing, backstop_seconds=QUIET)
    try:
        for _ in range(3):
            assert metadata.launch_extras("us-east-1")[0] == ("localstack-imds-test",)
        assert routing.prepared == 1  # start's own
        stream.emit(RouteChange(route=True))  # e.g. the responder was removed
        routing.rounds.get(timeout=10)  # the round that followed checked it
        assert routing.prepared == 2
        metadata.launch_extras("us-east-1")
        assert routing.prepared == 2  # found whole after the change
    finally:
        metadata.stop()


def test_without_the_engines_events_a_launch_checks_the_route():
    class EventlessRouting(CountingRouting):
        def changes(self):
            raise EngineError("no events on this engine")

    routing = EventlessRouting()
    metadata = service(routing, backstop_seconds=QUIET)
    metadata.start()
    try:
        metadata.launch_extras("us-east-1")
        assert routing.prepared == 2
    finally:
        metadata.stop()


def test_a_stopped_metadata_listener_refuses_connections():
    from localstack_ssm_docker.imds.server import MetadataListener

    listener = MetadataListener("127.0.0.1", lambda caller, request: None, None)
    listener.start()
    host, port = listener.address
    listener.stop()
    try:
        socket.create_connection((host, port), timeout=5).close()
        refused = False
    except ConnectionRefusedError:
        refused = True
    assert refused


def named_service(routing, gateway=("127.0.0.1", 0)) -> MetadataService:
    return MetadataService(
        routing,
        FakeSigner(),
        Secrets.new(),
        responder_image="img",
        instance_network="bridge",
        gateway=gateway,
        localstack_name="localhost.localstack.cloud",
    )


def listener_of(metadata: MetadataService, routing: FakeRouting) -> tuple[str, int]:
    """Where the responder is told to relay our instances' connections to."""
    from localstack_ssm_docker.ec2.models import InstanceRecord, instance_stores

    routing.member_addresses = {"c-named": "169.254.168.7"}
    store = instance_stores["000000000001"]["us-east-1"]
    store.instances["i-n"] = InstanceRecord("i-n", "ami-1", "img", "c-named", "172.17.0.9", "h", 0)
    try:
        metadata.refresh()
    finally:
        del store.instances["i-n"]
    host, port, _ = routing.registered["169.254.168.7"].split(" ")
    return host, int(port)


def preamble(tag: str, secret: str) -> bytes:
    return f"{tag} {secret} 0000000000000000FFFF000007A8FEA9:C350\n".encode()


def test_named_instances_get_the_resolver_and_localstacks_name_as_endpoint():
    metadata = named_service(FakeRouting())
    metadata.start()
    try:
        _, environment = metadata.launch_extras("us-east-1")
        assert environment["AWS_ENDPOINT_URL"] == "http://localhost.localstack.cloud:4566"
        assert metadata.resolver() == "169.254.169.253"
    finally:
        metadata.stop()


def test_without_the_route_named_instances_keep_the_relay_and_the_engines_resolver():
    metadata = named_service(FakeRouting(prepare_fails=True))
    metadata.start()
    try:
        _, environment = metadata.launch_extras("us-east-1")
        assert environment["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        assert metadata.resolver() is None
    finally:
        metadata.stop()


def test_unnamed_instances_keep_the_engines_resolver():
    metadata = service(FakeRouting())
    metadata.start()
    try:
        assert metadata.resolver() is None
    finally:
        metadata.stop()


def test_the_routed_listener_answers_dns_behind_the_responder():
    import dns.message
    import dns.rcode

    routing = FakeRouting()
    metadata = named_service(routing)
    metadata.start()
    try:
        address = listener_of(metadata, routing)
        query = dns.message.make_query("mybucket.s3.localhost.localstack.cloud", "A").to_wire()
        with socket.create_connection(address, timeout=5) as connection:
            head = preamble("LSDNS", metadata.keys.relay_secret)
            connection.sendall(head + len(query).to_bytes(2, "big") + query)
            length = int.from_bytes(connection.recv(2), "big")
            data = b""
            while len(data) < length:
                data += connection.recv(length - len(data))
        response = dns.message.from_wire(data)
        assert response.rcode() == dns.rcode.NOERROR
        assert [r.address for r in response.answer[0]] == ["169.254.169.253"]
    finally:
        metadata.stop()


def test_the_routed_listener_ends_a_dns_stream_soon_after_its_answer():
    import dns.message

    routing = FakeRouting()
    metadata = named_service(routing)
    metadata.start()
    try:
        address = listener_of(metadata, routing)
        query = dns.message.make_query("localhost.localstack.cloud", "A").to_wire()
        with socket.create_connection(address, timeout=5) as connection:
            head = preamble("LSDNS", metadata.keys.relay_secret)
            connection.sendall(head + len(query).to_bytes(2, "big") + query)
            connection.settimeout(2)  # well under the listener's 5 s read timeout
            received = b""
            while chunk := connection.recv(4096):  # until the listener closes the stream
                received += chunk
        length = int.from_bytes(received[:2], "big")
        assert dns.message.from_wire(received[2:]).id == int.from_bytes(query[:2], "big")
        assert len(received) == 2 + length
    finally:
        metadata.stop()


def test_the_routed_listener_passes_the_gateway_port_to_localstack():
    gateway = socket.create_server(("127.0.0.1", 0))
    received: queue.Queue[bytes] = queue.Queue()

    def localstack():
        connection, _ = gateway.accept()
        with connection:
            data = b""
            while not data.endswith(b"\r\n\r\n"):
                data += connection.recv(4096)
            received.put(data)
            connection.sendall(b"HTTP/1.0 200 OK\r\n\r\nhealthy")

    threading.Thread(target=localstack, daemon=True).start()
    routing = FakeRouting()
    metadata = named_service(routing, gateway=gateway.getsockname())
    metadata.start()
    try:
        address = listener_of(metadata, routing)
        request = (
            b"GET /_localstack/health HTTP/1.1\r\nHost: localhost.localstack.cloud:4566\r\n\r\n"
        )
        with socket.create_connection(address, timeout=5) as connection:
            connection.sendall(preamble("LSAWS", metadata.keys.relay_secret) + request)
            answer = b""
            while chunk := connection.recv(4096):
                answer += chunk
        assert received.get(timeout=5) == request  # the Host header as the caller sent it
        assert answer == b"HTTP/1.0 200 OK\r\n\r\nhealthy"
    finally:
        metadata.stop()
        gateway.close()


def test_a_stream_without_the_secret_gets_nothing():
    routing = FakeRouting()
    metadata = named_service(routing)
    metadata.start()
    try:
        address = listener_of(metadata, routing)
        with socket.create_connection(address, timeout=5) as connection:
            connection.sendall(preamble("LSAWS", "not-the-secret") + b"GET / HTTP/1.0\r\n\r\n")
            assert connection.recv(100) == b""
    finally:
        metadata.stop()
