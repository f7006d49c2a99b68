"""Ansible over Session Manager as a user runs it: the real `ansible-playbook` (PyPI's Ansible,
its amazon.aws collection) with examples/ansible unchanged: the aws_ec2 inventory, the aws_ssm
connection through AWS's session-manager-plugin, files through S3 at
http://localhost.localstack.cloud:4566 from the controller and from inside Debian instances
(harness/ansible_controller.py says how the controller resolves that name here)."""

import re
import time
from collections.abc import Iterator

import pytest

from harness.ansible_controller import Controller, gateway_listen, interrupt, loopback_address
from harness.localstack_process import LocalStack
from harness.session_clients import free_port
from tests.integration.conftest import AMI_ID
from tests.integration.helpers import poll, until_online
from tests.integration.ssh_helpers import run_shell

DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"
BUCKET = "ansible-ssm-transfer"
FIFO = "/tmp/ansible-halfway.fifo"
HALFWAY = f"""- name: Halfway
  hosts: role_web
  gather_facts: false
  tasks:
    - name: Wait for a writer that never comes
      ansible.builtin.shell: echo $$ > /tmp/ansible-halfway.pid; cat {FIFO}
"""


@pytest.fixture(scope="module")
def address() -> str:
    return loopback_address()


@pytest.fixture(scope="module")
def named(tmp_path_factory, address) -> Iterator[LocalStack]:
    """A LocalStack that gives instances its name and also listens at the controller's address
    for the name, on 4566."""
    port = free_port()
    runtime = LocalStack(
        tmp_path_factory.mktemp("ansible"),
        port=port,
        env={"GATEWAY_LISTEN": gateway_listen(port, address)},
    )
    yield runtime
    runtime.stop()


def _tagged(role: str) -> list[dict]:
    tags = [{"Key": "ansible-example", "Value": "1"}, {"Key": "Role", "Value": role}]
    return [{"ResourceType": "instance", "Tags": tags}]


@pytest.fixture(scope="module")
def fleet(named) -> Iterator[dict[str, list[str]]]:
    """Two Debian web servers and a busybox database instance, Online, and the transfer bucket."""
    ec2 = named.client("ec2")
    web = [
        i["InstanceId"]
        for i in ec2.run_instances(
            ImageId=DEBIAN_AMI, MinCount=2, MaxCount=2, TagSpecifications=_tagged("web")
        )["Instances"]
    ]
    db = [
        i["InstanceId"]
        for i in ec2.run_instances(
            ImageId=AMI_ID, MinCount=1, MaxCount=1, TagSpecifications=_tagged("db")
        )["Instances"]
    ]
    try:
        named.client("s3").create_bucket(Bucket=BUCKET)
        for instance_id in web:
            until_online(named.client("ssm"), instance_id)
        yield {"web": web, "db": db}
    finally:
        ec2.terminate_instances(InstanceIds=web + db)


@pytest.fixture(scope="module")
def controller(tmp_path_factory, address) -> Controller:
    return Controller(tmp_path_factory.mktemp("controller"), address)


def recap(output: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP's counters per host."""
    hosts: dict[str, dict[str, int]] = {}
    for line in output.split("PLAY RECAP", 1)[-1].splitlines():
        match = re.match(r"^(\S+)\s*:\s*(.*)$", line.strip())
        if match and "=" in match.group(2):
            counters = dict(re.findall(r"(\w+)=(\d+)", match.group(2)))
            hosts[match.group(1)] = {k: int(v) for k, v in counters.items()}
    return hosts


def test_the_playbook_configures_the_web_servers_and_a_second_run_changes_nothing(
    named, fleet, controller, tmp_path
):
    fetched = tmp_path / "fetched"
    first = controller.run("site.yml", "-e", f"fetch_dir={fetched}")
    assert first.returncode == 0, first.stdout
    counts = recap(first.stdout)
    assert sorted(counts) == sorted(fleet["web"]), first.stdout  # grouped by tag, named by id
    assert all(c["changed"] > 0 and c["failed"] == 0 for c in counts.values()), first.stdout

    second = controller.run("site.yml", "-e", f"fetch_dir={fetched}")
    assert second.returncode == 0, second.stdout
    again = recap(second.stdout)
    assert sorted(again) == sorted(fleet["web"]), second.stdout
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in again.values()), second.stdout

    page = (controller.example / "roles/webapp/files/index.html").read_text()
    ssm = named.client("ssm")
    for instance_id in fleet["web"]:
        conf = run_shell(ssm, instance_id, ["cat /etc/webapp/webapp.conf"])
        assert f"instance = {instance_id}\n" in conf
        assert "distribution = Debian 13\n" in conf
        assert run_shell(ssm, instance_id, ["cat /srv/webapp/index.html"]) == page
        assert run_shell(
            ssm,
            instance_id,
            [
                "cd /srv/webapp && sha256sum -c index.sha256",  # the async task's output
                "wc -l < /var/lib/webapp/restarts",  # the handler ran once: on the first run
                "stat -c '%U %a' /home/admin/deployed.txt",  # become_user: admin
            ],
        ).splitlines() == ["/srv/webapp/index.html: OK", "1", "admin 600"]
        assert (fetched / instance_id / "etc/webapp/webapp.conf").read_text() == conf


def test_a_bucket_that_does_not_exist_fails_each_host_without_hanging(named, fleet, controller):
    started = time.monotonic()
    run = controller.run("site.yml", "-e", "ansible_aws_ssm_bucket_name=no-such-ansible-bucket")
    elapsed = time.monotonic() - started
    assert run.returncode != 0, run.stdout
    counts = recap(run.stdout)
    assert sorted(counts) == sorted(fleet["web"]), run.stdout
    assert all(c["failed"] + c["unreachable"] == 1 for c in counts.values()), run.stdout
    assert "NoSuchBucket" in run.stdout or "Not Found" in run.stdout, run.stdout
    assert elapsed < 120, elapsed


def _active_sessions(ssm, instance_id: str) -> list[dict]:
    return ssm.describe_sessions(State="Active", Filters=[{"key": "Target", "value": instance_id}])[
        "Sessions"
    ]


def _waiting(ssm, instance_id: str) -> str:
    """The task's shell still blocked on the FIFO (its pid), or an empty string."""
    return run_shell(
        ssm,
        instance_id,
        [
            "pid=$(cat /tmp/ansible-halfway.pid 2>/dev/null) || exit 0",
            "[ -d /proc/$pid ] && echo $pid; ps -eo args | grep -c '^[c]at /tmp/ansible-halfway'"
            " || true",
        ],
    )


def test_a_playbook_interrupted_halfway_leaves_no_session_or_process(
    named, fleet, controller, tmp_path
):
    """Ctrl-C while a task blocks in every instance (on a FIFO nobody writes): Ansible ends and
    calls no TerminateSession, the plugins' sockets drop, and each session ends once its resume
    window has passed, killing the task's processes."""
    ssm = named.client("ssm")
    for instance_id in fleet["web"]:
        run_shell(ssm, instance_id, [f"rm -f /tmp/ansible-halfway.pid {FIFO}", f"mkfifo {FIFO}"])
    playbook = tmp_path / "halfway.yml"
    playbook.write_text(HALFWAY)
    run = controller.start(tmp_path / "halfway.log", str(playbook))
    try:
        for instance_id in fleet["web"]:  # the task is running in every instance
            poll(lambda i=instance_id: _waiting(ssm, i), lambda out: out.endswith("\n1\n"), 120)
            assert _active_sessions(ssm, instance_id)
    finally:
        code = interrupt(run)
    assert code != 0, (tmp_path / "halfway.log").read_text()
    for instance_id in fleet["web"]:
        poll(lambda i=instance_id: _active_sessions(ssm, i), lambda sessions: not sessions, 90)
        assert _waiting(ssm, instance_id) == "0\n"
