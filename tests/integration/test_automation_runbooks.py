"""AWS-owned Automation runbooks: listed and described as AWS's, run by name end to end."""

import json

import pytest
from botocore.exceptions import ClientError

from localstack_ssm_docker.ssm.documents.automation_runbooks import RUNBOOKS


def test_runbooks_are_listed_described_and_served_as_amazon_automation_documents(ssm):
    listed = ssm.list_documents(
        Filters=[
            {"Key": "Owner", "Values": ["Amazon"]},
            {"Key": "DocumentType", "Values": ["Automation"]},
        ]
    )["DocumentIdentifiers"]
    assert set(RUNBOOKS) <= {d["Name"] for d in listed}
    assert {d["DocumentType"] for d in listed if d["Name"] in RUNBOOKS} == {"Automation"}
    described = ssm.describe_document(Name="AWS-UpdateLinuxAmi")["Document"]
    assert (described["Owner"], described["DocumentType"], described["SchemaVersion"]) == (
        "Amazon",
        "Automation",
        "0.3",
    )
    parameters = {p["Name"]: p for p in described["Parameters"]}
    assert {"SourceAmiId", "IamInstanceProfileName", "AutomationAssumeRole", "InstanceType"} <= (
        set(parameters)
    )
    content = json.loads(ssm.get_document(Name="AWS-RestartEC2Instance")["Content"])
    assert [s["action"] for s in content["mainSteps"]] == ["aws:changeInstanceState"] * 2


def test_send_command_refuses_a_runbook(ssm, launch):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as refused:
        ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName="AWS-StopEC2Instance",
            Parameters={"InstanceId": [instance_id]},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidDocument"
