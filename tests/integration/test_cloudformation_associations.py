"""CloudFormation stacks with real SSM documents and associations: examples/cloudformation's
template creates an instance, a Command document and an association that runs there; a stack
update changes the association's parameters (a new version that runs); deleting the stack
removes the document, the association and the instance's container."""

import uuid
from pathlib import Path

import docker
import pytest
from botocore.exceptions import ClientError

TEMPLATE = Path(__file__).parents[2] / "examples" / "cloudformation" / "state-manager.yaml"
WAIT = {"Delay": 1, "MaxAttempts": 180}
ACCOUNT = "330000000001"  # its commands stay out of other tests' histories


def _outputs(cfn, stack: str) -> dict[str, str]:
    stack_description = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack_description["Outputs"]}


def _output_of_latest_run(ssm, association_id: str) -> str:
    latest = ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ][0]
    [target] = ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=latest["ExecutionId"]
    )["AssociationExecutionTargets"]
    return ssm.get_command_invocation(
        CommandId=target["OutputSource"]["OutputSourceId"], InstanceId=target["ResourceId"]
    )["StandardOutputContent"]


def test_a_stack_document_and_association_are_real(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    stack = f"state-manager-{uuid.uuid4().hex[:8]}"
    body = TEMPLATE.read_text()
    cfn.create_stack(StackName=stack, TemplateBody=body)
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = _outputs(cfn, stack)
    association_id, document = outputs["AssociationId"], outputs["DocumentName"]

    # WaitForSuccessTimeoutSeconds: the stack completed once the association had succeeded
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert (described["Name"], described["Overview"]["Status"]) == (document, "Success")
    assert ssm.describe_document(Name=document)["Document"]["DocumentType"] == "Command"
    assert _output_of_latest_run(ssm, association_id) == "hello\n"

    cfn.update_stack(
        StackName=stack,
        TemplateBody=body,
        Parameters=[{"ParameterKey": "Greeting", "ParameterValue": "bonjour"}],
    )
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=WAIT)
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert (described["AssociationVersion"], described["Parameters"]) == (
        "2",
        {"Greeting": ["bonjour"]},
    )
    assert _output_of_latest_run(ssm, association_id) == "bonjour\n"

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    with pytest.raises(ClientError) as error:
        ssm.describe_association(AssociationId=association_id)
    assert error.value.response["Error"]["Code"] == "AssociationDoesNotExist"
    with pytest.raises(ClientError) as error:
        ssm.describe_document(Name=document)
    assert error.value.response["Error"]["Code"] == "InvalidDocument"
    names = {c.name for c in docker.from_env().containers.list(all=True)}
    assert f"localstack-ec2.{outputs['InstanceId']}" not in names
