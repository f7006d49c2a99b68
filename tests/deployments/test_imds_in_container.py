"""The instance metadata service and AWS_ENDPOINT_URL when LocalStack itself runs in a container
with the Docker socket mounted (`make run-docker`): with no EC2_INSTANCE_ENDPOINT_URL, an instance
gets http://localhost.localstack.cloud:4566 as its endpoint (the name resolved at 169.254.169.253,
relayed to LocalStack's container), 169.254.169.254 is on-link on our metadata
network in it, and the shared responder relays to the listener of LocalStack's container on the
upstream network. At stop, LocalStack's container leaves that network.

This machine has a metadata service of its own at 169.254.169.254: nothing is sent there from an
instance before its route was checked, without sending, to be ours (imds_helpers)."""

import json
from collections.abc import Iterator

import pytest

from harness.localstack_container import ContainerLocalStack
from harness.localstack_container import docker as docker_cli
from tests.deployments import scenario
from tests.deployments.conftest import run_image
from tests.integration.imds_helpers import assert_route_is_ours, host_route

SOCKET = "/var/run/docker.sock:/var/run/docker.sock"
UPSTREAM_NETWORK = "localstack-imds-upstream"
# what the instance runs: IMDSv1 through the route checked above, then LocalStack's health
# endpoint at the instance's own AWS_ENDPOINT_URL (nc's input stays open while the answer comes:
# LocalStack drops a request whose client half-closed)
IMDS_REQUEST = (
    "printf 'GET /latest/meta-data/instance-id HTTP/1.0\\r\\n\\r\\n' | nc -w 5 169.254.169.254 80"
)
HEALTH_REQUEST = (
    'u=${AWS_ENDPOINT_URL#http://}; h=${u%%:*}; p=${u##*:}; echo "endpoint $h $p"; '
    "(printf 'GET /_localstack/health HTTP/1.0\\r\\n\\r\\n'; sleep 5) "
    '| nc -w 5 "$h" "$p" | head -n 1'
)


@pytest.fixture
def localstack(image, started_containers) -> Iterator[ContainerLocalStack]:
    """Our image as `make run-docker` starts it: the socket mounted, no endpoint configured."""
    started = run_image(image, started_containers, "-v", SOCKET)
    started.wait_ready(started.running)
    yield started


def networks_of(container: str) -> dict:
    out = docker_cli("inspect", "--format", "{{json .NetworkSettings.Networks}}", container)
    return json.loads(out) or {}


def test_instance_gets_metadata_and_reaches_localstack_in_its_container(localstack, engine):
    before = host_route()
    instance_id = scenario.launch(localstack)
    owner = scenario.check_container(engine, instance_id)
    try:
        instance = scenario.container(engine, instance_id)
        environment = dict(v.split("=", 1) for v in instance.attrs["Config"]["Env"])
        assert environment["AWS_ENDPOINT_URL"] == f"http://{scenario.LOCALSTACK_NAME}:4566"
        assert "AWS_EC2_METADATA_SERVICE_ENDPOINT" not in environment  # routed, no fallback
        # LocalStack's container joined the upstream network; its listener is there
        upstream = networks_of(localstack.container)[UPSTREAM_NETWORK]["IPAddress"]
        assert f"relayed to {upstream}:" in localstack.logs()
        assert "LocalStack not reachable from instances" not in localstack.logs()

        assert_route_is_ours(instance)  # before anything goes to 169.254.169.254
        imds = scenario.run(localstack, instance_id, [IMDS_REQUEST])
        assert imds["Status"] == "Success", imds
        head, _, body = imds["StandardOutputContent"].partition("\r\n\r\n")
        assert head.startswith("HTTP/1.1 200"), imds
        assert body == instance_id

        health = scenario.run(localstack, instance_id, [HEALTH_REQUEST])
        assert health["Status"] == "Success", health
        said, status = health["StandardOutputContent"].splitlines()
        # the instance's own AWS_ENDPOINT_URL
        assert said == f"endpoint {scenario.LOCALSTACK_NAME} 4566"
        assert status.startswith("HTTP/1.0 200"), health
        assert host_route() == before
        scenario.terminate(localstack, engine, instance_id)
    finally:
        scenario.remove_owned(engine, owner)


def test_localstack_container_leaves_the_upstream_network_at_stop(localstack):
    localstack.client("ec2").describe_instances()  # EC2 starts: the metadata service with it
    assert UPSTREAM_NETWORK in networks_of(localstack.container)
    docker_cli("stop", "--time", "30", localstack.container, timeout=90)
    assert "IMDS: our callers unregistered" in localstack.logs()
    assert UPSTREAM_NETWORK not in networks_of(localstack.container)
