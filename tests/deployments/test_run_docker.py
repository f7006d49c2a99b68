"""`make run-docker`: our image, the Docker socket mounted. LocalStack in its container starts,
execs into and removes instance containers beside it; the instances reach LocalStack; a host-mode
LocalStack on the same engine and this one leave each other's containers alone; with PERSISTENCE=1
and a volume, instances and command history survive `docker restart`."""

import subprocess
from collections.abc import Iterator

import pytest

from harness.localstack_container import ContainerLocalStack, free_port
from harness.localstack_container import docker as docker_cli
from harness.localstack_process import LocalStack
from tests.deployments import scenario, sessions
from tests.deployments.conftest import ROOT, unique
from tests.integration.helpers import ping_status, poll


@pytest.fixture(scope="module")
def run_docker(image, tmp_path_factory) -> Iterator[ContainerLocalStack]:
    """`make run-docker` in the foreground, as a user runs it (PERSISTENCE=1, a named volume)."""
    name, volume, port = unique("lsd-run-docker"), unique("lsd-data"), free_port()
    log = (tmp_path_factory.mktemp("run-docker") / "make.log").open("wb")
    process = subprocess.Popen(
        [
            "make", "-s", "run-docker", f"PORT={port}", f"CONTAINER={name}", f"IMAGE={image}",
            f"DOCKER_RUN_FLAGS=-e PERSISTENCE=1 -v {volume}:/var/lib/localstack",
        ],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    localstack = ContainerLocalStack(name, port)
    try:
        localstack.wait_ready(alive=lambda: process.poll() is None)
        yield localstack
    finally:
        docker_cli("stop", "--time", "30", name, check=False, timeout=90)
        process.wait(60)
        log.close()
        docker_cli("volume", "rm", volume, check=False)


def test_instances_and_run_command_with_s3_output(run_docker, engine):
    scenario.instances_and_run_command(run_docker, engine)


def test_sessions_through_the_published_port(run_docker, engine, tmp_path):
    sessions.sessions(run_docker, engine, tmp_path)


def test_instances_reach_localstack_at_its_container_address(run_docker, engine):
    instance_id = scenario.launch(run_docker)
    address = run_docker.address("bridge")
    try:
        # the address the extension found for instances is said at start, and is the URL it
        # gives them (their AWS_ENDPOINT_URL)
        assert f"they reach LocalStack at {address}" in run_docker.logs()
        endpoint = docker_cli(
            "exec", run_docker.container, "python", "-c",
            "from localstack_ssm_docker import wiring; print(wiring.container_endpoint())",
        ).strip()  # fmt: skip
        assert endpoint == f"http://{address}:4566"
        result = scenario.run(
            run_docker,
            instance_id,
            [scenario.health_request(address)],
        )
        assert result["Status"] == "Success", result
        assert result["StandardOutputContent"].startswith("HTTP/1.0 200")
        # S3 from a script in the instance, read back from the host
        s3 = run_docker.client("s3")
        bucket = scenario.unique_bucket()
        s3.create_bucket(Bucket=bucket)
        put = scenario.run(
            run_docker,
            instance_id,
            [scenario.s3_put_request(address, bucket, "from-instance", "hi")],
        )
        assert put["StandardOutputContent"].startswith("HTTP/1.0 200"), put
        assert s3.get_object(Bucket=bucket, Key="from-instance")["Body"].read() == b"hi"
    finally:
        scenario.terminate(run_docker, engine, instance_id)


def test_instances_reach_localstack_at_localhost_localstack_cloud(run_docker, engine):
    instance_id = scenario.launch(run_docker)
    try:
        scenario.reaches_localstack_at_its_name(run_docker, engine, instance_id)
    finally:
        scenario.terminate(run_docker, engine, instance_id)


def test_host_mode_and_container_localstacks_leave_each_others_containers(
    run_docker, engine, tmp_path
):
    ours = scenario.launch(run_docker)
    host_mode = LocalStack(tmp_path / "host-mode")
    try:
        theirs = scenario.launch(host_mode)
        owner_ours = scenario.check_container(engine, ours)
        owner_theirs = scenario.check_container(engine, theirs)
        assert owner_ours != owner_theirs
    finally:
        host_mode.stop()  # removes its own containers at shutdown
    assert not scenario.exists(engine, theirs)
    assert scenario.container(engine, ours).status == "running"
    assert (
        scenario.run(run_docker, ours, ["echo still here"])["StandardOutputContent"]
        == "still here\n"
    )
    scenario.terminate(run_docker, engine, ours)


def test_instances_and_history_survive_docker_restart(run_docker, engine):
    instance_id = scenario.launch(run_docker)
    owner = scenario.check_container(engine, instance_id)
    try:
        before = scenario.run(run_docker, instance_id, ["echo before > /root/mark; echo ran"])
        run_docker.restart()
        ssm = run_docker.client("ssm")
        poll(lambda: ping_status(ssm, instance_id), lambda s: s == "Online", 90)
        kept = ssm.get_command_invocation(CommandId=before["CommandId"], InstanceId=instance_id)
        assert (kept["Status"], kept["StandardOutputContent"]) == ("Success", "ran\n")
        state = run_docker.client("ec2").describe_instances(InstanceIds=[instance_id])
        assert state["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"
        after = scenario.run(run_docker, instance_id, ["cat /root/mark"])
        assert after["StandardOutputContent"] == "before\n"
        scenario.terminate(run_docker, engine, instance_id)
    finally:
        scenario.remove_owned(engine, owner)
