"""Session fixtures of the deployment tests: the images are built once per run (our image on the
offline stand-in base, and the test AMI) and shared by every deployment."""

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from harness.localstack_container import ContainerLocalStack, free_port
from harness.localstack_container import docker as docker_cli

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("IMAGE", "localstack-ssm-docker:latest")
AMI_TAG = "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0"
# what LocalStack needs in any deployment here: no calls to the internet
QUIET_ENV = {"DNS_ADDRESS": "0", "SKIP_SSL_CERT_DOWNLOAD": "1", "DISABLE_EVENTS": "1"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/deployments/" in str(item.fspath):
            item.add_marker(pytest.mark.deployments)


@pytest.fixture(scope="session")
def ami() -> str:
    """The test AMI's image on the local engine (built once, offline)."""
    subprocess.run([str(ROOT / "scripts/build-busybox-ami.sh")], check=True, cwd=ROOT)
    return AMI_TAG


@pytest.fixture(scope="session")
def image(ami) -> str:
    """Our image, built (or found in Docker's build cache) once per run."""
    env = {**os.environ, "IMAGE": IMAGE}
    subprocess.run([str(ROOT / "scripts/build-image.sh")], check=True, env=env, cwd=ROOT)
    return IMAGE


@pytest.fixture(scope="session")
def engine() -> docker.DockerClient:
    """The local Docker engine (the one the containers' socket is)."""
    return docker.from_env()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def started_containers() -> Iterator[list[str]]:
    """Names of LocalStack containers a test starts with `docker run`; removed afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        docker_cli("rm", "-f", "-v", name, check=False)


def run_image(image: str, names: list[str], *flags: str, **env: str) -> ContainerLocalStack:
    """`docker run -d` of the image on a free loopback port (not waited for)."""
    name = unique("lsd-test")
    port = free_port()
    env_flags = [f"-e{k}={v}" for k, v in {**QUIET_ENV, **env}.items()]
    names.append(name)
    docker_cli(
        "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:4566", *env_flags, *flags, image
    )
    return ContainerLocalStack(name, port)
