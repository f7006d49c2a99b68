"""ListCommands and ListCommandInvocations over real invocations."""

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import finished


@pytest.fixture(scope="module")
def fleet(localstack):
    from tests.integration.conftest import AMI_ID

    ec2 = localstack.client("ec2")
    reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=3, MaxCount=3)
    ids = sorted(i["InstanceId"] for i in reservation["Instances"])
    yield ids
    ec2.terminate_instances(InstanceIds=ids)


def send(ssm, instance_ids: list[str], commands: list[str]) -> str:
    return ssm.send_command(
        InstanceIds=instance_ids,
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": commands},
        Comment="from the list tests",
    )["Command"]["CommandId"]


def test_command_counters_and_status_derive_from_invocations(ssm, fleet):
    failing = fleet[0]
    command_id = send(ssm, fleet, [f'[ "$AWS_SSM_INSTANCE_ID" != {failing} ]'])
    for instance_id in fleet:
        finished(ssm, command_id, instance_id)
    command = ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert (command["TargetCount"], command["CompletedCount"], command["ErrorCount"]) == (3, 3, 1)
    assert (command["Status"], command["StatusDetails"]) == ("Failed", "Failed")
    assert command["Comment"] == "from the list tests"
    assert command["InstanceIds"] == fleet
    assert command["ExpiresAfter"] > command["RequestedDateTime"]


def test_invocations_by_command_and_by_instance_with_details(ssm, fleet):
    command_id = send(ssm, fleet, ["echo out", "echo err >&2"])
    for instance_id in fleet:
        finished(ssm, command_id, instance_id)

    by_command = ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]
    assert sorted(i["InstanceId"] for i in by_command) == fleet
    assert all(i["CommandPlugins"] == [] for i in by_command)

    by_instance = ssm.list_command_invocations(InstanceId=fleet[1], Details=True)
    mine = [i for i in by_instance["CommandInvocations"] if i["CommandId"] == command_id]
    assert len(mine) == 1
    (plugin,) = mine[0]["CommandPlugins"]
    assert (plugin["Name"], plugin["Status"], plugin["ResponseCode"]) == (
        "aws:runShellScript",
        "Success",
        0,
    )
    assert plugin["Output"] == "out\n\n----------ERROR-------\nerr\n"
    assert plugin["ResponseFinishDateTime"] >= plugin["ResponseStartDateTime"]
    assert mine[0]["InstanceName"].startswith(fleet[1])

    commands_of_instance = ssm.list_commands(InstanceId=fleet[1])["Commands"]
    assert command_id in {c["CommandId"] for c in commands_of_instance}


def test_pagination_walks_every_invocation_once(ssm, fleet):
    first = send(ssm, fleet, ["true"])
    second = send(ssm, fleet, ["true"])
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ssm.list_command_invocations(MaxResults=1, **kwargs)
        seen += [(i["CommandId"], i["InstanceId"]) for i in page["CommandInvocations"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen))
    assert {(c, i) for c in (first, second) for i in fleet} <= set(seen)
    newest_first = [c for c, _ in seen if c in (first, second)]
    assert newest_first == [second] * 3 + [first] * 3


def test_unknown_command_id_lists_nothing(ssm):
    unknown = str(uuid.uuid4())
    assert ssm.list_command_invocations(CommandId=unknown)["CommandInvocations"] == []
    assert ssm.list_commands(CommandId=unknown)["Commands"] == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"MaxResults": 0}, "ValidationException"),
        ({"MaxResults": 51}, "ValidationException"),
        ({"CommandId": "too-short"}, "ValidationException"),
        ({"InstanceId": "not-an-instance"}, "ValidationException"),
        ({"NextToken": "forged"}, "InvalidNextToken"),
    ],
)
def test_bad_list_requests_get_aws_errors(raw_ssm, kwargs, code):
    for operation in (raw_ssm.list_commands, raw_ssm.list_command_invocations):
        with pytest.raises(ClientError) as raised:
            operation(**kwargs)
        assert raised.value.response["Error"]["Code"] == code
