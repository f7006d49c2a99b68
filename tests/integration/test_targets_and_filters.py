"""Targets (tags, instance ids, resource groups) and the List operations' filters."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import finished


def tag(key: str, value: str) -> list[dict]:
    return [{"ResourceType": "instance", "Tags": [{"Key": key, "Value": value}]}]


def send_to_targets(ssm, targets: list[dict], commands=("hostname",)) -> dict:
    return ssm.send_command(
        Targets=targets, DocumentName="AWS-RunShellScript", Parameters={"commands": list(commands)}
    )["Command"]


def invoked_instances(ssm, command_id: str) -> list[str]:
    invocations = ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]
    return sorted(i["InstanceId"] for i in invocations)


def test_tag_targets_and_or_and_later_tags(ssm, ec2, launch):
    team = uuid.uuid4().hex[:8]
    web = launch(TagSpecifications=tag("team", team))[0]
    db = launch(TagSpecifications=tag("team", team))[0]
    other = launch()[0]
    ec2.create_tags(Resources=[web, other], Tags=[{"Key": "role", "Value": "web"}])

    command = send_to_targets(ssm, [{"Key": "tag:team", "Values": [team]}])
    assert command["TargetCount"] == 0  # resolved after the reply, as AWS does
    assert invoked_instances(ssm, command["CommandId"]) == sorted([web, db])
    for instance_id in (web, db):
        assert finished(ssm, command["CommandId"], instance_id)["Status"] == "Success"
    assert ssm.list_commands(CommandId=command["CommandId"])["Commands"][0]["TargetCount"] == 2

    both = [{"Key": "tag:team", "Values": [team]}, {"Key": "tag:role", "Values": ["web"]}]
    assert invoked_instances(ssm, send_to_targets(ssm, both)["CommandId"]) == [web]
    either = [{"Key": "InstanceIds", "Values": [db, other]}]
    assert invoked_instances(ssm, send_to_targets(ssm, either)["CommandId"]) == sorted([db, other])


def test_resource_group_targets(localstack, ssm, launch):
    name = f"group-{uuid.uuid4().hex[:8]}"
    member = launch(TagSpecifications=tag("group", name))[0]
    launch()
    query = {
        "ResourceTypeFilters": ["AWS::EC2::Instance"],
        "TagFilters": [{"Key": "group", "Values": [name]}],
    }
    localstack.client("resource-groups").create_group(
        Name=name, ResourceQuery={"Type": "TAG_FILTERS_1_0", "Query": json.dumps(query)}
    )
    command = send_to_targets(ssm, [{"Key": "resource-groups:Name", "Values": [name]}])
    assert invoked_instances(ssm, command["CommandId"]) == [member]


def test_no_matching_instance(ssm):
    command = send_to_targets(ssm, [{"Key": "tag:team", "Values": [uuid.uuid4().hex]}])
    listed = ssm.list_commands(CommandId=command["CommandId"])["Commands"][0]
    assert (listed["StatusDetails"], listed["TargetCount"]) == ("NoInstancesInTag", 0)


def test_target_limits(raw_ssm):
    too_many = [{"Key": f"tag:k{n}", "Values": ["v"]} for n in range(6)]
    for request in (
        {"Targets": too_many},
        {"Targets": [{"Key": "tag:a", "Values": ["b"]}], "InstanceIds": ["i-12345678"]},
    ):
        with pytest.raises(ClientError) as raised:
            raw_ssm.send_command(
                DocumentName="AWS-RunShellScript", Parameters={"commands": ["true"]}, **request
            )
        assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_list_filters(ssm, launch):
    (instance_id,) = launch()
    before = datetime.now(UTC) - timedelta(seconds=1)
    ok = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["true"]},
    )["Command"]["CommandId"]
    failed = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["false"]},
    )["Command"]["CommandId"]
    for command_id in (ok, failed):
        finished(ssm, command_id, instance_id)

    def commands(*filters) -> set[str]:
        pages = ssm.get_paginator("list_commands").paginate(
            InstanceId=instance_id, Filters=list(filters)
        )
        return {c["CommandId"] for page in pages for c in page["Commands"]}

    after = {"key": "InvokedAfter", "value": before.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert commands(after) == {ok, failed}
    assert commands({"key": "InvokedBefore", "value": before.isoformat()}) == set()
    assert commands(after, {"key": "Status", "value": "Failed"}) == {failed}
    assert commands(after, {"key": "ExecutionStage", "value": "Complete"}) == {ok, failed}
    assert commands({"key": "ExecutionStage", "value": "Executing"}) == set()
    assert commands({"key": "DocumentName", "value": "AWS-RunShellScript"}) == {ok, failed}
    assert commands({"key": "DocumentName", "value": "Other"}) == set()

    invocations = ssm.list_command_invocations(
        InstanceId=instance_id, Filters=[after, {"key": "Status", "value": "Success"}]
    )["CommandInvocations"]
    assert [i["CommandId"] for i in invocations] == [ok]


@pytest.mark.parametrize(
    ("operation", "filters", "code"),
    [
        ("list_commands", [{"key": "Colour", "value": "red"}], "ValidationException"),
        (
            "list_command_invocations",
            [{"key": "ExecutionStage", "value": "Complete"}],
            "InvalidFilterKey",
        ),
        ("list_commands", [{"key": "Status", "value": "Sleeping"}], "ValidationException"),
        ("list_commands", [{"key": "InvokedAfter", "value": "soon"}], "ValidationException"),
    ],
)
def test_bad_filters(raw_ssm, operation, filters, code):
    with pytest.raises(ClientError) as raised:
        getattr(raw_ssm, operation)(Filters=filters)
    assert raised.value.response["Error"]["Code"] == code


def test_token_survives_new_commands(ssm, launch):
    (instance_id,) = launch()
    sent = [
        ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": ["true"]},
        )["Command"]["CommandId"]
        for _ in range(3)
    ]
    first = ssm.list_commands(InstanceId=instance_id, MaxResults=2)
    assert [c["CommandId"] for c in first["Commands"]] == sent[::-1][:2]
    newer = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["true"]},
    )["Command"]["CommandId"]
    second = ssm.list_commands(InstanceId=instance_id, MaxResults=2, NextToken=first["NextToken"])
    assert [c["CommandId"] for c in second["Commands"]] == [sent[0]]
    assert newer not in {c["CommandId"] for c in second["Commands"]}
