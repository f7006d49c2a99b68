"""The slice of the integration tests every deployment runs: an instance launched as a container
on the deployment's engine (named and labelled as in host mode), Run Command with its output in
S3, reboot/stop/start, termination. Each step asserts what a user sees."""

import uuid

import docker

from tests.integration.helpers import finished, ping_status, poll, run_command

AMI_ID = "ami-0b5b0b5b0b5b0b5b0"
LABEL_OWNER = "localstack-ssm-docker.owner"
LABEL_INSTANCE_ID = "localstack-ssm-docker.instance-id"


def launch(localstack) -> str:
    """One instance of the test AMI, Online in SSM; its id."""
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    poll(lambda: ping_status(localstack.client("ssm"), instance_id), lambda s: s == "Online", 90)
    return instance_id


def container(engine: docker.DockerClient, instance_id: str):
    """The instance's container on the engine, named as in host mode."""
    return engine.containers.get(f"localstack-ec2.{instance_id}")


def check_container(engine: docker.DockerClient, instance_id: str) -> str:
    """The container runs, carries the instance's labels; returns its owner key."""
    found = container(engine, instance_id)
    assert found.status == "running"
    assert found.labels[LABEL_INSTANCE_ID] == instance_id
    assert found.labels[LABEL_OWNER]
    return found.labels[LABEL_OWNER]


def unique_bucket() -> str:
    return f"out-{uuid.uuid4().hex[:12]}"


def run_with_s3_output(localstack, instance_id: str, commands: list[str]) -> tuple[dict, str]:
    """Runs the commands with output to a new bucket: the invocation, the stdout object's text."""
    ssm, s3 = localstack.client("ssm"), localstack.client("s3")
    bucket = unique_bucket()
    s3.create_bucket(Bucket=bucket)
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": commands},
        OutputS3BucketName=bucket,
        OutputS3KeyPrefix="logs",
    )["Command"]["CommandId"]
    result = finished(ssm, command_id, instance_id)
    key = f"logs/{command_id}/{instance_id}/awsrunShellScript/0.awsrunShellScript/stdout"
    stored = poll(
        lambda: {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])},
        lambda keys: key in keys,
        30,
    )
    assert key in stored
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    return result, body


def health_request(address: str, port: int = 4566) -> str:
    """A shell line, for an instance, that asks LocalStack's health endpoint at `address` with
    busybox's nc and prints the status line (nc's input stays open while the answer comes: it
    stops reading the socket at the end of its input)."""
    request = "GET /_localstack/health HTTP/1.0\\r\\n\\r\\n"
    return f"(printf '{request}'; sleep 5) | nc -w 5 {address} {port} | head -n 1"


def s3_put_request(address: str, bucket: str, key: str, body: str, port: int = 4566) -> str:
    """A shell line, for an instance, that writes an object into LocalStack's S3 at `address`
    (path-style, unsigned) with busybox's nc and prints the status line."""
    request = (
        f"PUT /{bucket}/{key} HTTP/1.0\\r\\nHost: {address}:{port}\\r\\n"
        f"Content-Length: {len(body)}\\r\\n\\r\\n{body}"
    )
    return f"(printf '{request}'; sleep 5) | nc -w 5 {address} {port} | head -n 1"


LOCALSTACK_NAME = "localhost.localstack.cloud"


def reaches_localstack_at_its_name(localstack, engine: docker.DockerClient, instance_id: str):
    """The instance's AWS_ENDPOINT_URL is LocalStack's name at port 4566, and LocalStack's health
    endpoint answers there (the name resolved by the instance resolver, inside the instance)."""
    environment = dict(
        v.split("=", 1) for v in container(engine, instance_id).attrs["Config"]["Env"]
    )
    assert environment["AWS_ENDPOINT_URL"] == f"http://{LOCALSTACK_NAME}:4566"
    result = run(localstack, instance_id, [health_request(LOCALSTACK_NAME)])
    assert result["StandardOutputContent"].startswith("HTTP/1.0 200"), result


def run(localstack, instance_id: str, commands: list[str]) -> dict:
    """Runs the commands; the ended invocation."""
    ssm = localstack.client("ssm")
    return finished(ssm, run_command(ssm, instance_id, commands), instance_id)


def terminate(localstack, engine: docker.DockerClient, instance_id: str) -> None:
    """Terminates the instance; its container goes."""
    localstack.client("ec2").terminate_instances(InstanceIds=[instance_id])
    poll(lambda: exists(engine, instance_id), lambda exists: not exists, 60)


def remove_owned(engine: docker.DockerClient, owner: str) -> None:
    """Removes what a failed test may have left of a deployment's instance containers."""
    for leftover in engine.containers.list(all=True, filters={"label": f"{LABEL_OWNER}={owner}"}):
        leftover.remove(force=True)


def exists(engine: docker.DockerClient, instance_id: str) -> bool:
    try:
        container(engine, instance_id)
    except docker.errors.NotFound:
        return False
    return True


def instances_and_run_command(localstack, engine: docker.DockerClient) -> str:
    """The common slice; returns the owner key of the deployment's containers."""
    instance_id = launch(localstack)
    owner = check_container(engine, instance_id)
    result, stdout = run_with_s3_output(
        localstack, instance_id, ["echo hello from $(hostname)", "cat /etc/os-release | head -n 1"]
    )
    assert result["Status"] == "Success", result
    hostname = container(engine, instance_id).attrs["Config"]["Hostname"]
    assert result["StandardOutputContent"].startswith(f"hello from {hostname}\n")
    assert stdout == result["StandardOutputContent"]
    assert 'NAME="BusyBox"' in stdout
    terminate(localstack, engine, instance_id)
    return owner
