"""Accounts and regions see only their own instances and commands."""

import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import container_of, finished, run_command

OTHER_ACCOUNT = "111111111111"


def test_instances_and_commands_stay_in_their_account_and_region(localstack, launch):
    (instance_id,) = launch(region="eu-west-1")
    home = localstack.client("ssm", region="eu-west-1")
    command_id = run_command(home, instance_id, ["hostname"])
    assert finished(home, command_id, instance_id)["Status"] == "Success"

    for region, account in (("us-east-1", "000000000000"), ("eu-west-1", OTHER_ACCOUNT)):
        other = localstack.client("ssm", region=region, account=account)
        listed = other.describe_instance_information()["InstanceInformationList"]
        assert instance_id not in {i["InstanceId"] for i in listed}
        with pytest.raises(ClientError) as raised:
            run_command(other, instance_id, ["hostname"])
        assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
        with pytest.raises(ClientError) as raised:
            other.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        assert raised.value.response["Error"]["Code"] == "InvocationDoesNotExist"
        assert other.list_commands(CommandId=command_id)["Commands"] == []
        assert other.list_command_invocations(CommandId=command_id)["CommandInvocations"] == []
        with pytest.raises(ClientError) as raised:
            other.cancel_command(CommandId=command_id)
        assert raised.value.response["Error"]["Code"] == "InvalidCommandId"


def test_scripts_and_parameter_values_never_reach_the_host(ssm, launch, docker_client):
    """Hostile values in the parameters: whatever runs, runs in the instance's container, as the
    container's user; the host sees no trace."""
    (instance_id,) = launch()
    marker = f"/tmp/ssm-isolation-{uuid.uuid4().hex}"
    hostile = [f"$(touch {marker})", f"`touch {marker}`", f"; touch {marker}", f"| touch {marker}"]
    script = [f"touch {marker}", "id -u", "hostname"]
    command_id = run_command(ssm, instance_id, script)
    result = finished(ssm, command_id, instance_id)
    container = container_of(docker_client, instance_id)
    assert container.exec_run(["test", "-f", marker]).exit_code == 0
    uid, hostname = result["StandardOutputContent"].splitlines()
    assert (uid, hostname) == (
        container.attrs["Config"]["User"] or "0",
        container.attrs["Config"]["Hostname"],
    )

    for parameters in (
        {"commands": hostile},
        {"commands": ["true"], "workingDirectory": [f"/tmp/{hostile[0]}"]},
        {"commands": ["true"], "workingDirectory": [f"/tmp{hostile[2]}"]},
        {"commands": ["true"], "executionTimeout": [hostile[1]]},
    ):
        try:
            sent = ssm.send_command(
                InstanceIds=[instance_id],
                DocumentName="AWS-RunShellScript",
                Comment=hostile[0],
                Parameters=parameters,
            )["Command"]["CommandId"]
        except ClientError as refused:
            assert refused.response["Error"]["Code"] == "InvalidParameters"
        else:
            finished(ssm, sent, instance_id)
    assert not Path(marker).exists()
