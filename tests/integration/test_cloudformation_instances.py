"""AWS::EC2::Instance in CloudFormation stacks is the instance the template describes:
examples/cloudformation/instance.yaml's instance has its tags and CloudFormation's
``aws:cloudformation:*`` tags, its role's credentials at the metadata service, IMDSv2 required, its
user data run, and an association targeting its tag runs on it; Fn::GetAtt gives its attributes.
Updates follow AWS (tags in place, InstanceType with a stop and a start, ImageId by replacement);
deleting the stack leaves no container. An instance launches from the stack's launch template.
Properties CloudFormation would refuse fail with its reason, and nothing is left running."""

import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import poll
from tests.integration.imds_helpers import MetadataClient

TEMPLATE = Path(__file__).parents[2] / "examples" / "cloudformation" / "instance.yaml"
DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"
WAIT = {"Delay": 1, "MaxAttempts": 180}
ACCOUNT = "330000000002"  # its instances and commands stay out of other tests' views
BAD_INPUT_ACCOUNT = "330000000003"


def _stack(cfn, stack: str) -> dict:
    return cfn.describe_stacks(StackName=stack)["Stacks"][0]


def _outputs(cfn, stack: str) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in _stack(cfn, stack)["Outputs"]}


def _instance(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def _tags(instance: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in instance.get("Tags", [])}


def _update(cfn, stack: str, **parameters: str) -> None:
    cfn.update_stack(
        StackName=stack,
        TemplateBody=TEMPLATE.read_text(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
    )
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=WAIT)


def _started_at(docker_client, instance_id: str) -> str:
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    return container.attrs["State"]["StartedAt"]


def _output_of_latest_run(ssm, association_id: str) -> dict[str, str]:
    latest = ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ][0]
    targets = ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=latest["ExecutionId"]
    )["AssociationExecutionTargets"]
    return {
        t["ResourceId"]: ssm.get_command_invocation(
            CommandId=t["OutputSource"]["OutputSourceId"], InstanceId=t["ResourceId"]
        )["StandardOutputContent"]
        for t in targets
    }


def test_a_stack_instance_is_the_instance_its_template_describes(localstack, docker_client):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    stack = f"instance-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(
        StackName=stack, TemplateBody=TEMPLATE.read_text(), Capabilities=["CAPABILITY_NAMED_IAM"]
    )
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = _outputs(cfn, stack)
    instance_id = outputs["InstanceId"]
    instance = _instance(ec2, instance_id)

    assert _tags(instance) == {
        "Role": "web",
        "Environment": "test",
        "aws:cloudformation:stack-name": stack,
        "aws:cloudformation:stack-id": _stack(cfn, stack)["StackId"],
        "aws:cloudformation:logical-id": "Web",
    }
    assert {k: outputs[k] for k in outputs if k not in ("AssociationId", "RoleName")} == {
        "InstanceId": instance_id,
        "AttributeInstanceId": instance_id,
        "PrivateIp": instance["PrivateIpAddress"],
        "PrivateDnsName": instance["PrivateDnsName"],
        "PublicIp": instance.get("PublicIpAddress", ""),
        "PublicDnsName": instance.get("PublicDnsName", ""),
        "AvailabilityZone": instance["Placement"]["AvailabilityZone"],
        "VpcId": instance["VpcId"],
    }
    assert instance["MetadataOptions"]["HttpTokens"] == "required"

    # the role's credentials, through IMDSv2 only
    metadata = MetadataClient(docker_client.containers.get(f"localstack-ec2.{instance_id}"))
    assert metadata.get("/latest/meta-data/iam/security-credentials/").status == 401
    token = metadata.token()
    role = metadata.text("/latest/meta-data/iam/security-credentials/", token)
    assert role == outputs["RoleName"]
    # the user data ran at first boot; the association targeting tag:Role ran there
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    booted = poll(lambda: container.exec_run(["cat", "/tmp/booted"]), lambda r: r.exit_code == 0)
    assert booted.output == b"booted by user data\n"
    association = ssm.describe_association(AssociationId=outputs["AssociationId"])
    assert association["AssociationDescription"]["Overview"]["Status"] == "Success"
    assert _output_of_latest_run(ssm, outputs["AssociationId"]) == {instance_id: "configured\n"}

    # Tags change in place: same instance, not restarted
    started = _started_at(docker_client, instance_id)
    _update(cfn, stack, Environment="prod")
    assert _outputs(cfn, stack)["InstanceId"] == instance_id
    assert _tags(_instance(ec2, instance_id))["Environment"] == "prod"
    assert _started_at(docker_client, instance_id) == started

    # InstanceType: the same instance, stopped and started again
    _update(cfn, stack, Environment="prod", InstanceType="t3.small")
    instance = _instance(ec2, instance_id)
    assert (instance["InstanceType"], instance["State"]["Name"]) == ("t3.small", "running")
    assert _started_at(docker_client, instance_id) != started

    # ImageId: a new instance replaces it
    _update(cfn, stack, Environment="prod", InstanceType="t3.small", ImageId=DEBIAN_AMI)
    replacement = _outputs(cfn, stack)["InstanceId"]
    assert replacement != instance_id
    assert _instance(ec2, replacement)["ImageId"] == DEBIAN_AMI
    assert _instance(ec2, instance_id)["State"]["Name"] == "terminated"
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert f"localstack-ec2.{instance_id}" not in names

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert f"localstack-ec2.{replacement}" not in names
    assert _instance(ec2, replacement)["State"]["Name"] == "terminated"
    with pytest.raises(ClientError) as gone:
        ssm.describe_association(AssociationId=outputs["AssociationId"])
    assert gone.value.response["Error"]["Code"] == "AssociationDoesNotExist"


def _instance_template(**properties) -> str:
    import json

    resource = {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": AMI_ID, **properties}}
    return json.dumps({"Resources": {"Web": resource}})


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        (
            {"InstanceMarketOptions": {"MarketType": "spot"}},
            "Properties validation failed for resource Web with message: "
            "[#: extraneous key [InstanceMarketOptions] is not permitted]",
        ),
        (
            {"Tenancy": "shared", "MetadataOptions": {"HttpTokens": "always"}},
            "Properties validation failed for resource Web with message: "
            "[#/MetadataOptions/HttpTokens: always is not a valid enum value, "
            "#/Tenancy: shared is not a valid enum value]",
        ),
        (
            {"ImageId": "ami-00000000000000000"},
            "Resource handler returned message: \"The image id '[ami-00000000000000000]' "
            "does not exist (Service: Ec2, Status Code: 400, Request ID: ",
        ),
        (
            {"InstanceType": "t9.huge"},
            "Resource handler returned message: \"Invalid value 't9.huge' for InstanceType. "
            "(Service: Ec2, Status Code: 400, Request ID: ",
        ),
    ],
    ids=["unknown-property", "values-outside-enums", "unknown-ami", "unknown-instance-type"],
)
def test_bad_properties_fail_with_cloudformations_reason_and_nothing_runs(
    localstack, properties, reason
):
    cfn = localstack.client("cloudformation", account=BAD_INPUT_ACCOUNT)
    ec2 = localstack.client("ec2", account=BAD_INPUT_ACCOUNT)
    stack = f"bad-instance-{uuid.uuid4().hex[:8]}"
    # through a change set, as `aws cloudformation deploy` and the CDK deploy: LocalStack's
    # engine rolls a failed change set back (its CreateStack ends at CREATE_FAILED)
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName="create",
        ChangeSetType="CREATE",
        TemplateBody=_instance_template(**properties),
    )
    cfn.get_waiter("change_set_create_complete").wait(
        StackName=stack, ChangeSetName="create", WaiterConfig=WAIT
    )
    cfn.execute_change_set(StackName=stack, ChangeSetName="create")
    poll(lambda: _stack(cfn, stack)["StackStatus"], lambda s: s == "ROLLBACK_COMPLETE")
    [failed] = [
        e
        for e in cfn.describe_stack_events(StackName=stack)["StackEvents"]
        if e["LogicalResourceId"] == "Web" and e["ResourceStatus"] == "CREATE_FAILED"
    ]
    assert failed["ResourceStatusReason"].startswith(reason), failed["ResourceStatusReason"]
    running = [
        i
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] != "terminated"
    ]
    assert running == []
    cfn.delete_stack(StackName=stack)


def _launch_template_stack(instance_type: str) -> str:
    import json

    return json.dumps(
        {
            "Resources": {
                "WebTemplate": {
                    "Type": "AWS::EC2::LaunchTemplate",
                    "Properties": {
                        "LaunchTemplateData": {
                            "ImageId": AMI_ID,
                            "InstanceType": instance_type,
                            "MetadataOptions": {"HttpTokens": "required"},
                        },
                        "TagSpecifications": [
                            {
                                "ResourceType": "launch-template",
                                "Tags": [{"Key": "Role", "Value": "web"}],
                            }
                        ],
                    },
                }
            },
            "Outputs": {
                "Id": {"Value": {"Ref": "WebTemplate"}},
                "Latest": {"Value": {"Fn::GetAtt": ["WebTemplate", "LatestVersionNumber"]}},
                "Default": {"Value": {"Fn::GetAtt": ["WebTemplate", "DefaultVersionNumber"]}},
            },
        }
    )


def test_a_stack_launch_template_is_real_and_an_update_is_its_new_default_version(localstack):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    stack = f"launch-template-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=stack, TemplateBody=_launch_template_stack("t3.micro"))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = _outputs(cfn, stack)
    [described] = ec2.describe_launch_templates(LaunchTemplateIds=[outputs["Id"]])[
        "LaunchTemplates"
    ]
    assert (outputs["Latest"], outputs["Default"]) == ("1", "1")
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {
        "Role": "web",
        "aws:cloudformation:stack-name": stack,
        "aws:cloudformation:stack-id": _stack(cfn, stack)["StackId"],
        "aws:cloudformation:logical-id": "WebTemplate",
    }
    [version] = ec2.describe_launch_template_versions(LaunchTemplateId=outputs["Id"])[
        "LaunchTemplateVersions"
    ]
    data = version["LaunchTemplateData"]
    assert (data["ImageId"], data["InstanceType"], data["MetadataOptions"]["HttpTokens"]) == (
        AMI_ID,
        "t3.micro",
        "required",
    )

    cfn.update_stack(StackName=stack, TemplateBody=_launch_template_stack("t3.small"))
    cfn.get_waiter("stack_update_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = _outputs(cfn, stack)
    assert (outputs["Latest"], outputs["Default"]) == ("2", "2")
    [default] = ec2.describe_launch_template_versions(
        LaunchTemplateId=outputs["Id"], Versions=["$Default"]
    )["LaunchTemplateVersions"]
    assert default["LaunchTemplateData"]["InstanceType"] == "t3.small"

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    listed = [t["LaunchTemplateId"] for t in ec2.describe_launch_templates()["LaunchTemplates"]]
    assert outputs["Id"] not in listed


def test_a_stack_instance_launches_from_the_stacks_launch_template(localstack, docker_client):
    import json

    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    stack = f"from-template-{uuid.uuid4().hex[:8]}"
    template = json.loads(_launch_template_stack("t3.small"))
    template["Resources"]["Web"] = {
        "Type": "AWS::EC2::Instance",
        "Properties": {
            "LaunchTemplate": {
                "LaunchTemplateId": {"Ref": "WebTemplate"},
                "Version": {"Fn::GetAtt": ["WebTemplate", "LatestVersionNumber"]},
            },
            "Tags": [{"Key": "Name", "Value": "from-template"}],
        },
    }
    template["Outputs"]["InstanceId"] = {"Value": {"Ref": "Web"}}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=WAIT)
    outputs = _outputs(cfn, stack)
    instance = _instance(ec2, outputs["InstanceId"])
    assert (instance["ImageId"], instance["InstanceType"]) == (AMI_ID, "t3.small")
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    tags = _tags(instance)
    assert tags["Name"] == "from-template"
    assert tags["aws:ec2launchtemplate:id"] == outputs["Id"]
    assert tags["aws:cloudformation:logical-id"] == "Web"

    cfn.delete_stack(StackName=stack)
    cfn.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=WAIT)
    assert (
        docker_client.containers.list(
            all=True, filters={"name": f"localstack-ec2.{outputs['InstanceId']}"}
        )
        == []
    )
