"""One address for LocalStack inside instances (the default, EC2_INSTANCE_RESOLVER): a Debian
instance resolves localhost.localstack.cloud and every name under it through 169.254.169.253,
reaches LocalStack at port 4566 there (this LocalStack listens on another port), and its curl,
AWS CLI and boto3 reach S3, SSM and Secrets Manager with the role's credentials and no endpoint
flags; the host's own resolution stays as it was."""

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from harness.instance_profiles import make_instance_profile
from harness.localstack_process import LocalStack
from localstack_ssm_docker.engine.docker.imds_network import (
    METADATA_NETWORK,
    REGISTRY,
    RESPONDER,
    registry_names,
)
from tests.integration.helpers import container_of, finished, run_command, until_online
from tests.integration.imds_helpers import MetadataClient

DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"
NAME = "localhost.localstack.cloud"
ENDPOINT = f"http://{NAME}:4566"
HOST_FILES = (Path("/etc/resolv.conf"), Path("/etc/hosts"))


@pytest.fixture(scope="module")
def host_files() -> dict[Path, bytes]:
    """The host's resolver files before this LocalStack starts."""
    return {path: path.read_bytes() for path in HOST_FILES}


@pytest.fixture(scope="module")
def named(tmp_path_factory, host_files) -> Iterator[LocalStack]:
    """A LocalStack (giving instances its name by default) that checks presigned URLs'
    signatures and expiry as S3 does."""
    runtime = LocalStack(
        tmp_path_factory.mktemp("address"), env={"S3_SKIP_SIGNATURE_VALIDATION": "0"}
    )
    yield runtime
    runtime.stop()


@pytest.fixture(scope="module")
def instance(named, docker_client) -> Iterator[str]:
    """A Debian instance with a role, online, its route to 169.254.169.254 checked."""
    make_instance_profile(named.client("iam"), "address-app")
    ec2 = named.client("ec2")
    instance_id = ec2.run_instances(
        ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "address-app"}
    )["Instances"][0]["InstanceId"]
    MetadataClient(container_of(docker_client, instance_id))  # asserts the route is ours
    until_online(named.client("ssm"), instance_id)
    yield instance_id
    ec2.terminate_instances(InstanceIds=[instance_id])


def inside(named: LocalStack, instance_id: str, commands: list[str]) -> list[str]:
    ssm = named.client("ssm")
    result = finished(ssm, run_command(ssm, instance_id, commands), instance_id)
    assert result["Status"] == "Success", result
    return result["StandardOutputContent"].splitlines()


def presigner(signature_version: str):
    """An S3 client on the host that signs for LocalStack's name, as a user's machine does."""
    return boto3.client(
        "s3",
        endpoint_url=f"http://s3.{NAME}:4566",
        region_name="us-east-1",
        aws_access_key_id="000000000000",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "virtual"}, signature_version=signature_version),
    )


def test_the_name_and_names_under_it_resolve_to_localstack_inside(named, instance):
    assert inside(
        named,
        instance,
        [
            'echo "$AWS_ENDPOINT_URL"',
            f"getent hosts {NAME}",
            f"getent hosts app-artifacts.s3.{NAME}",
            f"curl -s -o /dev/null -w '%{{http_code}}\\n' {ENDPOINT}/_localstack/health",
        ],
    ) == [
        ENDPOINT,
        f"169.254.169.253 {NAME}",
        f"169.254.169.253 app-artifacts.s3.{NAME}",
        "200",
    ]


def test_a_url_presigned_on_the_host_works_unchanged_inside(named, instance):
    named.client("s3").create_bucket(Bucket="app-artifacts")
    named.client("s3").put_object(Bucket="app-artifacts", Key="app.txt", Body=b"release 1\n")
    url = presigner("s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "app-artifacts", "Key": "app.txt"}
    )
    assert url.startswith(f"http://app-artifacts.s3.{NAME}:4566/app.txt?")
    assert inside(named, instance, [f"curl -sf '{url}'"]) == ["release 1"]


def test_a_missing_bucket_or_an_expired_url_gets_s3s_error_inside(named, instance):
    missing = presigner("s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": "no-such-bucket-here", "Key": "x"}
    )
    named.client("s3").create_bucket(Bucket="expiring")
    named.client("s3").put_object(Bucket="expiring", Key="x", Body=b"x")
    expired = presigner("s3").generate_presigned_url(
        "get_object", Params={"Bucket": "expiring", "Key": "x"}, ExpiresIn=-60
    )
    codes = "grep -o '<Code>[^<]*</Code>'"
    assert inside(
        named,
        instance,
        [
            f"curl -s '{missing}' | {codes}; curl -s -o /dev/null -w '%{{http_code}}\\n' "
            f"'{missing}'",
            f"curl -s '{expired}' | {codes}; curl -s -o /dev/null -w '%{{http_code}}\\n' "
            f"'{expired}'",
        ],
    ) == ["<Code>NoSuchBucket</Code>", "404", "<Code>AccessDenied</Code>", "403"]


def test_the_aws_cli_inside_needs_no_endpoint_flags(named, instance):
    named.client("ssm").put_parameter(
        Name="/app/db-password", Value="s3cr3t-value", Type="SecureString"
    )
    named.client("secretsmanager").create_secret(Name="app/api-key", SecretString="k-123")
    named.client("s3").create_bucket(Bucket="cli-artifacts")
    named.client("s3").put_object(Bucket="cli-artifacts", Key="a.txt", Body=b"from s3\n")
    assert inside(
        named,
        instance,
        [
            "aws ssm get-parameter --name /app/db-password --with-decryption "
            "--query Parameter.Value --output text",
            "aws secretsmanager get-secret-value --secret-id app/api-key "
            "--query SecretString --output text",
            "aws s3 cp s3://cli-artifacts/a.txt -",
            "aws sts get-caller-identity --query Arn --output text",
        ],
    ) == [
        "s3cr3t-value",
        "k-123",
        "from s3",
        f"arn:aws:sts::000000000000:assumed-role/address-app/{instance}",
    ]


def test_the_hosts_own_resolution_is_untouched(named, instance, host_files):
    assert {path: path.read_bytes() for path in HOST_FILES} == host_files


def test_an_unregistered_caller_gets_no_name_and_no_localstack(named, instance, docker_client):
    container = container_of(docker_client, instance)
    address = container.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK]["IPAddress"]
    responder = docker_client.containers.get(RESPONDER)
    registrations = [f"{REGISTRY}/{name}" for name in registry_names(address)]
    saved = [responder.exec_run(["cat", path]).output.decode() for path in registrations]
    responder.exec_run(["rm", "-f", *registrations])
    try:
        probe = (
            f"getent hosts {NAME} || echo unresolved; "
            "curl -s --max-time 5 -o /dev/null -w '%{http_code}\\n' "
            "http://169.254.169.253:4566/_localstack/health"
        )
        result = container.exec_run(["sh", "-c", probe])
        assert result.output.decode().split() == ["unresolved", "000"]  # closed, no answer
    finally:
        for path, line in zip(registrations, saved, strict=True):
            responder.exec_run(["sh", "-c", f'printf "%s" "$1" > {path}', "sh", line])
    assert inside(named, instance, [f"getent hosts {NAME}"]) == [f"169.254.169.253 {NAME}"]
