"""State Manager associations with an Automation document against a real LocalStack and Docker:
a run is one rate-controlled automation execution over the association's targets, whose
children run a real command on each instance; the association's executions and targets show
that execution's id and status; a bad runbook association is refused and nothing is stored."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import automation_finished, poll, until_online
from tests.integration.test_associations import (  # noqa: F401 (fixtures)
    account,
    clients,
    executions,
    fleet,
    targets_of,
)

GREETING = {
    "schemaVersion": "0.3",
    "parameters": {"InstanceId": {"type": "String"}, "Message": {"type": "String"}},
    "outputs": ["say.Output"],
    "mainSteps": [
        {
            "name": "say",
            "action": "aws:runCommand",
            "inputs": {
                "DocumentName": "AWS-RunShellScript",
                "InstanceIds": ["{{ InstanceId }}"],
                "Parameters": {"commands": ["echo {{ Message }} on {{ InstanceId }}"]},
            },
        }
    ],
}


def create_runbook(ssm, content: dict) -> str:
    name = f"assoc-runbook-{uuid.uuid4().hex[:10]}"
    ssm.create_document(
        Name=name, Content=json.dumps(content), DocumentType="Automation", DocumentFormat="JSON"
    )
    return name


def test_a_runbook_association_runs_one_rate_controlled_execution_over_its_targets(
    clients,  # noqa: F811
    fleet,  # noqa: F811
):
    _, ssm, _ = clients
    web = fleet(2, {"Role": "web"})
    fleet(1, {"Role": "db"})
    for instance_id in web:
        until_online(ssm, instance_id)
    name = create_runbook(ssm, GREETING)
    association_id = ssm.create_association(
        Name=name,
        Parameters={"Message": ["configured"]},
        AutomationTargetParameterName="InstanceId",
        Targets=[{"Key": "tag:Role", "Values": ["web"]}],
        MaxConcurrency="1",
        MaxErrors="0",
    )["AssociationDescription"]["AssociationId"]

    (execution,) = poll(lambda: executions(ssm, association_id), lambda e: len(e) == 1)
    (target,) = targets_of(ssm, association_id, execution["ExecutionId"])
    assert target["ResourceType"] == "AutomationExecution"
    automation_id = target["ResourceId"]
    parent = automation_finished(ssm, automation_id, deadline=120)
    assert parent["AutomationExecutionStatus"] == "Success"
    assert parent["DocumentName"] == name
    assert parent["AssociationId"] == association_id
    assert sorted(parent["ResolvedTargets"]["ParameterValues"]) == sorted(web)
    assert (parent["MaxConcurrency"], parent["MaxErrors"]) == ("1", "0")

    children = ssm.describe_automation_executions(
        Filters=[{"Key": "ParentExecutionId", "Values": [automation_id]}]
    )["AutomationExecutionMetadataList"]
    assert sorted(c["Target"] for c in children) == sorted(web)
    spans = sorted((c["ExecutionStartTime"], c["ExecutionEndTime"]) for c in children)
    assert spans[0][1] <= spans[1][0]  # MaxConcurrency 1: one after the other
    for child in children:
        ended = ssm.get_automation_execution(AutomationExecutionId=child["AutomationExecutionId"])
        output = ended["AutomationExecution"]["Outputs"]["say.Output"]
        assert output == [f"configured on {child['Target']}\n"]

    (done,) = poll(lambda: executions(ssm, association_id), lambda e: e[0]["Status"] == "Success")
    assert done["ResourceCountByStatus"] == "{Success=1}"
    (target,) = targets_of(ssm, association_id, execution["ExecutionId"])
    assert (target["Status"], target["ResourceId"]) == ("Success", automation_id)
    overview = ssm.describe_association(AssociationId=association_id)["AssociationDescription"][
        "Overview"
    ]
    assert overview["Status"] == "Success"

    ssm.start_associations_once(AssociationIds=[association_id])
    runs = poll(lambda: executions(ssm, association_id), lambda e: len(e) == 2)
    second = targets_of(ssm, association_id, runs[0]["ExecutionId"])[0]["ResourceId"]
    assert second != automation_id
    assert automation_finished(ssm, second, deadline=120)["AutomationExecutionStatus"] == "Success"


def test_a_failing_runbook_makes_the_association_failed(clients):  # noqa: F811
    _, ssm, _ = clients
    name = create_runbook(
        ssm,
        {
            "schemaVersion": "0.3",
            "mainSteps": [
                {
                    "name": "fail",
                    "action": "aws:assertAwsResourceProperty",
                    "inputs": {
                        "Service": "ssm",
                        "Api": "DescribeDocument",
                        "Name": "AWS-RunShellScript",
                        "PropertySelector": "$.Document.Name",
                        "DesiredValues": ["something-else"],
                    },
                }
            ],
        },
    )
    association_id = ssm.create_association(Name=name)["AssociationDescription"]["AssociationId"]
    (execution,) = poll(
        lambda: executions(ssm, association_id),
        lambda e: len(e) == 1 and e[0]["Status"] == "Failed",
    )
    (target,) = targets_of(ssm, association_id, execution["ExecutionId"])
    assert (target["Status"], target["DetailedStatus"]) == ("Failed", "Failed")
    automation = ssm.get_automation_execution(AutomationExecutionId=target["ResourceId"])
    assert automation["AutomationExecution"]["AutomationExecutionStatus"] == "Failed"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"Parameters": {"Unknown": ["x"]}}, "InvalidParameters"),
        ({"DocumentVersion": "7"}, "InvalidDocumentVersion"),
        ({"InstanceId": "i-0123456789abcdef0"}, "ValidationException"),
        (
            {"ScheduleExpression": "rate(1 hour)", "ApplyOnlyAtCronInterval": True},
            "InvalidSchedule",
        ),
        ({"AutomationTargetParameterName": "InstanceId"}, "ValidationException"),
    ],
)
def test_bad_runbook_associations_get_aws_errors_and_store_nothing(
    clients,  # noqa: F811
    changes,
    code,
):
    _, ssm, _ = clients
    name = create_runbook(ssm, GREETING)
    with pytest.raises(ClientError) as raised:
        ssm.create_association(Name=name, **changes)
    assert raised.value.response["Error"]["Code"] == code
    assert ssm.list_associations()["Associations"] == []
