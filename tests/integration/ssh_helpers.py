"""The real OpenSSH client through Session Manager (`ProxyCommand aws ssm start-session
--document-name AWS-StartSSHSession`), as users configure it, for tests that log in to instances."""

import shlex
import subprocess
from pathlib import Path

from harness.session_clients import cli_env, start_session_args
from tests.integration.helpers import finished, poll, run_command

SSH = "/usr/bin/ssh"
SSH_KEYGEN = "/usr/bin/ssh-keygen"


def run_shell(ssm, instance_id: str, commands: list[str]) -> str:
    """Run Command in the instance; its stdout once it succeeded."""
    result = finished(ssm, run_command(ssm, instance_id, commands), instance_id)
    assert result["Status"] == "Success", result["StandardErrorContent"]
    return result["StandardOutputContent"]


def ssh_options(localstack, key: Path) -> list[str]:
    """What a user puts in ~/.ssh/config for instances, as command-line options."""
    proxy = shlex.join(
        start_session_args(localstack.endpoint, "%h", "AWS-StartSSHSession", "portNumber=%p")
    )
    return [
        "-F",
        "/dev/null",
        "-o",
        f"ProxyCommand={proxy}",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "LogLevel=ERROR",
        "-i",
        str(key),
    ]


def ssh_client(args: list[str]) -> subprocess.CompletedProcess:
    """The OpenSSH client with the AWS CLI and session-manager-plugin on PATH, as in a shell."""
    return subprocess.run(args, env=cli_env(), capture_output=True, text=True, timeout=120)


def ssh(localstack, key: Path, user: str, instance_id: str, command: str):
    """`ssh -i key user@instance command`, once."""
    return ssh_client([SSH, *ssh_options(localstack, key), "-l", user, instance_id, command])


def ssh_once_up(localstack, key: Path, user: str, instance_id: str, command: str):
    """`ssh` as soon as the instance's sshd lets the key in (it starts at boot, after the
    instance is Online); fails after a minute."""
    return poll(
        lambda: ssh(localstack, key, user, instance_id, command),
        lambda result: result.returncode == 0,
    )


def new_key(directory: Path, name: str, key_type: str = "ed25519") -> Path:
    """A key pair made on the host; the private key's path (the public one beside it)."""
    private = directory / name
    subprocess.run(
        [SSH_KEYGEN, "-q", "-t", key_type, "-N", "", "-C", "test", "-f", str(private)],
        check=True,
        timeout=30,
    )
    return private
