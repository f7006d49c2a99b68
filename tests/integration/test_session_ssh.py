"""SSH through Session Manager as users do it: the real OpenSSH client on the host with
`ProxyCommand aws ssm start-session --document-name AWS-StartSSHSession`, to the OpenSSH server of
the Debian AMI (`make ami-debian`). The server is set up the way a user would, with Run Command: a
host key of the instance's own, our public key, sshd started on port 22."""

import hashlib
import os
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.helpers import poll, until_online
from tests.integration.ssh_helpers import run_shell as _run
from tests.integration.ssh_helpers import ssh_client as _client
from tests.integration.ssh_helpers import ssh_options as _options

DEBIAN_AMI = os.environ.get("DEBIAN_AMI_ID", "ami-0d3b1a2c3d4e5f607")
SSH = "/usr/bin/ssh"
SCP = "/usr/bin/scp"
FINGERPRINT = "uname -n; cat /etc/os-release"


@pytest.fixture(scope="module")
def key(tmp_path_factory) -> Path:
    """A key pair made on the host; the private key's path (the public one beside it)."""
    private = tmp_path_factory.mktemp("ssh-key") / "id_ed25519"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "session-test", "-f", str(private)],
        check=True,
        timeout=30,
    )
    return private


@pytest.fixture(scope="module")
def ssh_instance(localstack, key) -> Iterator[str]:
    """A Debian instance running sshd on port 22 that lets `key` in as root."""
    ec2 = localstack.client("ec2")
    ssm = localstack.client("ssm")
    instance_id = ec2.run_instances(ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    try:
        until_online(ssm, instance_id)
        public = key.with_suffix(".pub").read_text().strip()
        _run(
            ssm,
            instance_id,
            [
                "set -e",
                "ssh-keygen -A",
                "install -d -m 700 /root/.ssh",
                f"printf '%s\\n' {shlex.quote(public)} > /root/.ssh/authorized_keys",
                "chmod 600 /root/.ssh/authorized_keys",
                "install -d -m 755 /run/sshd",
                "/usr/sbin/sshd -E /var/log/sshd.log",
                # sshd listens after it detaches: wait (with a deadline) until port 22 is bound
                "for i in $(seq 100); do ss -Hltn 'sport = :22' | grep -q . && exit 0; sleep 0.1;"
                " done; cat /var/log/sshd.log; exit 1",
            ],
        )
        yield instance_id
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])


def _ssh_sessions(ssm, instance_id: str, state: str) -> list[dict]:
    sessions = ssm.describe_sessions(
        State=state, Filters=[{"key": "Target", "value": instance_id}]
    )["Sessions"]
    return [s for s in sessions if s.get("DocumentName") == "AWS-StartSSHSession"]


def test_ssh_runs_a_command_in_the_instance(localstack, ssm, ssh_instance, key):
    before = len(_ssh_sessions(ssm, ssh_instance, "History"))
    result = _client([SSH, *_options(localstack, key), "-l", "root", ssh_instance, FINGERPRINT])
    assert result.returncode == 0, result.stderr
    expected = _run(ssm, ssh_instance, [FINGERPRINT])
    assert result.stdout == expected
    assert "ID=debian\n" in result.stdout
    # the connection went through one Session Manager session, which ended with ssh
    poll(
        lambda: _ssh_sessions(ssm, ssh_instance, "History"),
        lambda found: len(found) == before + 1,
    )
    poll(lambda: _ssh_sessions(ssm, ssh_instance, "Active"), lambda found: not found)


def test_scp_copies_a_file_into_the_instance(localstack, ssm, ssh_instance, key, tmp_path):
    payload = os.urandom(48 * 1024)
    local = tmp_path / "payload.bin"
    local.write_bytes(payload)
    result = _client(
        [SCP, *_options(localstack, key), str(local), f"root@{ssh_instance}:/tmp/payload.bin"]
    )
    assert result.returncode == 0, result.stderr
    listed = _run(ssm, ssh_instance, ["sha256sum /tmp/payload.bin", "stat -c %s /tmp/payload.bin"])
    assert listed.split() == [
        hashlib.sha256(payload).hexdigest(),
        "/tmp/payload.bin",
        str(len(payload)),
    ]
    poll(lambda: _ssh_sessions(ssm, ssh_instance, "Active"), lambda found: not found)
