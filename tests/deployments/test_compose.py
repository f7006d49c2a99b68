"""docker-compose.yml as users run it: the image, the socket, a named volume and PERSISTENCE=1;
instances and Run Command history survive `down && up` (the volume stays)."""

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from harness.localstack_container import ContainerLocalStack, free_port
from tests.deployments import scenario, sessions
from tests.deployments.conftest import ROOT, unique
from tests.integration.helpers import ping_status, poll

# Debian's docker-compose (v1.29, Compose file format v2+) or the compose plugin
COMPOSE = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"]


class Project:
    """One Compose project of docker-compose.yml on a free loopback port."""

    def __init__(self, image: str):
        self.name = unique("lsdcompose").replace("-", "")
        self.port = free_port()
        self.env = {
            **os.environ,
            "IMAGE": image,
            "LOCALSTACK_PORT": str(self.port),
            "COMPOSE_PROJECT_NAME": self.name,
        }

    def compose(self, *args: str) -> str:
        done = subprocess.run(
            [*COMPOSE, "-f", str(ROOT / "docker-compose.yml"), *args],
            env=self.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"compose {args}: {done.stdout}{done.stderr}"
        return done.stdout

    def up(self) -> ContainerLocalStack:
        self.compose("up", "-d")
        container_id = self.compose("ps", "-q", "localstack").strip()
        localstack = ContainerLocalStack(container_id, self.port)
        localstack.wait_ready(localstack.running)
        return localstack


@pytest.fixture(scope="module")
def project(image) -> Iterator[tuple[Project, list[ContainerLocalStack]]]:
    started = Project(image)
    current = [started.up()]
    try:
        yield started, current
    finally:
        started.compose("down", "-v")


def test_instances_and_run_command_with_s3_output(project, engine):
    _, current = project
    scenario.instances_and_run_command(current[0], engine)


def test_sessions_through_the_published_port(project, engine, tmp_path):
    _, current = project
    sessions.sessions(current[0], engine, tmp_path)


def test_instances_and_history_survive_down_and_up(project, engine):
    compose, current = project
    instance_id = scenario.launch(current[0])
    owner = scenario.check_container(engine, instance_id)
    try:
        before = scenario.run(current[0], instance_id, ["echo kept > /root/mark; echo ran"])
        compose.compose("down")
        # PERSISTENCE=1: the instance's container outlives LocalStack's
        assert scenario.container(engine, instance_id).status == "running"
        current[0] = compose.up()
        ssm = current[0].client("ssm")
        poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", 90)
        kept = ssm.get_command_invocation(CommandId=before["CommandId"], InstanceId=instance_id)
        assert (kept["Status"], kept["StandardOutputContent"]) == ("Success", "ran\n")
        assert scenario.check_container(engine, instance_id) == owner
        after = scenario.run(current[0], instance_id, ["cat /root/mark"])
        assert after["StandardOutputContent"] == "kept\n"
        # its AWS_ENDPOINT_URL, LocalStack's name, reaches the new LocalStack container
        scenario.reaches_localstack_at_its_name(current[0], engine, instance_id)
        scenario.terminate(current[0], engine, instance_id)
    finally:
        scenario.remove_owned(engine, owner)
