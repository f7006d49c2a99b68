"""The service's setup decisions, with a fake of the routing interface (no Docker)."""

import socket

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.values import MetadataRoute
from localstack_ssm_docker.imds.service import MetadataService
from localstack_ssm_docker.imds.state import Secrets
from tests.unit.imds.conftest import FakeSigner


class FakeRouting:
    network = "localstack-imds-test"

    def __init__(self, prepare_fails=False, responder_fails=False):
        self.prepare_fails = prepare_fails
        self.responder_fails = responder_fails
        self.responders: list[int] = []
        self.removed = False

    def prepare(self, own_container):
        if self.prepare_fails:
            raise EngineError("remote engine")
        return MetadataRoute(self.network, "upstream", "127.0.0.1")

    def start_responder(self, route, image, port, secret):
        if self.responder_fails:
            raise EngineError("no such image")
        self.responders.append(port)

    def remove_responder(self):
        self.removed = True

    def responder_running(self):
        return bool(self.responders)

    def members(self):
        return {}

    def remove_networks(self):
        return True

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
        assert metadata.routed and len(routing.responders) == 1
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
        assert "AWS_EC2_METADATA_SERVICE_ENDPOINT" in environment
        assert not metadata.routed
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
