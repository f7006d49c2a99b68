"""State Manager associations against a real LocalStack and Docker: they run their document on
their targets when created, updated, started once, and on instances that come to match later;
executions, per-target results, Overview and instance statuses follow; output goes to S3.

Each test works in an account of its own, so its associations never reach other tests'
instances.
"""

import itertools
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import poll

_accounts = itertools.count(310000000001)


@pytest.fixture
def account():
    return str(next(_accounts))


@pytest.fixture
def clients(localstack, account):
    return (
        localstack.client("ec2", account=account),
        localstack.client("ssm", account=account),
        localstack.client("s3", account=account),
    )


@pytest.fixture
def fleet(clients):
    """Launches instances (tags as a dict) in the test's account; terminates them afterwards."""
    ec2 = clients[0]
    launched: list[str] = []

    def run(count: int = 1, tags: dict[str, str] | None = None) -> list[str]:
        extra = {}
        if tags:
            spec = [{"Key": k, "Value": v} for k, v in tags.items()]
            extra["TagSpecifications"] = [{"ResourceType": "instance", "Tags": spec}]
        reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=count, MaxCount=count, **extra)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        launched.extend(ids)
        return ids

    yield run
    if launched:
        ec2.terminate_instances(InstanceIds=launched)


def overview(ssm, association_id: str) -> dict:
    return ssm.describe_association(AssociationId=association_id)["AssociationDescription"][
        "Overview"
    ]


def settles(ssm, association_id: str, counts: dict[str, int], deadline: float = 60) -> dict:
    """The association's Overview once its aggregated counts are `counts`."""
    return poll(
        lambda: overview(ssm, association_id),
        lambda o: o.get("AssociationStatusAggregatedCount") == counts,
        deadline,
    )


def executions(ssm, association_id: str) -> list[dict]:
    return ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]


def targets_of(ssm, association_id: str, execution_id: str) -> list[dict]:
    return ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=execution_id
    )["AssociationExecutionTargets"]


def create(ssm, commands: list[str], targets: list[dict], **extra) -> str:
    return ssm.create_association(
        Name="AWS-RunShellScript",
        Parameters={"commands": commands},
        Targets=targets,
        **extra,
    )["AssociationDescription"]["AssociationId"]


def test_creation_runs_on_its_targets_with_output_in_s3(clients, fleet):
    _, ssm, s3 = clients
    web = fleet(2, {"Role": "web"})
    other = fleet(1, {"Role": "db"})
    bucket = f"assoc-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    association_id = create(
        ssm,
        ["echo configured $(hostname)"],
        [{"Key": "tag:Role", "Values": ["web"]}],
        AssociationName="configure-web",
        ScheduleExpression="rate(30 minutes)",
        OutputLocation={"S3Location": {"OutputS3BucketName": bucket, "OutputS3KeyPrefix": "out"}},
        ComplianceSeverity="HIGH",
        MaxConcurrency="1",
        MaxErrors="0",
    )
    assert settles(ssm, association_id, {"Success": 2})["Status"] == "Success"

    description = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert description["AssociationName"] == "configure-web"
    assert description["ComplianceSeverity"] == "HIGH"
    assert description["LastExecutionDate"] == description["LastSuccessfulExecutionDate"]
    [execution] = executions(ssm, association_id)
    assert (execution["Status"], execution["ResourceCountByStatus"]) == ("Success", "{Success=2}")
    results = targets_of(ssm, association_id, execution["ExecutionId"])
    assert sorted(t["ResourceId"] for t in results) == sorted(web)
    assert other[0] not in {t["ResourceId"] for t in results}
    command_id = results[0]["OutputSource"]["OutputSourceId"]
    assert results[0]["OutputSource"]["OutputSourceType"] == "RunCommand"

    # the Run Command side shows the same run
    listed = ssm.list_commands(CommandId=command_id)["Commands"]
    assert (listed[0]["DocumentName"], listed[0]["MaxConcurrency"]) == ("AWS-RunShellScript", "1")
    for instance_id in web:
        invocation = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        assert invocation["StandardOutputContent"].startswith(f"configured {instance_id}")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {
        f"out/{command_id}/{i}/awsrunShellScript/0.awsrunShellScript/stdout" for i in web
    } <= keys

    status = ssm.describe_instance_associations_status(InstanceId=web[0])[
        "InstanceAssociationStatusInfos"
    ]
    assert [(s["AssociationId"], s["Status"]) for s in status] == [(association_id, "Success")]
    assert status[0]["OutputUrl"]["S3OutputUrl"]["OutputUrl"].endswith(f"{command_id}/{web[0]}")
    effective = ssm.describe_effective_instance_associations(InstanceId=web[0])["Associations"]
    assert [a["AssociationId"] for a in effective] == [association_id]
    assert (
        ssm.describe_instance_associations_status(InstanceId=other[0])[
            "InstanceAssociationStatusInfos"
        ]
        == []
    )

    [info] = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [web[0]]}]
    )["InstanceInformationList"]
    assert info["AssociationStatus"] == "Success"
    assert info["AssociationOverview"]["InstanceAssociationStatusAggregatedCount"] == {"Success": 1}
    assert info["LastAssociationExecutionDate"] == info["LastSuccessfulAssociationExecutionDate"]
    [untouched] = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [other[0]]}]
    )["InstanceInformationList"]
    assert "AssociationStatus" not in untouched

    names = ssm.list_associations(
        AssociationFilterList=[{"key": "AssociationName", "value": "configure-web"}]
    )["Associations"]
    assert [a["AssociationId"] for a in names] == [association_id]
    ssm.delete_association(AssociationId=association_id)


def test_update_start_once_and_delete(clients, fleet):
    _, ssm, _ = clients
    [instance_id] = fleet(1, {"App": "a"})
    association_id = create(ssm, ["echo v1"], [{"Key": "InstanceIds", "Values": [instance_id]}])
    settles(ssm, association_id, {"Success": 1})

    updated = ssm.update_association(
        AssociationId=association_id, Parameters={"commands": ["echo v2"]}
    )["AssociationDescription"]
    assert updated["AssociationVersion"] == "2"
    poll(lambda: executions(ssm, association_id), lambda e: len(e) == 2)
    latest = poll(lambda: executions(ssm, association_id)[0], lambda e: e["Status"] == "Success")
    assert latest["AssociationVersion"] == "2"
    [target] = targets_of(ssm, association_id, latest["ExecutionId"])
    output = ssm.get_command_invocation(
        CommandId=target["OutputSource"]["OutputSourceId"], InstanceId=instance_id
    )["StandardOutputContent"]
    assert output == "v2\n"
    versions = ssm.list_association_versions(AssociationId=association_id)["AssociationVersions"]
    assert [(v["AssociationVersion"], v["Parameters"]["commands"]) for v in versions] == [
        ("2", ["echo v2"]),
        ("1", ["echo v1"]),
    ]

    ssm.start_associations_once(AssociationIds=[association_id])
    poll(lambda: executions(ssm, association_id), lambda e: len(e) == 3)

    ssm.delete_association(AssociationId=association_id)
    for call in (
        lambda: ssm.describe_association(AssociationId=association_id),
        lambda: ssm.describe_association_executions(AssociationId=association_id),
        lambda: ssm.start_associations_once(AssociationIds=[association_id]),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "AssociationDoesNotExist"
    assert ssm.list_associations()["Associations"] == []


def test_instances_that_come_to_match_later_get_the_association(clients, fleet):
    ec2, ssm, _ = clients
    [first] = fleet(1, {"Fleet": "late"})
    association_id = create(ssm, ["echo applied"], [{"Key": "tag-key", "Values": ["Fleet"]}])
    settles(ssm, association_id, {"Success": 1})

    [launched] = fleet(1, {"Fleet": "late"})  # launched with the tag
    settles(ssm, association_id, {"Success": 2})
    [tagged] = fleet(1)  # tagged after launch
    ec2.create_tags(Resources=[tagged], Tags=[{"Key": "Fleet", "Value": "x"}])
    settles(ssm, association_id, {"Success": 3})
    ran_on = [
        [t["ResourceId"] for t in targets_of(ssm, association_id, e["ExecutionId"])]
        for e in reversed(executions(ssm, association_id))
    ]
    assert ran_on == [[first], [launched], [tagged]]

    ec2.stop_instances(InstanceIds=[first])
    ec2.start_instances(InstanceIds=[first])  # started again: the association runs again
    poll(lambda: executions(ssm, association_id), lambda e: len(e) == 4)
    newest = executions(ssm, association_id)[0]
    assert [t["ResourceId"] for t in targets_of(ssm, association_id, newest["ExecutionId"])] == [
        first
    ]
    settles(ssm, association_id, {"Success": 3})
    ssm.delete_association(AssociationId=association_id)


def test_a_failing_document_makes_the_association_failed(clients, fleet):
    _, ssm, _ = clients
    fleet(2, {"Role": "broken"})
    association_id = create(ssm, ["exit 3"], [{"Key": "tag:Role", "Values": ["broken"]}])
    assert settles(ssm, association_id, {"Failed": 2})["Status"] == "Failed"
    [execution] = executions(ssm, association_id)
    assert execution["Status"] == "Failed"
    failed = ssm.describe_association_executions(
        AssociationId=association_id,
        Filters=[{"Key": "Status", "Value": "Failed", "Type": "EQUAL"}],
    )["AssociationExecutions"]
    assert [e["ExecutionId"] for e in failed] == [execution["ExecutionId"]]
    filtered = ssm.list_associations(
        AssociationFilterList=[{"key": "AssociationStatusName", "value": "Failed"}]
    )["Associations"]
    assert [a["AssociationId"] for a in filtered] == [association_id]
    ssm.delete_association(AssociationId=association_id)


def test_star_targets_every_instance_of_the_account(clients, fleet):
    _, ssm, _ = clients
    ids = fleet(2)
    association_id = create(ssm, ["true"], [{"Key": "InstanceIds", "Values": ["*"]}])
    settles(ssm, association_id, {"Success": 2})
    [execution] = executions(ssm, association_id)
    assert sorted(
        t["ResourceId"] for t in targets_of(ssm, association_id, execution["ExecutionId"])
    ) == sorted(ids)
    ssm.delete_association(AssociationId=association_id)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"ScheduleExpression": "rate(5 minutes)"}, "InvalidSchedule"),
        ({"ScheduleExpression": "cron(* * * * ? *)"}, "InvalidSchedule"),
        ({"ScheduleExpression": "sometimes"}, "InvalidSchedule"),
        ({"Name": "NoSuchDocument"}, "InvalidDocument"),
        ({"DocumentVersion": "7"}, "InvalidDocumentVersion"),
        ({"Parameters": {"nope": ["x"]}}, "InvalidParameters"),
        ({"Targets": [{"Key": "color", "Values": ["red"]}]}, "InvalidTarget"),
        ({"Targets": []}, "ValidationException"),
    ],
)
def test_bad_input_gets_aws_errors_and_stores_nothing(clients, changes, code):
    _, ssm, _ = clients
    request = {
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["true"]},
        "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
        **changes,
    }
    with pytest.raises(ClientError) as error:
        ssm.create_association(**request)
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ssm.list_associations()["Associations"] == []


def test_unknown_ids_get_aws_errors(clients, fleet):
    _, ssm, _ = clients
    missing = str(uuid.uuid4())
    with pytest.raises(ClientError) as error:
        ssm.update_association(AssociationId=missing, Parameters={"commands": ["true"]})
    assert error.value.response["Error"]["Code"] == "AssociationDoesNotExist"
    [instance_id] = fleet(1)
    association_id = create(ssm, ["true"], [{"Key": "InstanceIds", "Values": [instance_id]}])
    with pytest.raises(ClientError) as error:
        ssm.describe_association_execution_targets(
            AssociationId=association_id, ExecutionId=missing
        )
    assert error.value.response["Error"]["Code"] == "AssociationExecutionDoesNotExist"
    with pytest.raises(ClientError) as error:
        ssm.update_association(AssociationId=association_id, ScheduleExpression="rate(1 minute)")
    assert error.value.response["Error"]["Code"] == "InvalidSchedule"
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["AssociationVersion"] == "1"  # the refused update changed nothing
    ssm.delete_association(AssociationId=association_id)


def test_compliance_follows_the_association_results(clients, fleet):
    _, ssm, _ = clients
    [instance_id] = fleet(1, {"Compliance": "yes"})
    targets = [{"Key": "InstanceIds", "Values": [instance_id]}]
    good = create(ssm, ["true"], targets, ComplianceSeverity="HIGH", AssociationName="good")
    bad = create(ssm, ["exit 1"], targets, ComplianceSeverity="CRITICAL", AssociationName="bad")
    manual = create(ssm, ["true"], targets, SyncCompliance="MANUAL")
    settles(ssm, good, {"Success": 1})
    settles(ssm, bad, {"Failed": 1})
    settles(ssm, manual, {"Success": 1})

    items = ssm.list_compliance_items(
        ResourceIds=[instance_id],
        ResourceTypes=["ManagedInstance"],
        Filters=[{"Key": "ComplianceType", "Values": ["Association"], "Type": "EQUAL"}],
    )["ComplianceItems"]
    assert sorted((i["Id"], i["Title"], i["Status"], i["Severity"]) for i in items) == sorted(
        [
            (good, "good", "COMPLIANT", "HIGH"),
            (bad, "bad", "NON_COMPLIANT", "CRITICAL"),
        ]
    )
    assert {i["ComplianceType"] for i in items} == {"Association"}
    [summary] = ssm.list_compliance_summaries()["ComplianceSummaryItems"]
    assert summary["ComplianceType"] == "Association"
    assert summary["NonCompliantSummary"]["NonCompliantCount"] == 1
    assert summary["NonCompliantSummary"]["SeveritySummary"]["CriticalCount"] == 1
    assert summary["CompliantSummary"]["SeveritySummary"]["HighCount"] == 1
    for association_id in (good, bad, manual):
        ssm.delete_association(AssociationId=association_id)
    assert ssm.list_compliance_items(ResourceIds=[instance_id])["ComplianceItems"] == []


def test_instance_associations_by_name_and_instance_and_batches(clients, fleet):
    _, ssm, _ = clients
    [instance_id] = fleet(1)
    created = ssm.create_association(
        Name="AWS-RunShellScript", InstanceId=instance_id, Parameters={"commands": ["true"]}
    )["AssociationDescription"]
    assert created["Status"]["Name"] == "Associated"
    settles(ssm, created["AssociationId"], {"Success": 1})
    by_name = ssm.describe_association(Name="AWS-RunShellScript", InstanceId=instance_id)[
        "AssociationDescription"
    ]
    assert by_name["AssociationId"] == created["AssociationId"]
    with pytest.raises(ClientError) as error:
        ssm.create_association(
            Name="AWS-RunShellScript", InstanceId=instance_id, Parameters={"commands": ["true"]}
        )
    assert error.value.response["Error"]["Code"] == "AssociationAlreadyExists"

    batch = ssm.create_association_batch(
        Entries=[
            {
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": ["echo batch"]},
                "Targets": [{"Key": "InstanceIds", "Values": [instance_id]}],
                "AssociationName": "from-batch",
            },
            {
                "Name": "AWS-RunShellScript",
                "Parameters": {"commands": ["true"]},
                "Targets": [{"Key": "InstanceIds", "Values": [instance_id]}],
                "ScheduleExpression": "rate(1 minute)",
            },
        ]
    )
    [made] = batch["Successful"]
    [failed] = batch["Failed"]
    assert made["AssociationName"] == "from-batch"
    assert (failed["Fault"], failed["Entry"]["ScheduleExpression"]) == ("Client", "rate(1 minute)")
    settles(ssm, made["AssociationId"], {"Success": 1})

    on_instance = ssm.list_associations(
        AssociationFilterList=[{"key": "InstanceId", "value": instance_id}]
    )["Associations"]
    assert {a["AssociationId"] for a in on_instance} == {
        created["AssociationId"],
        made["AssociationId"],
    }
    first = ssm.list_associations(MaxResults=1)
    second = ssm.list_associations(MaxResults=1, NextToken=first["NextToken"])
    assert "NextToken" not in second
    assert {a["AssociationId"] for a in first["Associations"] + second["Associations"]} == {
        a["AssociationId"] for a in on_instance
    }

    ssm.delete_association(Name="AWS-RunShellScript", InstanceId=instance_id)
    ssm.delete_association(AssociationId=made["AssociationId"])
    assert ssm.list_associations()["Associations"] == []
