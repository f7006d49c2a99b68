"""End to end with the AWS CDK (aws-cdk 2.1148.1, aws-cdk-lib 2.275.0, aws-cdk-local 3.0.4, as
examples/cdk/package-lock.json pins them; `make cdk-tools` installs them): `cdklocal bootstrap`
and `cdklocal deploy` of examples/cdk's app against a real LocalStack give an ec2.Instance with
its role, user data and tags, and the association targeting its tag has run there when deploy
returns; `cdklocal destroy` leaves no container, association or document."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import poll

EXAMPLE = Path(__file__).parents[2] / "examples" / "cdk"
# cdklocal signs as account 000000000000 whatever key it is given
ACCOUNT = "000000000000"
STACK = "SsmDockerCdkExample"


@pytest.fixture(scope="module")
def cdklocal(localstack, tmp_path_factory):
    """`cdklocal` in a copy of the example (its context and cloud assembly stay out of the
    tree), against this LocalStack."""
    binary = EXAMPLE / "node_modules" / ".bin" / "cdklocal"
    assert binary.exists(), "the CDK example's npm packages are missing: run `make cdk-tools`"
    work = tmp_path_factory.mktemp("cdk")
    for name in ("app.js", "cdk.json", "package.json"):
        shutil.copy(EXAMPLE / name, work / name)
    (work / "node_modules").symlink_to(EXAMPLE / "node_modules")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": localstack.endpoint,
        "AWS_ENDPOINT_URL_S3": localstack.endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "1",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(binary), *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            raise AssertionError(f"cdklocal {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout + done.stderr

    return run


def test_the_cdk_example_deploys_runs_its_association_and_destroys(
    cdklocal, localstack, docker_client
):
    cfn = localstack.client("cloudformation", account=ACCOUNT)
    ec2 = localstack.client("ec2", account=ACCOUNT)
    ssm = localstack.client("ssm", account=ACCOUNT)
    cdklocal("bootstrap")
    cdklocal("deploy", "--require-approval", "never")
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    }
    instance_id = outputs["InstanceId"]
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert (tags["Role"], tags["aws:cloudformation:stack-name"]) == ("web", STACK)
    assert instance["PrivateIpAddress"] == outputs["PrivateIp"]
    profile = instance["IamInstanceProfile"]["Arn"].rsplit("/", 1)[1]
    iam = localstack.client("iam", account=ACCOUNT)
    roles = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == [outputs["RoleName"]]

    # the association (WaitForSuccessTimeoutSeconds) succeeded there before deploy returned
    association_id = outputs["AssociationId"]
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Overview"]["Status"] == "Success"
    execution = ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ][0]
    targets = ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=execution["ExecutionId"]
    )["AssociationExecutionTargets"]
    [target] = [t for t in targets if t["ResourceId"] == instance_id]
    output = ssm.get_command_invocation(
        CommandId=target["OutputSource"]["OutputSourceId"], InstanceId=instance_id
    )["StandardOutputContent"]
    assert output == "configured by cdk\n"
    # the user data CDK rendered ran at first boot
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    booted = poll(lambda: container.exec_run(["cat", "/tmp/booted"]), lambda r: r.exit_code == 0)
    assert booted.output == b"booted by user data\n"

    cdklocal("destroy", "--force")
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert f"localstack-ec2.{instance_id}" not in names
    with pytest.raises(ClientError) as gone:
        ssm.describe_association(AssociationId=association_id)
    assert gone.value.response["Error"]["Code"] == "AssociationDoesNotExist"
    with pytest.raises(ClientError) as gone:
        ssm.describe_document(Name=outputs["DocumentName"])
    assert gone.value.response["Error"]["Code"] == "InvalidDocument"
