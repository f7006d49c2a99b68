"""SendCommand with AWS-RunShellScript really runs in the instance's container."""

import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, WaiterError

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import finished, poll, run_command


@pytest.fixture(scope="module")
def instance(localstack):
    """One instance shared by the tests of this module."""
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    yield instance_id
    ec2.terminate_instances(InstanceIds=[instance_id])


def test_readme_example_reads_the_containers_uptime(ssm, instance, docker_client):
    command = ssm.send_command(
        InstanceIds=[instance],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["cat ./uptime"], "workingDirectory": ["/proc"]},
    )["Command"]
    assert (command["Status"], command["StatusDetails"]) == ("Pending", "Pending")
    result = finished(ssm, command["CommandId"], instance)
    assert (result["Status"], result["StatusDetails"], result["ResponseCode"]) == (
        "Success",
        "Success",
        0,
    )
    uptime = float(result["StandardOutputContent"].split()[0])
    container = docker_client.containers.get(f"localstack-ec2.{instance}")
    later = float(container.exec_run(["cat", "/proc/uptime"]).output.split()[0])
    assert 0 < uptime <= later


def test_shell_constructs_work(ssm, instance):
    commands = [
        "cd /tmp",
        "echo one && echo two || echo never",
        "false || echo recovered",
        "echo redirected > file.txt; cat < file.txt",
        "printf 'b\\na\\n' | sort | tr a-z A-Z",
        "for n in 1 2 3; do printf $n; done; echo",
        "cat <<EOF",
        "heredoc $((6 * 7))",
        "EOF",
        "pwd",
    ]
    result = finished(ssm, run_command(ssm, instance, commands), instance)
    assert result["Status"] == "Success"
    assert result["StandardOutputContent"] == (
        "one\ntwo\nrecovered\nredirected\nA\nB\n123\nheredoc 42\n/tmp\n"
    )


def test_environment_and_script_file_are_the_agents(ssm, instance):
    commands = ['echo "$AWS_SSM_INSTANCE_ID $AWS_SSM_REGION_NAME $SSM_COMMAND_ID"', "pwd"]
    command_id = run_command(ssm, instance, commands)
    result = finished(ssm, command_id, instance)
    env_line, cwd = result["StandardOutputContent"].splitlines()
    assert env_line == f"{instance} us-east-1 {command_id}"
    assert cwd == (
        f"/var/lib/amazon/ssm/{instance}/document/orchestration/{command_id}"
        "/awsrunShellScript/0.awsrunShellScript"
    )


def test_shebang_line_picks_the_interpreter(ssm, instance):
    result = finished(ssm, run_command(ssm, instance, ["#!/bin/cat", "not run by sh"]), instance)
    assert result["StandardOutputContent"] == "#!/bin/cat\nnot run by sh\n"


def test_failure_keeps_stdout_stderr_and_exit_code(ssm, instance):
    commands = ["echo before", "echo problem >&2", "exit 7"]
    result = finished(ssm, run_command(ssm, instance, commands), instance)
    assert (result["Status"], result["StatusDetails"], result["ResponseCode"]) == (
        "Failed",
        "Failed",
        7,
    )
    assert result["StandardOutputContent"] == "before\n"
    assert result["StandardErrorContent"] == "problem\nfailed to run commands: exit status 7"


def test_missing_working_directory_fails_the_invocation(ssm, instance):
    command_id = run_command(ssm, instance, ["pwd"], workingDirectory="/does/not/exist")
    result = finished(ssm, command_id, instance)
    assert result["Status"] == "Failed"
    assert "/does/not/exist" in result["StandardErrorContent"]


def test_status_moves_from_in_progress_to_success(ssm, instance, docker_client):
    gate = f"/tmp/gate-{uuid.uuid4().hex}"
    command_id = run_command(
        ssm, instance, [f"while [ ! -e {gate} ]; do sleep 0.05; done", "echo released"]
    )
    running = poll(
        lambda: ssm.get_command_invocation(CommandId=command_id, InstanceId=instance),
        lambda r: r["Status"] == "InProgress",
    )
    assert (running["StatusDetails"], running["ResponseCode"]) == ("InProgress", -1)
    assert (running["StandardOutputContent"], running["ExecutionEndDateTime"]) == ("", "")
    assert running["ExecutionStartDateTime"].endswith("Z")
    listed = ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert (listed["Status"], listed["CompletedCount"]) == ("InProgress", 0)

    container = docker_client.containers.get(f"localstack-ec2.{instance}")
    container.exec_run(["touch", gate])
    done = finished(ssm, command_id, instance)
    assert (done["Status"], done["StandardOutputContent"]) == ("Success", "released\n")
    assert done["ExecutionElapsedTime"].startswith("PT")


def test_waiter_succeeds_and_fails_like_aws(ssm, instance):
    waiter = ssm.get_waiter("command_executed")
    # a minute, as every wait here (botocore's 20 attempts would be 20 s at this delay)
    config = {"Delay": 1, "MaxAttempts": 60}
    ok = run_command(ssm, instance, ["true"])
    waiter.wait(CommandId=ok, InstanceId=instance, WaiterConfig=config)
    failing = run_command(ssm, instance, ["false"])
    with pytest.raises(WaiterError) as raised:
        waiter.wait(CommandId=failing, InstanceId=instance, WaiterConfig=config)
    assert raised.value.last_response["Status"] == "Failed"


def test_large_output_is_truncated_as_aws_does(ssm, instance):
    commands = ["head -c 30000 /dev/zero | tr '\\0' o", "head -c 9000 /dev/zero | tr '\\0' e >&2"]
    command_id = run_command(ssm, instance, commands)
    result = finished(ssm, command_id, instance)
    assert result["StandardOutputContent"] == "o" * 23980 + "--output truncated--"
    assert result["StandardErrorContent"] == "e" * 7980 + "--output truncated--"
    plugin = ssm.list_command_invocations(CommandId=command_id, Details=True)["CommandInvocations"][
        0
    ]["CommandPlugins"][0]
    assert len(plugin["Output"]) <= 2500
    assert "\n---Output truncated---\n----------ERROR-------\n" in plugin["Output"]
    assert plugin["Output"].endswith("\n---Error truncated----")


def test_commands_run_in_the_container_not_on_the_host(ssm, instance, docker_client):
    marker = f"/tmp/ssm-docker-marker-{uuid.uuid4().hex}"
    result = finished(ssm, run_command(ssm, instance, [f"echo inside > {marker}"]), instance)
    assert result["Status"] == "Success"
    assert not Path(marker).exists()
    container = docker_client.containers.get(f"localstack-ec2.{instance}")
    assert container.exec_run(["cat", marker]).output == b"inside\n"


def test_invocation_of_unknown_pair_does_not_exist(ssm, instance):
    with pytest.raises(ClientError) as raised:
        ssm.get_command_invocation(CommandId=str(uuid.uuid4()), InstanceId=instance)
    assert raised.value.response["Error"]["Code"] == "InvocationDoesNotExist"


def test_wrong_plugin_name(ssm, instance):
    command_id = run_command(ssm, instance, ["true"])
    ok = ssm.get_command_invocation(
        CommandId=command_id, InstanceId=instance, PluginName="aws:runShellScript"
    )
    assert ok["PluginName"] == "aws:runShellScript"
    with pytest.raises(ClientError) as raised:
        ssm.get_command_invocation(
            CommandId=command_id, InstanceId=instance, PluginName="aws:runPowerShellScript"
        )
    assert raised.value.response["Error"]["Code"] == "InvalidPluginName"


BAD_REQUESTS = [
    ({"InstanceIds": ["i-0000000000000dead"]}, "InvalidInstanceId"),
    ({"DocumentName": "No-Such-Document"}, "InvalidDocument"),
    ({"Parameters": {}}, "InvalidParameters"),
    ({"Parameters": {"commands": ["ls"], "colour": ["red"]}}, "InvalidParameters"),
    ({"InstanceIds": [f"i-{n:08d}" for n in range(51)]}, "ValidationException"),
    ({"InstanceIds": ["not-an-instance"]}, "ValidationException"),
    ({"TimeoutSeconds": 10}, "ValidationException"),
    ({"Comment": "c" * 101}, "ValidationException"),
    ({"MaxConcurrency": "0"}, "ValidationException"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_REQUESTS)
def test_bad_requests_get_aws_errors_and_store_nothing(raw_ssm, instance, overrides, code):
    request = {
        "InstanceIds": [instance],
        "DocumentName": "AWS-RunShellScript",
        "Parameters": {"commands": ["echo hi"]},
        **overrides,
    }
    before = _all_command_ids(raw_ssm)
    with pytest.raises(ClientError) as raised:
        raw_ssm.send_command(**request)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _all_command_ids(raw_ssm) == before


def test_duplicate_instance_ids(ssm, instance):
    with pytest.raises(ClientError) as raised:
        ssm.send_command(
            InstanceIds=[instance, instance],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": ["true"]},
        )
    assert raised.value.response["Error"]["Code"] == "DuplicateInstanceId"


def _all_command_ids(ssm) -> set[str]:
    pages = ssm.get_paginator("list_commands").paginate()
    return {c["CommandId"] for page in pages for c in page["Commands"]}
