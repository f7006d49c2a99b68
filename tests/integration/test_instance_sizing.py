"""Instances sized by their instance type: the type's vCPUs (a CPU quota) and memory (the memory
limit), clamped to the engine's machine, seen from inside the instance in its cgroup; a process
allocating past the limit is killed by the kernel inside its instance, which stays Online with
its helper; a stopped instance takes a new type at its next start (a running one refuses it);
EC2_INSTANCE_SIZING=0 leaves containers without limits."""

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helper_processes import helpers
from tests.integration.helpers import container_of, finished, ping_status, poll, run_command
from tests.integration.imds_helpers import MetadataClient

GIB = 1024**3
UNLIMITED_V1 = 9223372036854771712  # memory.limit_in_bytes without a limit (page-rounded 2^63)

# The container's own limits, as its cgroup files say (cgroup v2, else v1): the memory limit
# on the first line, then the CPU quota and period ("max" or -1: none).
LIMITS = (
    "if [ -f /sys/fs/cgroup/memory.max ]; then "
    "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; "
    "else cat /sys/fs/cgroup/memory/memory.limit_in_bytes; "
    "echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us); fi"
)
# How many processes the kernel's OOM killer has killed in the container's memory cgroup.
OOM_KILLS = (
    "if [ -f /sys/fs/cgroup/memory.events ]; then f=/sys/fs/cgroup/memory.events; "
    "else f=/sys/fs/cgroup/memory/memory.oom_control; fi; awk '$1 == \"oom_kill\" {print $2}' $f"
)


def limits(ssm, instance_id: str) -> tuple[float | None, int | None]:
    """(CPUs of the quota, memory limit in bytes) from inside the instance; None: no limit."""
    ended = finished(ssm, run_command(ssm, instance_id, [LIMITS]), instance_id)
    assert ended["Status"] == "Success", ended
    memory, cpu = ended["StandardOutputContent"].splitlines()
    quota, period = cpu.split()
    cpus = None if quota in ("max", "-1") else int(quota) / int(period)
    return cpus, None if memory in ("max", str(UNLIMITED_V1)) else int(memory)


def output_of(ssm, instance_id: str, script: str) -> str:
    ended = finished(ssm, run_command(ssm, instance_id, [script]), instance_id)
    assert ended["Status"] == "Success", ended
    return ended["StandardOutputContent"]


def described_type(ec2, instance_id: str) -> str:
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return reservations[0]["Instances"][0]["InstanceType"]


def metadata_type(docker_client, instance_id: str) -> str:
    client = MetadataClient(container_of(docker_client, instance_id))
    return client.text("/latest/meta-data/instance-type")


def test_an_instance_has_its_type_s_vcpus_and_memory_clamped_to_the_machine(
    launch, ec2, ssm, docker_client, localstack
):
    machine = docker_client.info()
    expected = {
        "t2.micro": (1.0, 1 * GIB),
        "m5.large": (2.0, 8 * GIB),
        # 96 vCPUs and 384 GiB: more than the engine's machine has, which it gets all of
        "m5.24xlarge": (float(min(96, machine["NCPU"])), min(384 * GIB, machine["MemTotal"])),
    }
    page = 4096  # the kernel keeps a memory limit in whole pages
    launched = {instance_type: launch(InstanceType=instance_type)[0] for instance_type in expected}
    for instance_type, instance_id in launched.items():
        cpus, memory = expected[instance_type]
        assert limits(ssm, instance_id) == (cpus, memory // page * page), instance_type
        assert described_type(ec2, instance_id) == instance_type
        assert metadata_type(docker_client, instance_id) == instance_type
    clamps = localstack.log_path.read_text().count("instance type m5.24xlarge (96 vCPUs, 384.0")
    assert clamps == 1  # no machine here has 96 cores and 384 GiB


def test_a_process_past_the_memory_limit_is_killed_inside_its_instance_alone(
    launch, ssm, docker_client, localstack
):
    (instance_id,) = launch(InstanceType="t2.micro")
    (neighbour,) = launch(InstanceType="t2.micro")
    container = container_of(docker_client, instance_id)
    kills_before = int(output_of(ssm, instance_id, OOM_KILLS))
    helpers_before = helpers(container)
    assert helpers_before

    # busybox tail keeps the last lines of its input: /dev/zero has no newline, so it holds all
    command_id = run_command(ssm, instance_id, ["head -c 1536m /dev/zero | tail"])
    ended = finished(ssm, command_id, instance_id)
    # as the SSM agent reports a script that exits 137 (pluginutil.GetStatus): TimedOut, with
    # the exit code and what the shell said of its killed process on stderr
    assert (ended["Status"], ended["StatusDetails"], ended["ResponseCode"]) == (
        "TimedOut",
        "ExecutionTimedOut",
        137,
    )
    assert "Killed" in ended["StandardErrorContent"]
    assert int(output_of(ssm, instance_id, OOM_KILLS)) > kills_before  # the kernel's doing

    assert ping_status(ssm, instance_id) == "Online"
    assert output_of(ssm, instance_id, "echo still here") == "still here\n"
    assert helpers_before <= helpers(container)  # the helper was not the one killed
    container.reload()
    assert container.status == "running" and not container.attrs["State"]["OOMKilled"]
    assert output_of(ssm, neighbour, "echo next door") == "next door\n"
    assert localstack.process.poll() is None


def test_a_stopped_instance_takes_a_new_type_at_its_next_start(launch, ec2, ssm, docker_client):
    (instance_id,) = launch(InstanceType="t2.micro")
    output_of(ssm, instance_id, "echo kept > /root/file")
    with pytest.raises(ClientError) as refused:  # running: AWS refuses the change
        ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    assert refused.value.response["Error"] == {
        "Code": "IncorrectInstanceState",
        "Message": f"The instance '{instance_id}' is not in the 'stopped' state.",
    }
    assert described_type(ec2, instance_id) == "t2.micro"

    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_stopped").wait(
        InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    assert described_type(ec2, instance_id) == "m5.large"
    ec2.start_instances(InstanceIds=[instance_id])
    poll(lambda: ping_status(ssm, instance_id), lambda status: status == "Online")

    assert limits(ssm, instance_id) == (2.0, 8 * GIB)
    MetadataClient(container_of(docker_client, instance_id)).wait_for_route()
    assert metadata_type(docker_client, instance_id) == "m5.large"
    assert output_of(ssm, instance_id, "cat /root/file") == "kept\n"


def test_an_instance_type_aws_does_not_have_starts_no_container(localstack, docker_client):
    def containers() -> set[str]:
        listed = docker_client.containers.list(all=True, filters={"name": "localstack-ec2.i-"})
        return {c.name for c in listed}

    before = containers()
    with pytest.raises(ClientError) as refused:
        localstack.client("ec2").run_instances(
            ImageId=AMI_ID, MinCount=1, MaxCount=1, InstanceType="m5.enormous"
        )
    assert refused.value.response["Error"] == {
        "Code": "InvalidParameterValue",
        "Message": "Invalid value 'm5.enormous' for InstanceType.",
    }
    assert containers() == before


@pytest.fixture(scope="module")
def unsized(tmp_path_factory) -> Iterator[LocalStack]:
    runtime = LocalStack(tmp_path_factory.mktemp("unsized"), env={"EC2_INSTANCE_SIZING": "0"})
    yield runtime
    runtime.stop()


def test_with_sizing_off_an_instance_has_no_limits(unsized):
    ec2, ssm = unsized.client("ec2"), unsized.client("ssm")
    reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1, InstanceType="t2.nano")
    instance_id = reservation["Instances"][0]["InstanceId"]
    try:
        poll(lambda: ping_status(ssm, instance_id), lambda status: status == "Online")
        assert limits(ssm, instance_id) == (None, None)
        assert described_type(ec2, instance_id) == "t2.nano"
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])
