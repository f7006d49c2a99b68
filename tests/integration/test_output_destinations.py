"""Command output in this LocalStack's S3 and CloudWatch Logs."""

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import finished


@pytest.fixture
def bucket(localstack) -> str:
    name = f"ssm-output-{uuid.uuid4().hex[:12]}"
    localstack.client("s3").create_bucket(Bucket=name)
    return name


def test_output_goes_to_s3_in_full_under_aws_keys(localstack, ssm, launch, bucket):
    (instance_id,) = launch()
    s3 = localstack.client("s3")
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["head -c 30000 /dev/zero | tr '\\0' o", "echo warn >&2"]},
        OutputS3BucketName=bucket,
        OutputS3KeyPrefix="runs",
    )["Command"]["CommandId"]
    result = finished(ssm, command_id, instance_id)
    assert result["StandardOutputContent"].endswith("--output truncated--")
    prefix = f"runs/{command_id}/{instance_id}/awsrunShellScript/0.awsrunShellScript"
    stdout = s3.get_object(Bucket=bucket, Key=f"{prefix}/stdout")["Body"].read()
    stderr = s3.get_object(Bucket=bucket, Key=f"{prefix}/stderr")["Body"].read()
    assert (stdout, stderr) == (b"o" * 30000, b"warn\n")
    region_url = f"https://s3.us-east-1.amazonaws.com/{bucket}/{prefix}"
    assert result["StandardOutputUrl"] == f"{region_url}/stdout"
    assert result["StandardErrorUrl"] == f"{region_url}/stderr"
    (entry,) = ssm.list_command_invocations(CommandId=command_id, Details=True)[
        "CommandInvocations"
    ]
    plugin = entry["CommandPlugins"][0]
    assert (plugin["OutputS3BucketName"], plugin["OutputS3KeyPrefix"]) == (
        bucket,
        f"runs/{command_id}/{instance_id}/awsrunShellScript",
    )
    assert entry["StandardOutputUrl"] == result["StandardOutputUrl"]


def test_empty_stream_writes_nothing_and_no_prefix_means_no_leading_slash(
    localstack, ssm, launch, bucket
):
    (instance_id,) = launch()
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["echo only stdout"]},
        OutputS3BucketName=bucket,
    )["Command"]["CommandId"]
    result = finished(ssm, command_id, instance_id)
    keys = [o["Key"] for o in localstack.client("s3").list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"{command_id}/{instance_id}/awsrunShellScript/0.awsrunShellScript/stdout"]
    assert result["StandardErrorUrl"] == ""


def test_unknown_bucket_is_an_invalid_output_folder(ssm, launch):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as raised:
        ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": ["true"]},
            OutputS3BucketName=f"missing-{uuid.uuid4().hex[:12]}",
        )
    assert raised.value.response["Error"]["Code"] == "InvalidOutputFolder"


def test_failed_upload_does_not_change_the_status(localstack, ssm, launch, bucket):
    """The command waits on a FIFO until the bucket is gone, so its upload always fails."""
    (instance_id,) = launch()

    def run(commands: list[str], **output) -> str:
        return ssm.send_command(
            InstanceIds=[instance_id],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": commands},
            **output,
        )["Command"]["CommandId"]

    assert finished(ssm, run(["mkfifo /tmp/gate"]), instance_id)["Status"] == "Success"
    command_id = run(["read line < /tmp/gate", "echo kept"], OutputS3BucketName=bucket)
    localstack.client("s3").delete_bucket(Bucket=bucket)
    assert finished(ssm, run(["echo go > /tmp/gate"]), instance_id)["Status"] == "Success"
    result = finished(ssm, command_id, instance_id)
    assert (result["Status"], result["StandardOutputContent"]) == ("Success", "kept\n")


def test_output_goes_to_cloudwatch_logs(localstack, ssm, launch):
    (instance_id,) = launch()
    logs = localstack.client("logs")
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["echo line one", "echo line two", "echo oops >&2"]},
        CloudWatchOutputConfig={"CloudWatchOutputEnabled": True},
    )["Command"]["CommandId"]
    finished(ssm, command_id, instance_id)
    group = "/aws/ssm/AWS-RunShellScript"
    stream = f"{command_id}/{instance_id}/aws-runShellScript"
    stdout = logs.get_log_events(logGroupName=group, logStreamName=f"{stream}/stdout")
    stderr = logs.get_log_events(logGroupName=group, logStreamName=f"{stream}/stderr")
    assert [e["message"] for e in stdout["events"]] == ["line one", "line two"]
    assert [e["message"] for e in stderr["events"]] == ["oops"]

    named = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["echo named"]},
        CloudWatchOutputConfig={
            "CloudWatchOutputEnabled": True,
            "CloudWatchLogGroupName": "my-run-command-logs",
        },
    )["Command"]
    result = finished(ssm, named["CommandId"], instance_id)
    assert result["CloudWatchOutputConfig"] == {
        "CloudWatchLogGroupName": "my-run-command-logs",
        "CloudWatchOutputEnabled": True,
    }
    events = logs.get_log_events(
        logGroupName="my-run-command-logs",
        logStreamName=f"{named['CommandId']}/{instance_id}/aws-runShellScript/stdout",
    )["events"]
    assert [e["message"] for e in events] == ["named"]
