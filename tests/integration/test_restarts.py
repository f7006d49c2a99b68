"""LocalStack restarts: with PERSISTENCE=1 instances and command history come back; without it,
a start clears what an earlier run left behind."""

import docker

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import finished, poll, run_command


def test_persistence_brings_instances_and_history_back(tmp_path):
    client = docker.from_env()
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ec2, ssm = first.client("ec2"), first.client("ssm")
        instance_id = ec2.run_instances(
            ImageId=AMI_ID,
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}],
        )["Instances"][0]["InstanceId"]
        done = run_command(ssm, instance_id, ["echo before the restart > /root/kept", "echo ok"])
        assert finished(ssm, done, instance_id)["Status"] == "Success"
        running = run_command(ssm, instance_id, ["sleep 300"])
        poll(
            lambda: ssm.get_command_invocation(CommandId=running, InstanceId=instance_id),
            lambda r: r["Status"] == "InProgress",
        )
    finally:
        assert first.stop() == 0
    container = client.containers.get(f"localstack-ec2.{instance_id}")
    assert container.status == "running"  # kept for the next run

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        ec2, ssm = second.client("ec2"), second.client("ssm")
        info = ssm.describe_instance_information()["InstanceInformationList"]
        assert [(i["InstanceId"], i["PingStatus"]) for i in info] == [(instance_id, "Online")]
        reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        described = reservations[0]["Instances"][0]
        assert (described["State"]["Name"], described["Tags"]) == (
            "running",
            [{"Key": "k", "Value": "v"}],
        )
        kept = ssm.get_command_invocation(CommandId=done, InstanceId=instance_id)
        assert (kept["Status"], kept["StandardOutputContent"]) == ("Success", "ok\n")
        interrupted = ssm.get_command_invocation(CommandId=running, InstanceId=instance_id)
        assert (interrupted["Status"], interrupted["StandardErrorContent"]) == (
            "Failed",
            "LocalStack stopped while the command was running.",
        )
        again = run_command(ssm, instance_id, ["cat /root/kept"])
        assert finished(ssm, again, instance_id)["StandardOutputContent"] == (
            "before the restart\n"
        )
        ec2.terminate_instances(InstanceIds=[instance_id])
    finally:
        assert second.stop() == 0
    assert f"localstack-ec2.{instance_id}" not in {c.name for c in client.containers.list(all=True)}


def test_without_persistence_a_start_removes_containers_a_crash_left(tmp_path):
    client = docker.from_env()
    first = LocalStack(tmp_path)
    port = first.port
    instance_id = first.client("ec2").run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)[
        "Instances"
    ][0]["InstanceId"]
    first.kill()
    assert client.containers.get(f"localstack-ec2.{instance_id}").status == "running"

    second = LocalStack(tmp_path, port=port)
    try:
        assert second.client("ssm").describe_instance_information()["InstanceInformationList"] == []
        names = {c.name for c in client.containers.list(all=True)}
        assert f"localstack-ec2.{instance_id}" not in names
    finally:
        assert second.stop() == 0
