"""Our image started with `docker run` in set-ups users get wrong or choose: a network of their own
for the instances (EC2_DOCKER_NETWORK), no socket mounted, a socket LocalStack may not open, an
engine that does not answer. LocalStack starts, says in one log line what is missing, and EC2/SSM
answer 503 Unavailable as in host mode; the container keeps running (no crash loop)."""

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from harness.localstack_container import ContainerLocalStack
from harness.localstack_container import docker as docker_cli
from localstack_ssm_docker.engine.docker.imds_network import METADATA_NETWORK
from tests.deployments import scenario
from tests.deployments.conftest import run_image, unique
from tests.integration.helpers import run_command

SOCKET = "/var/run/docker.sock:/var/run/docker.sock"


@pytest.fixture(scope="module")
def setups(image) -> Iterator[tuple[dict[str, ContainerLocalStack], str]]:
    """All the set-ups, started at once (their starts overlap), ready."""
    names: list[str] = []
    network = unique("lsd-net")
    docker_cli("network", "create", network)
    try:
        started = {
            "network": run_image(image, names, "-v", SOCKET, EC2_DOCKER_NETWORK=network),
            "no socket": run_image(image, names),
            "no permission": run_image(image, names, "-v", SOCKET, "--user", "1000:1000"),
            "no engine": run_image(image, names, DOCKER_HOST="tcp://127.0.0.1:9"),
        }
        for localstack in started.values():
            localstack.wait_ready(localstack.running)
        yield started, network
    finally:
        for name in names:
            docker_cli("rm", "-f", "-v", name, check=False)
        docker_cli("network", "rm", network, check=False)


def test_instances_join_ec2_docker_network_and_reach_localstack_there(setups, engine):
    started, network = setups
    localstack = started["network"]
    instance_id = scenario.launch(localstack)
    try:
        attached = scenario.container(engine, instance_id).attrs["NetworkSettings"]["Networks"]
        # the instances' network, and the metadata network that serves 169.254.169.254
        assert sorted(attached) == sorted([network, METADATA_NETWORK])
        # LocalStack's container joined the instances' network; they reach it there
        address = localstack.address(network)
        assert address
        assert f"they reach LocalStack at {address}" in localstack.logs()
        result = scenario.run(
            localstack,
            instance_id,
            [scenario.health_request(address)],
        )
        assert result["StandardOutputContent"].startswith("HTTP/1.0 200"), result
        # and at LocalStack's name, through the metadata network
        scenario.reaches_localstack_at_its_name(localstack, engine, instance_id)
    finally:
        scenario.terminate(localstack, engine, instance_id)


@pytest.mark.parametrize(
    ("setup", "said"),
    [
        ("no socket", "No Docker socket at /var/run/docker.sock"),
        ("no permission", "may not be opened by this process (uid 1000, gid 1000)"),
        ("no engine", "The Docker engine at tcp://127.0.0.1:9 does not answer"),
    ],
)
def test_without_a_usable_engine_localstack_starts_says_why_and_answers_503(setups, setup, said):
    localstack = setups[0][setup]
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    with pytest.raises(ClientError) as raised:
        ec2.run_instances(ImageId=scenario.AMI_ID, MinCount=1, MaxCount=1)
    assert raised.value.response["Error"]["Code"] == "Unavailable"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    with pytest.raises(ClientError) as raised:
        run_command(ssm, "i-0123456789abcdef0", ["id"])
    assert raised.value.response["Error"]["Code"] == "Unavailable"
    assert ssm.describe_instance_information()["InstanceInformationList"] == []
    assert localstack.logs().count(said) == 1
    state = localstack.state()
    assert state["Running"] and not state["Restarting"]
