"""Whether a labelled process is gone, told from /proc (this machine's, and fakes of it)."""

import os
import subprocess
import sys
from pathlib import Path

from localstack_ssm_docker.engine.process_identity import is_gone, this_process


def test_this_process_is_not_gone():
    identity = this_process()
    assert identity and not is_gone(identity)


def test_a_process_that_ended_is_gone():
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from localstack_ssm_docker.engine import process_identity as p;"
            "print(p.this_process())",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    identity = child.communicate()[0].strip()
    assert identity and is_gone(identity)


def test_a_pid_given_to_another_process_is_gone():
    boot, namespace, pid, started = this_process().split("/")
    assert is_gone(f"{boot}/{namespace}/{pid}/{int(started) - 1}")


def test_another_machine_boot_or_pid_namespace_cannot_be_told_so_is_not_gone():
    boot, namespace, _pid, started = this_process().split("/")
    assert not is_gone(f"another-boot/{namespace}/999999999/{started}")
    assert not is_gone(f"{boot}/pid:[1]/999999999/{started}")
    assert not is_gone("")
    assert not is_gone("not/an/identity")


def test_without_proc_no_identity_is_given_and_none_is_judged(tmp_path: Path):
    assert this_process(tmp_path) == ""
    assert not is_gone(this_process(), tmp_path)


def test_where_pid_1_is_hidden_no_process_is_judged_gone(tmp_path: Path):
    """(/proc mounted with hidepid: other users' processes look absent while they run)"""
    real = Path("/proc")
    fake = tmp_path / "proc"
    (fake / "sys/kernel/random").mkdir(parents=True)
    (fake / "sys/kernel/random/boot_id").write_text(
        (real / "sys/kernel/random/boot_id").read_text()
    )
    (fake / "self/ns").mkdir(parents=True)
    (fake / "self/ns/pid").symlink_to(os.readlink(real / "self/ns/pid"))
    boot, namespace, _pid, started = this_process().split("/")
    assert not is_gone(f"{boot}/{namespace}/999999999/{started}", fake)
    (fake / "1").mkdir()
    (fake / "1/stat").write_text((real / "1/stat").read_text())
    assert is_gone(f"{boot}/{namespace}/999999999/{started}", fake)
