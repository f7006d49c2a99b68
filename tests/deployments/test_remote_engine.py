"""LocalStack on the host driving a second Docker engine, in a network namespace of its own and
reached over TCP only (DOCKER_HOST=tcp://...): the engine's filesystem is not LocalStack's, so
scripts, user data and files travel over the Docker API. Launch, Run Command with S3 output (and a
script too large to travel inside the exec call), stop/start/reboot, cleanup at shutdown, and the
one log line for what cannot work across engines."""

import os
import subprocess
import uuid
from collections.abc import Iterator

import docker
import pytest
from botocore.exceptions import ClientError

from harness.localstack_process import LocalStack
from tests.deployments import scenario, sessions
from tests.deployments.conftest import ROOT
from tests.integration.helpers import ping_status, poll, run_command

# a private /30 that no route of this host covers (checked by scripts/remote-engine.sh)
HOST_ADDRESS = os.environ.get("REMOTE_ENGINE_HOST_ADDRESS", "10.231.147.1")
ENGINE_ADDRESS = os.environ.get("REMOTE_ENGINE_ADDRESS", "10.231.147.2")
# the next /30, for an engine of one test's own
SECOND_HOST_ADDRESS = os.environ.get("SECOND_ENGINE_HOST_ADDRESS", "10.231.147.5")
SECOND_ENGINE_ADDRESS = os.environ.get("SECOND_ENGINE_ADDRESS", "10.231.147.6")


@pytest.fixture(scope="session")
def remote_engine(ami) -> Iterator[docker.DockerClient]:
    """dockerd in a network namespace over TCP, the test AMI loaded into it; torn down after."""
    name = f"lsd{uuid.uuid4().hex[:6]}"
    state = f"/var/tmp/{name}-engine"
    script = str(ROOT / "scripts/remote-engine.sh")
    try:
        subprocess.run([script, "up", name, HOST_ADDRESS, ENGINE_ADDRESS, state], check=True)
        url = f"tcp://{ENGINE_ADDRESS}:2375"
        saved = subprocess.Popen(["docker", "save", ami], stdout=subprocess.PIPE)
        subprocess.run(["docker", "-H", url, "load", "-q"], stdin=saved.stdout, check=True)
        assert saved.wait() == 0
        yield docker.DockerClient(base_url=url)
    finally:
        subprocess.run([script, "down", name, state], check=True)


@pytest.fixture(scope="module")
def remote(remote_engine, tmp_path_factory) -> Iterator[LocalStack]:
    """A host-mode LocalStack whose instances run on the remote engine; a bind mount configured
    (it names the engine host's paths: said in one log line)."""
    runtime = LocalStack(
        tmp_path_factory.mktemp("remote"),
        env={
            "DOCKER_HOST": f"tcp://{ENGINE_ADDRESS}:2375",
            "EC2_DOCKER_FLAGS": "-v /tmp:/mnt/engine-tmp:ro",
        },
    )
    yield runtime
    runtime.stop()


def test_instances_and_run_command_with_s3_output(remote, remote_engine, engine):
    instance_id = scenario.launch(remote)
    # the container is on the remote engine, not on the local one
    assert scenario.exists(remote_engine, instance_id)
    assert not scenario.exists(engine, instance_id)
    scenario.terminate(remote, remote_engine, instance_id)
    scenario.instances_and_run_command(remote, remote_engine)


def test_command_sessions_work_and_port_forwarding_is_refused(remote, remote_engine, tmp_path):
    """Execs travel over the engine's TCP connection; the instance's ports are on the engine's
    networks, which LocalStack cannot reach: the client is told per connection."""
    instance_id = scenario.launch(remote)
    try:
        hostname = scenario.container(remote_engine, instance_id).attrs["Config"]["Hostname"]
        sessions.command_session(remote, instance_id, hostname, tmp_path / "command.log")
        sessions.port_forwarding_refused(remote, instance_id, tmp_path / "port.log")
    finally:
        scenario.terminate(remote, remote_engine, instance_id)


def test_a_large_script_and_user_data_travel_over_the_api(remote, remote_engine):
    ec2 = remote.client("ec2")
    instance_id = ec2.run_instances(
        ImageId=scenario.AMI_ID,
        MinCount=1,
        MaxCount=1,
        UserData="#!/bin/sh\necho booted > /root/ud\n",
    )["Instances"][0]["InstanceId"]
    try:
        poll(lambda: ping_status(remote.client("ssm"), instance_id), lambda s: s == "Online", 90)
        poll(
            lambda: scenario.run(remote, instance_id, ["cat /root/ud || true"]),
            lambda r: r["StandardOutputContent"] == "booted\n",
            60,
        )
        filler = "x" * 120_000  # above the size sent inside the exec call: copied in first
        result = scenario.run(remote, instance_id, [f": {filler}", "echo large script ran"])
        assert (result["Status"], result["StandardOutputContent"]) == (
            "Success",
            "large script ran\n",
        )
    finally:
        scenario.terminate(remote, remote_engine, instance_id)


def test_stop_start_and_reboot(remote, remote_engine):
    ec2, ssm = remote.client("ec2"), remote.client("ssm")
    instance_id = scenario.launch(remote)
    try:
        scenario.run(remote, instance_id, ["echo kept > /root/mark"])
        ec2.stop_instances(InstanceIds=[instance_id])
        poll(
            lambda: scenario.container(remote_engine, instance_id).status,
            lambda s: s == "exited",
            60,
        )
        poll(lambda: ping_status(ssm, instance_id), lambda s: s is None, 30)
        ec2.start_instances(InstanceIds=[instance_id])
        poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", 60)
        assert (
            scenario.run(remote, instance_id, ["cat /root/mark"])["StandardOutputContent"]
            == "kept\n"
        )
        started_at = scenario.container(remote_engine, instance_id).attrs["State"]["StartedAt"]
        ec2.reboot_instances(InstanceIds=[instance_id])
        poll(
            lambda: scenario.container(remote_engine, instance_id).attrs["State"]["StartedAt"],
            lambda s: s != started_at,
            60,
        )
        poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", 60)
        assert (
            scenario.run(remote, instance_id, ["cat /root/mark"])["StandardOutputContent"]
            == "kept\n"
        )
    finally:
        scenario.terminate(remote, remote_engine, instance_id)


def test_cross_engine_limits_are_said_once(remote):
    log = remote.log_path.read_text()
    assert log.count("name paths on the Docker engine's host") == 1
    assert f"EC2 instances run on the Docker engine at tcp://{ENGINE_ADDRESS}:2375 (remote)" in log
    assert log.count("is remote: instances get no address of this LocalStack") == 1


def test_shutdown_removes_the_instances_on_the_remote_engine(remote_engine, tmp_path):
    runtime = LocalStack(tmp_path, env={"DOCKER_HOST": f"tcp://{ENGINE_ADDRESS}:2375"})
    try:
        instance_id = scenario.launch(runtime)
        owner = scenario.check_container(remote_engine, instance_id)
    finally:
        assert runtime.stop() == 0
    left = remote_engine.containers.list(
        all=True, filters={"label": f"{scenario.LABEL_OWNER}={owner}"}
    )
    assert left == []


def test_an_engine_that_goes_away_and_comes_back(ami, tmp_path):
    """Its own engine (the shared one stays up): while it is gone LocalStack keeps running and
    answers 503 Unavailable; back, its instances are back (restart policy) and run commands."""
    name = f"lsd{uuid.uuid4().hex[:6]}"
    state = f"/var/tmp/{name}-engine"
    script = str(ROOT / "scripts/remote-engine.sh")
    host_address, engine_address = SECOND_HOST_ADDRESS, SECOND_ENGINE_ADDRESS
    url = f"tcp://{engine_address}:2375"
    try:
        subprocess.run([script, "up", name, host_address, engine_address, state], check=True)
        saved = subprocess.Popen(["docker", "save", ami], stdout=subprocess.PIPE)
        subprocess.run(["docker", "-H", url, "load", "-q"], stdin=saved.stdout, check=True)
        assert saved.wait() == 0
        runtime = LocalStack(tmp_path, env={"DOCKER_HOST": url})
        try:
            instance_id = scenario.launch(runtime)
            subprocess.run([script, "stop-engine", name, state], check=True)
            with pytest.raises(ClientError) as raised:
                runtime.client("ec2").run_instances(ImageId=scenario.AMI_ID, MinCount=1, MaxCount=1)
            assert raised.value.response["Error"]["Code"] == "Unavailable"
            assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
            with pytest.raises(ClientError) as raised:
                run_command(runtime.client("ssm"), instance_id, ["id"])
            assert raised.value.response["Error"]["Code"] == "Unavailable"
            assert runtime.process.poll() is None
            subprocess.run([script, "start-engine", name, engine_address, state], check=True)
            ssm = runtime.client("ssm")
            poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", 90)
            result = scenario.run(runtime, instance_id, ["echo back"])
            assert (result["Status"], result["StandardOutputContent"]) == ("Success", "back\n")
            scenario.terminate(runtime, docker.DockerClient(base_url=url), instance_id)
        finally:
            assert runtime.stop() == 0
    finally:
        subprocess.run([script, "down", name, state], check=True)
