"""Auto Scaling: a group of `count` from CreateAutoScalingGroup until every member is InService
and Online in SSM, against `docker run` of as many containers in parallel; and its scale-in to
zero until every member is terminated, against `docker rm -f` of those containers. Both sides
interleaved, round by round. Where the group's time goes comes from its launch activities (the
reconciler's RunInstances: started, ended) and the engine's Created and StartedAt of each
member's container."""

import functools
import statistics
import time
import uuid

import docker

from benchmarks.scenarios import (
    POLL_INTERVAL,
    _docker_rm,
    _docker_run,
    _median_ms,
    _online,
    engine_time,
    row,
    timed,
)
from harness.localstack_process import LocalStack

GROUP_PHASES = (
    "request → launch started",
    "launch started → first created",
    "first → last created",
    "created → started (median)",
    "created → started (max)",
    "last started → launch ended",
    "launch ended → all InService seen",
    "all InService → all Online",
)
SCALE_IN_PHASES = (
    "request → termination started",
    "termination started → ended",
    "termination ended → all terminated seen",
)


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


def _activities(autoscaling, name: str, description: str) -> tuple[float, float]:
    """The earliest start and the latest end of the group's activities whose description starts
    with `description`."""
    activities = [
        a
        for page in autoscaling.get_paginator("describe_scaling_activities").paginate(
            AutoScalingGroupName=name
        )
        for a in page["Activities"]
        if a["Description"].startswith(description)
    ]
    return (
        min(a["StartTime"].timestamp() for a in activities),
        max(a["EndTime"].timestamp() for a in activities),
    )


def _up_phases(
    engine: docker.APIClient,
    members: list[str],
    launch: tuple[float, float],
    sent: float,
    in_service: float,
    online: float,
) -> list[float]:
    stamps = []
    for instance_id in members:
        attrs = engine.inspect_container(f"localstack-ec2.{instance_id}")
        stamps.append((engine_time(attrs["Created"]), engine_time(attrs["State"]["StartedAt"])))
    created = sorted(c for c, _ in stamps)
    to_start = [s - c for c, s in stamps]
    started, ended = launch
    return [
        started - sent,
        created[0] - started,
        created[-1] - created[0],
        statistics.median(to_start),
        max(to_start),
        ended - max(s for _, s in stamps),
        in_service - ended,
        online - in_service,
    ]


def group_to_online(
    localstack: LocalStack, ami_id: str, image: str, count: int, rounds: int
) -> list[dict]:
    autoscaling = localstack.client("autoscaling")
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    engine = docker.from_env().api
    template = f"bench-{uuid.uuid4().hex[:8]}"
    ec2.create_launch_template(LaunchTemplateName=template, LaunchTemplateData={"ImageId": ami_id})
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    up, up_floor, down, down_floor = [], [], [], []
    up_phases, down_phases = [], []
    for round_ in range(rounds):
        name = f"bench-{uuid.uuid4().hex[:8]}"
        sent, start = time.time(), time.perf_counter()
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
        in_service = time.time()
        while not _online(ssm, set(members)):
            time.sleep(POLL_INTERVAL)
        up.append(time.perf_counter() - start)
        launch = _activities(autoscaling, name, "Launching a new EC2 instance")
        up_phases.append(_up_phases(engine, members, launch, sent, in_service, time.time()))

        names = [f"bench-asg-floor-{round_}-{k}" for k in range(count)]
        up_floor.append(timed(functools.partial(_docker_run, image, names)))

        sent, start = time.time(), time.perf_counter()
        autoscaling.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=0)
        while not _terminated(ec2, members):
            time.sleep(POLL_INTERVAL)
        down.append(time.perf_counter() - start)
        seen = time.time()
        started, ended = _activities(autoscaling, name, "Terminating EC2 instance")
        down_phases.append([started - sent, ended - started, seen - ended])
        down_floor.append(timed(functools.partial(_docker_rm, names)))
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
    ec2.delete_launch_template(LaunchTemplateName=template)
    up_row = row(f"group of {count} to Online", up, up_floor)
    up_row["breakdown_ms"] = {
        phase: _median_ms([p[k] for p in up_phases]) for k, phase in enumerate(GROUP_PHASES)
    }
    down_row = row(f"scale-in of {count}", down, down_floor)
    down_row["breakdown_ms"] = {
        phase: _median_ms([p[k] for p in down_phases]) for k, phase in enumerate(SCALE_IN_PHASES)
    }
    return [up_row, down_row]
