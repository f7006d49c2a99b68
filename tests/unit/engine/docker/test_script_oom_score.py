"""A script's processes count more than the shell that waits for them when the kernel picks what
an out-of-memory kill ends: the container-side snippets (BOOTSTRAP, the resident helper) run
here in the host's POSIX `sh` and busybox, on a directory of the test's own."""

import shutil
import subprocess
from pathlib import Path

import pytest

from localstack_ssm_docker.engine.docker.shell import (
    SCRIPT_OOM_SCORE_RAISE,
    bootstrap_command,
    resident_helper_command,
)
from localstack_ssm_docker.engine.values import ScriptJob
from tests.unit.engine.docker.test_resident_shell import DEADLINE, run_job, start

SHELLS = ["/bin/sh", shutil.which("busybox") or "busybox"]
SCRIPT = "cat /proc/self/oom_score_adj\n"


def raised(adj: int) -> int:
    return min(adj + SCRIPT_OOM_SCORE_RAISE, 1000)


def own_adj() -> int:
    return int(Path("/proc/self/oom_score_adj").read_text())


@pytest.mark.parametrize("shell", SHELLS)
def test_a_script_run_by_an_exec_counts_more_than_the_exec_s_shell(tmp_path, shell):
    job = ScriptJob(SCRIPT, str(tmp_path / "step"), "", {}, 2500)
    command = bootstrap_command(job, inline=True)
    run = subprocess.run(command, executable=shell, capture_output=True, timeout=DEADLINE)
    assert (run.returncode, int(run.stdout)) == (0, raised(own_adj()))


@pytest.mark.parametrize("shell", SHELLS)
def test_a_script_run_by_the_resident_helper_counts_more_than_the_helper(tmp_path, shell):
    helper = start(resident_helper_command(str(tmp_path / "h"), 0, "up"), executable=shell)
    try:
        assert helper.stdout is not None and helper.stdout.readline() == b"up\n"
        lines = run_job(helper, tmp_path, SCRIPT)
        helper_adj = int(Path(f"/proc/{helper.pid}/oom_score_adj").read_text())
        assert lines[-1] == b"T 0\n"
        assert int(lines[1]) == raised(helper_adj) and helper_adj == own_adj()
        assert run_job(helper, tmp_path, SCRIPT)[1] == lines[1]  # each job, not the helper
    finally:
        helper.kill()
