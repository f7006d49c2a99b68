"""AWS::SSM::Document of type Automation through CloudFormation against a real LocalStack: the
stack's runbook is a real Automation document that runs to its outputs; a malformed runbook
fails the resource with InvalidDocumentContent's message (naming the step) and the stack rolls
back with no document left; an AWS::SSM::Association of the stack's runbook runs it before the
stack completes."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import automation_finished, poll

WAIT = {"Delay": 1, "MaxAttempts": 180}
ACCOUNT = "330000000026"


def _template(steps: list[dict]) -> str:
    return json.dumps(
        {
            "Resources": {
                "Runbook": {
                    "Type": "AWS::SSM::Document",
                    "Properties": {
                        "DocumentType": "Automation",
                        "Content": {
                            "schemaVersion": "0.3",
                            "parameters": {"Who": {"type": "String", "default": "stack"}},
                            "outputs": ["greet.Greeting"],
                            "mainSteps": steps,
                        },
                    },
                }
            },
            "Outputs": {"Name": {"Value": {"Ref": "Runbook"}}},
        }
    )


GREET = {
    "name": "greet",
    "action": "aws:executeAwsApi",
    "inputs": {"Service": "sts", "Api": "GetCallerIdentity"},
    "outputs": [{"Name": "Greeting", "Selector": "$.Account", "Type": "String"}],
}


def test_a_stack_runbook_is_an_automation_document_that_runs(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    stack = f"runbook-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=stack, TemplateBody=_template([GREET]))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    name = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "Name")
    assert ssm.describe_document(Name=name)["Document"]["DocumentType"] == "Automation"

    execution_id = ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert execution["Outputs"]["greet.Greeting"] == [ACCOUNT]

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    with pytest.raises(ClientError) as error:
        ssm.describe_document(Name=name)
    assert error.value.response["Error"]["Code"] == "InvalidDocument"


def test_a_malformed_runbook_fails_the_stack_with_invalid_document_contents_message(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    before = {
        d["Name"]
        for d in ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])[
            "DocumentIdentifiers"
        ]
    }
    stack = f"bad-runbook-{uuid.uuid4().hex[:8]}"
    broken = {"name": "launch", "action": "aws:noSuchAction", "inputs": {}}
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="create",
        ChangeSetType="CREATE",
        TemplateBody=_template([broken]),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=stack, ChangeSetName="create", WaiterConfig=WAIT
    )
    cfn.execute_change_set(StackName=stack, ChangeSetName="create")
    poll(
        lambda: cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"],
        lambda s: s == "ROLLBACK_COMPLETE",
    )
    [failed] = [
        e
        for e in cfn.describe_stack_events(StackName=stack)["StackEvents"]
        if e["LogicalResourceId"] == "Runbook" and e["ResourceStatus"] == "CREATE_FAILED"
    ]
    reason = failed["ResourceStatusReason"]
    assert reason.startswith(
        'Resource handler returned message: "Step launch has an unknown action aws:noSuchAction.'
        " (Service: Ssm, Status Code: 400,"
    ), reason
    assert "HandlerErrorCode: InvalidRequest" in reason
    after = {
        d["Name"]
        for d in ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])[
            "DocumentIdentifiers"
        ]
    }
    assert after == before
    cfn.delete_stack(StackName=stack)


def test_a_stack_association_runs_its_runbook_before_the_stack_completes(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    template = json.loads(_template([GREET]))
    template["Resources"]["Run"] = {
        "Type": "AWS::SSM::Association",
        "Properties": {"Name": {"Ref": "Runbook"}, "WaitForSuccessTimeoutSeconds": 120},
    }
    template["Outputs"]["AssociationId"] = {"Value": {"Ref": "Run"}}
    stack = f"runbook-association-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
    association_id = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "AssociationId")

    # WaitForSuccessTimeoutSeconds: the stack completed once the runbook's run had succeeded
    [execution] = ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    assert execution["Status"] == "Success"
    [target] = ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=execution["ExecutionId"]
    )["AssociationExecutionTargets"]
    automation = ssm.get_automation_execution(AutomationExecutionId=target["ResourceId"])[
        "AutomationExecution"
    ]
    assert automation["Outputs"]["greet.Greeting"] == [ACCOUNT]
    assert automation["AssociationId"] == association_id

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    with pytest.raises(ClientError) as error:
        ssm.describe_association(AssociationId=association_id)
    assert error.value.response["Error"]["Code"] == "AssociationDoesNotExist"
