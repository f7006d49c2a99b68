"""examples/ansible's playbook on one Debian instance over the aws_ssm connection (a Session
Manager session per task, every module and file through S3 with presigned URLs) against the same
playbook over plain SSH to the same container: through `AWS-StartSSHSession` as the
ProxyCommand, and straight to the container's address. Ansible's own SSH settings
(ControlPersist: one connection per run). Interleaved, the order rotating per round; before each
run the playbook's results are removed from the instance, so every run does the same work."""

import functools
import json
import re
import shlex
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import docker

from benchmarks.scenarios import POLL_INTERVAL, row, send, timed, wait_invocation
from harness.ansible_controller import Controller, gateway_listen, loopback_address
from harness.localstack_process import LocalStack
from harness.session_clients import free_port, ssh_options

DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"
BUCKET = "ansible-ssm-transfer"
_UNDO = "rm -rf /srv/webapp /etc/webapp /var/lib/webapp /home/admin/deployed.txt"
_SSH_IN = (
    "set -e; ssh-keygen -A; install -d -m 700 /root/.ssh; "
    "printf '%s\\n' \"$KEY\" > /root/.ssh/authorized_keys; chmod 600 /root/.ssh/authorized_keys; "
    "install -d -m 755 /run/sshd; "
    "ss -Hltn 'sport = :22' | grep -q . || /usr/sbin/sshd; "
    "for i in $(seq 100); do ss -Hltn 'sport = :22' | grep -q . && exit 0; sleep 0.1; done; exit 1"
)
"""Root's key and an sshd on port 22, as a user sets them up with Run Command."""


def _ssh_vars(key: Path, options: list[str], address: str | None) -> str:
    """Extra vars that switch the run to Ansible's ssh connection as root with `options`."""
    extra = {
        "ansible_connection": "ssh",
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(key),
        "ansible_ssh_common_args": shlex.join(options),
    }
    if address:
        extra["ansible_host"] = address
    return json.dumps(extra)


def _without_proxy(options: list[str]) -> list[str]:
    """`options` less the ProxyCommand (`-o ProxyCommand=...`)."""
    kept: list[str] = []
    for option in options:
        if option.startswith("ProxyCommand="):
            kept.pop()  # its -o
        else:
            kept.append(option)
    return kept


def _online(ssm, instance_id: str) -> None:
    while True:
        listed = ssm.describe_instance_information(
            Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
        )["InstanceInformationList"]
        if listed and listed[0]["PingStatus"] == "Online":
            return
        time.sleep(POLL_INTERVAL)


def _calls(localstack: LocalStack) -> Counter[str]:
    """The AWS calls LocalStack has logged so far, per operation (`s3.PutObject`, ...)."""
    return Counter(
        re.findall(r"AWS (\w+\.\w+) =>", localstack.log_path.read_text(errors="replace"))
    )


def _close_masters(control_dir: Path) -> None:
    """Ends the run's ControlPersist masters (and their ProxyCommand sessions)."""
    for socket_path in control_dir.iterdir():
        subprocess.run(
            ["ssh", "-S", str(socket_path), "-O", "exit", "x"],
            capture_output=True,
            timeout=30,
            check=False,
        )


def _run(controller: Controller, work: Path, *extra: str) -> None:
    control = Path(tempfile.mkdtemp(dir=work))
    try:
        done = controller.run(
            "site.yml",
            "-e",
            f"fetch_dir={work / 'fetched'}",
            "-e",
            json.dumps({"ansible_control_path_dir": str(control)}),
            *extra,
        )
    finally:
        _close_masters(control)
    if done.returncode != 0:
        raise RuntimeError(f"ansible-playbook failed:\n{done.stdout[-4000:]}")


def playbook_runs(workdir: Path, rounds: int) -> list[dict]:
    """The playbook's wall time over aws_ssm against plain SSH through a session and direct."""
    address, port = loopback_address(), free_port()
    localstack = LocalStack(
        workdir / "ansible",
        port=port,
        env={"GATEWAY_LISTEN": gateway_listen(port, address)},
    )
    ec2 = localstack.client("ec2")
    ssm = localstack.client("ssm")
    tags = [{"Key": "ansible-example", "Value": "1"}, {"Key": "Role", "Value": "web"}]
    instance_id = ec2.run_instances(
        ImageId=DEBIAN_AMI,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
    )["Instances"][0]["InstanceId"]
    ours: list[float] = []
    proxied: list[float] = []
    direct: list[float] = []
    calls: list[Counter[str]] = []
    try:
        _online(ssm, instance_id)
        localstack.client("s3").create_bucket(Bucket=BUCKET)
        container = docker.from_env().containers.get(f"localstack-ec2.{instance_id}")
        container_address = next(iter(container.attrs["NetworkSettings"]["Networks"].values()))[
            "IPAddress"
        ]
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            key = work / "id_ed25519"
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                check=True,
                timeout=30,
            )
            public = key.with_suffix(".pub").read_text().strip()
            setup = f"KEY={shlex.quote(public)}; {_SSH_IN}"
            wait_invocation(ssm, send(ssm, [instance_id], setup), instance_id)
            plain = ssh_options(localstack.endpoint, key)
            controller = Controller(work / "controller", address)
            sides = {
                "ssm": (ours, ()),
                "proxied": (proxied, ("-e", _ssh_vars(key, plain, None))),
                "direct": (
                    direct,
                    ("-e", _ssh_vars(key, _without_proxy(plain), container_address)),
                ),
            }
            order = list(sides)
            for round_ in range(rounds):
                for side in order[round_ % 3 :] + order[: round_ % 3]:
                    samples, extra = sides[side]
                    container.exec_run(["sh", "-c", _UNDO])
                    seen = _calls(localstack)
                    samples.append(timed(functools.partial(_run, controller, work, *extra)))
                    if side == "ssm":
                        calls.append(_calls(localstack) - seen)
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])
        localstack.stop()
    result = row("ansible playbook, aws_ssm vs ssh direct", ours, direct)
    result["aws_calls_per_run_median"] = {
        name: statistics.median(c[name] for c in calls) for name in sorted(set().union(*calls))
    }
    return [result, row("ansible playbook, aws_ssm vs ssh in session", ours, proxied)]
