"""An SDK inside an instance, with no configuration: the Debian AMI (`make ami-debian`) reaches
IMDS with curl and this LocalStack with the AWS CLI, as the instance profile's role."""

import json

import pytest

from tests.integration.helpers import container_of, finished, run_command
from tests.integration.imds_helpers import MetadataClient
from tests.integration.test_instance_credentials import make_profile

DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"


@pytest.fixture(scope="module")
def debian_instance(localstack, docker_client):
    ssm = localstack.client("ssm")
    """A Debian instance with the instance profile `debian-app`, its route to IMDS checked."""
    make_profile(localstack, "debian-app")
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(
        ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "debian-app"}
    )["Instances"][0]["InstanceId"]
    MetadataClient(container_of(docker_client, instance_id))  # asserts the route is ours
    assert ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
    )["InstanceInformationList"]
    yield instance_id
    ec2.terminate_instances(InstanceIds=[instance_id])


def test_curl_and_the_aws_cli_inside_a_debian_instance(localstack, ssm, debian_instance):
    s3 = localstack.client("s3")
    s3.create_bucket(Bucket="app-artifacts")
    s3.put_object(Bucket="app-artifacts", Key="app.txt", Body=b"release 1\n")
    base = "http://169.254.169.254/latest"
    command_id = run_command(
        ssm,
        debian_instance,
        [
            f"curl -sf {base}/meta-data/instance-id; echo",
            f'T=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" {base}/api/token)',
            f'curl -sf -H "X-aws-ec2-metadata-token: $T" {base}/meta-data/placement/region; echo',
            f"curl -s -o /dev/null -w '%{{http_code}}\\n' {base}/meta-data/nothing",
            f"curl -sf {base}/dynamic/instance-identity/document | python3 -c "
            "'import json,sys; print(json.load(sys.stdin)[\"instanceId\"])'",
            "aws sts get-caller-identity --query Arn --output text",
            "aws s3 ls s3://app-artifacts | awk '{print $4}'",
            "aws s3 cp s3://app-artifacts/app.txt -",
        ],
    )
    result = finished(ssm, command_id, debian_instance)
    assert result["Status"] == "Success", result["StandardErrorContent"]
    assert result["StandardOutputContent"].splitlines() == [
        debian_instance,
        "us-east-1",
        "404",
        debian_instance,
        f"arn:aws:sts::000000000000:assumed-role/debian-app-role/{debian_instance}",
        "app.txt",
        "release 1",
    ]


def test_imds_credentials_document_from_curl(ssm, debian_instance):
    url = "http://169.254.169.254/latest/meta-data/iam/security-credentials/debian-app-role"
    command_id = run_command(ssm, debian_instance, [f"curl -sf {url}"])
    result = finished(ssm, command_id, debian_instance)
    document = json.loads(result["StandardOutputContent"])
    assert document["Code"] == "Success" and document["AccessKeyId"]
