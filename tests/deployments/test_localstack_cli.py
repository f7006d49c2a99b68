"""LocalStack's own CLI (`localstack start -d` with IMAGE_NAME, then `localstack wait`), from the
`localstack` package pinned in the Makefile and installed in a venv of its own (`make
localstack-cli`): it starts our image without an auth token, the socket mounted, the volume at
LOCALSTACK_VOLUME_DIR."""

import os
import subprocess
from collections.abc import Iterator

import pytest

from harness.localstack_container import ContainerLocalStack, free_port
from harness.localstack_container import docker as docker_cli
from tests.deployments import scenario, sessions
from tests.deployments.conftest import ROOT, unique

CLI = ROOT / ".venv-cli" / "bin" / "localstack"


def _cli(*args: str, env: dict[str, str], timeout: float = 240) -> str:
    done = subprocess.run(
        [str(CLI), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"localstack {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def cli_localstack(image, tmp_path_factory) -> Iterator[ContainerLocalStack]:
    subprocess.run(["make", "-s", "localstack-cli"], cwd=ROOT, check=True)  # once: a marker
    name, port = unique("lsd-cli"), free_port()
    # the host's CA bundle variable would be forwarded into the container, where its path is not
    env = {k: v for k, v in os.environ.items() if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    env.update(
        IMAGE_NAME=image,
        MAIN_CONTAINER_NAME=name,
        GATEWAY_LISTEN=f"127.0.0.1:{port}",
        LOCALSTACK_VOLUME_DIR=str(tmp_path_factory.mktemp("cli") / "volume"),
        DISABLE_EVENTS="1",  # the CLI's own analytics too
        LOCALSTACK_DNS_ADDRESS="0",
        LOCALSTACK_SKIP_SSL_CERT_DOWNLOAD="1",
    )
    env.pop("LOCALSTACK_AUTH_TOKEN", None)
    try:
        _cli("start", "-d", env=env)
        _cli("wait", "-t", "180", env=env)
        yield ContainerLocalStack(name, port)
    finally:
        subprocess.run([str(CLI), "stop"], env=env, capture_output=True, timeout=120, check=False)
        docker_cli("rm", "-f", name, check=False)


def test_the_cli_starts_our_image_without_an_auth_token(cli_localstack):
    state = cli_localstack.state()
    assert state["Running"]
    assert "Ready." in cli_localstack.logs()


def test_instances_and_run_command_with_s3_output(cli_localstack, engine):
    scenario.instances_and_run_command(cli_localstack, engine)


def test_instances_reach_localstack_at_localhost_localstack_cloud(cli_localstack, engine):
    instance_id = scenario.launch(cli_localstack)
    try:
        scenario.reaches_localstack_at_its_name(cli_localstack, engine, instance_id)
    finally:
        scenario.terminate(cli_localstack, engine, instance_id)


def test_sessions_through_the_published_port(cli_localstack, engine, tmp_path):
    sessions.sessions(cli_localstack, engine, tmp_path)
