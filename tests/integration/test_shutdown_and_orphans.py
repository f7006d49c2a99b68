"""No instance container outlives its LocalStack: a SIGTERM removes twenty well inside Docker's
10 s stop timeout, and what a LocalStack that is gone left behind (a crash, a SIGKILL) is removed
by the next LocalStack that starts on the engine, while a live LocalStack's stay."""

import time

import docker
import pytest
from botocore.exceptions import ClientError

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import poll


def _names(client: docker.DockerClient) -> set[str]:
    return {c.name for c in client.containers.list(all=True)}


def test_sigterm_removes_twenty_instances_well_inside_the_stop_timeout(tmp_path):
    client = docker.from_env()
    runtime = LocalStack(tmp_path)
    try:
        reservation = runtime.client("ec2").run_instances(ImageId=AMI_ID, MinCount=20, MaxCount=20)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        assert {f"localstack-ec2.{i}" for i in ids} <= _names(client)
    finally:
        began = time.monotonic()
        code = runtime.stop()
        took = time.monotonic() - began
    print(f"SIGTERM to exit with 20 instances: {took:.1f} s")
    assert code == 0
    assert not {f"localstack-ec2.{i}" for i in ids} & _names(client)
    assert took < 8.0  # Docker's stop timeout is 10 s; measured 3.2 to 6.9 s on 2 shared cores


def test_a_start_removes_what_a_gone_localstack_left_and_leaves_a_live_ones(
    tmp_path, launch, docker_client
):
    live = launch()[0]  # the session's LocalStack: alive throughout
    crashed = LocalStack(tmp_path / "crashed")
    left = crashed.client("ec2").run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][
        0
    ]["InstanceId"]
    crashed.kill()
    assert docker_client.containers.get(f"localstack-ec2.{left}").status == "running"

    newcomer = LocalStack(tmp_path / "newcomer")
    try:
        newcomer.client("ec2").describe_instances()  # EC2 starts: it recovers first
        poll(lambda: _names(docker_client), lambda names: f"localstack-ec2.{left}" not in names)
        assert docker_client.containers.get(f"localstack-ec2.{live}").status == "running"
    finally:
        assert newcomer.stop() == 0


def test_an_instance_type_aws_does_not_have_is_refused(localstack):
    ec2 = localstack.client("ec2")

    def instances() -> int:
        return sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])

    before = instances()
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1, InstanceType="t9.enormous")
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"] == (
        "Invalid value 't9.enormous' for InstanceType."
    )
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert instances() == before
