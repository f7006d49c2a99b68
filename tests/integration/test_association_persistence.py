"""With PERSISTENCE=1, associations, their versions and execution history survive a LocalStack
restart, and they keep running afterwards."""

from datetime import UTC, datetime, timedelta

import docker

from harness.localstack_process import LocalStack
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import poll

DUE_AFTER = 40
"""Seconds from creating an at() association to its run: the first LocalStack's create, check
and stop (seconds, tens of them on a loaded machine) all come before it."""


def _executions(ssm, association_id: str) -> list[dict]:
    return ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]


def test_associations_and_their_history_survive_a_restart(tmp_path):
    client = docker.from_env()
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ec2, ssm = first.client("ec2"), first.client("ssm")
        instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        association_id = ssm.create_association(
            Name="AWS-RunShellScript",
            Parameters={"commands": ["echo v1"]},
            Targets=[{"Key": "InstanceIds", "Values": [instance_id]}],
            ScheduleExpression="rate(1 day)",
        )["AssociationDescription"]["AssociationId"]
        ssm.update_association(
            AssociationId=association_id,
            Parameters={"commands": ["echo v2"]},
            ScheduleExpression="rate(1 day)",
        )
        before = poll(
            lambda: _executions(ssm, association_id),
            lambda e: len(e) == 2 and all(x["Status"] == "Success" for x in e),
        )
    finally:
        assert first.stop() == 0

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        ec2, ssm = second.client("ec2"), second.client("ssm")
        described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
        assert (described["AssociationVersion"], described["Overview"]["Status"]) == (
            "2",
            "Success",
        )
        versions = ssm.list_association_versions(AssociationId=association_id)[
            "AssociationVersions"
        ]
        assert [v["AssociationVersion"] for v in versions] == ["2", "1"]
        assert _executions(ssm, association_id) == before
        ssm.start_associations_once(AssociationIds=[association_id])
        after = poll(
            lambda: _executions(ssm, association_id),
            lambda e: len(e) == 3 and e[0]["Status"] == "Success",
        )
        assert after[1:] == before
        ssm.delete_association(AssociationId=association_id)
        ec2.terminate_instances(InstanceIds=[instance_id])
    finally:
        assert second.stop() == 0
    assert f"localstack-ec2.{instance_id}" not in {c.name for c in client.containers.list(all=True)}


def test_a_run_that_fell_due_while_stopped_runs_once_after_the_restart(tmp_path):
    first = LocalStack(tmp_path, env={"PERSISTENCE": "1"})
    port = first.port
    try:
        ec2, ssm = first.client("ec2"), first.client("ssm")
        instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
            "InstanceId"
        ]
        # far enough ahead for the first LocalStack to stop before it: a run while it stops
        # would not be the run after the restart this test is about
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=DUE_AFTER)
        association_id = ssm.create_association(
            Name="AWS-RunShellScript",
            Parameters={"commands": ["echo due"]},
            Targets=[{"Key": "InstanceIds", "Values": [instance_id]}],
            ScheduleExpression=f"at({due.strftime('%Y-%m-%dT%H:%M:%S')})",
        )["AssociationDescription"]["AssociationId"]
        assert _executions(ssm, association_id) == []  # at(): nothing runs before its time
    finally:
        assert first.stop() == 0
    assert datetime.now(UTC) < due, "the first LocalStack stopped after the run was due"
    poll(
        lambda: datetime.now(UTC),
        lambda now: now > due + timedelta(seconds=1),
        DUE_AFTER + 30,
    )

    second = LocalStack(tmp_path, env={"PERSISTENCE": "1"}, port=port)
    try:
        ec2, ssm = second.client("ec2"), second.client("ssm")
        [execution] = poll(
            lambda: _executions(ssm, association_id),
            lambda e: len(e) == 1 and e[0]["Status"] == "Success",
        )
        assert execution["CreatedTime"] > due  # it ran after the restart, once
        ssm.delete_association(AssociationId=association_id)
        ec2.terminate_instances(InstanceIds=[instance_id])
    finally:
        assert second.stop() == 0
