"""Auto Scaling: a group of `count` from CreateAutoScalingGroup until every member is InService
and Online in SSM, against `docker run` of as many containers in parallel; and its scale-in to
zero until every member is terminated, against `docker rm -f` of those containers. Both sides
interleaved, round by round."""

import functools
import time
import uuid

from benchmarks.scenarios import (
    POLL_INTERVAL,
    _docker_rm,
    _docker_run,
    _online,
    row,
    timed,
)
from harness.localstack_process import LocalStack


def _in_service(autoscaling, name: str, count: int) -> list[str] | None:
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"
    ][0]
    members = [i["InstanceId"] for i in group["Instances"] if i["LifecycleState"] == "InService"]
    return members if len(members) == count else None


def _terminated(ec2, instance_ids: list[str]) -> bool:
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    states = {i["State"]["Name"] for r in reservations for i in r["Instances"]}
    return states == {"terminated"}


def group_to_online(
    localstack: LocalStack, ami_id: str, image: str, count: int, rounds: int
) -> list[dict]:
    autoscaling = localstack.client("autoscaling")
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    template = f"bench-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(LaunchTemplateName=template, LaunchTemplateData={"ImageId": ami_id})
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    up, up_floor, down, down_floor = [], [], [], []
    for round_ in range(rounds):
        name = f"bench-{uuid.uuid4().hex[:8]}"
        start = time.perf_counter()
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": template},
            MinSize=0,
            MaxSize=count,
            DesiredCapacity=count,
            VPCZoneIdentifier=subnet,
        )
        while (members := _in_service(autoscaling, name, count)) is None:
            time.sleep(POLL_INTERVAL)
        while not _online(ssm, set(members)):
            time.sleep(POLL_INTERVAL)
        up.append(time.perf_counter() - start)

        names = [f"bench-asg-floor-{round_}-{k}" for k in range(count)]
        up_floor.append(timed(functools.partial(_docker_run, image, names)))

        start = time.perf_counter()
        autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=0)
        while not _terminated(ec2, members):
            time.sleep(POLL_INTERVAL)
        down.append(time.perf_counter() - start)
        down_floor.append(timed(functools.partial(_docker_rm, names)))
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    ec2.delete_launch_template(LaunchTemplateName=template)
    return [
        row(f"group of {count} to Online", up, up_floor),
        row(f"scale-in of {count}", down, down_floor),
    ]
