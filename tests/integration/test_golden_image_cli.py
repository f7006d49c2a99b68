"""A golden image with the AWS CLI alone, the README's flow as a user types it: run-instances,
send-command to configure the instance, create-image, `aws ec2 wait image-available`,
run-instances from the new AMI, and the change is there."""

import subprocess
import sys
from pathlib import Path

from harness.session_clients import cli_env
from tests.integration.conftest import AMI_ID

ACCOUNT = "340000000001"
CONFIGURE = 'commands=["mkdir -p /opt/app","echo golden-v1 > /opt/app/version"]'
CHECK = 'commands=["cat /opt/app/version"]'


def _aws(endpoint: str, *args: str) -> str:
    """`aws --endpoint-url <endpoint> ...` (the venv's AWS CLI); its stdout, stripped."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "aws"), "--endpoint-url", endpoint, *args],
        env=cli_env(ACCOUNT),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"aws {' '.join(args)} failed:\n{done.stderr}"
    return done.stdout.strip()


def _run_shell_script(endpoint: str, instance_id: str, parameters: str) -> str:
    """send-command, `aws ssm wait command-executed`, then the invocation's stdout."""
    command_id = _aws(
        endpoint,
        *("ssm", "send-command", "--instance-ids", instance_id),
        *("--document-name", "AWS-RunShellScript", "--parameters", parameters),
        *("--query", "Command.CommandId", "--output", "text"),
    )
    _aws(
        endpoint,
        *("ssm", "wait", "command-executed"),
        *("--command-id", command_id, "--instance-id", instance_id),
    )
    return _aws(
        endpoint,
        *("ssm", "get-command-invocation"),
        *("--command-id", command_id, "--instance-id", instance_id),
        *("--query", "StandardOutputContent", "--output", "text"),
    )


def test_cli_flow_bakes_a_configured_instance_into_an_ami_that_boots_with_it(localstack):
    endpoint = localstack.endpoint
    run = ("ec2", "run-instances", "--count", "1", "--query", "Instances[0].InstanceId")
    launched: list[str] = []
    ami_id = ""
    try:
        source = _aws(endpoint, *run, "--image-id", AMI_ID, "--output", "text")
        launched.append(source)
        _run_shell_script(endpoint, source, CONFIGURE)

        ami_id = _aws(
            endpoint,
            *("ec2", "create-image", "--instance-id", source, "--name", "golden-v1"),
            *("--query", "ImageId", "--output", "text"),
        )
        _aws(endpoint, "ec2", "wait", "image-available", "--image-ids", ami_id)
        assert _aws(
            endpoint,
            *("ec2", "describe-images", "--owners", "self", "--image-ids", ami_id),
            *("--query", "Images[0].[Name,State]", "--output", "text"),
        ).split() == ["golden-v1", "available"]

        booted = _aws(endpoint, *run, "--image-id", ami_id, "--output", "text")
        launched.append(booted)
        assert _run_shell_script(endpoint, booted, CHECK) == "golden-v1"
    finally:
        if launched:
            _aws(endpoint, "ec2", "terminate-instances", "--instance-ids", *launched)
        if ami_id:
            _aws(endpoint, "ec2", "deregister-image", "--image-id", ami_id)
