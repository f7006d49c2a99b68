"""A kill names one run of a script: the container-side snippets (BOOTSTRAP, the resident helper,
KILL) run here in the host's POSIX `sh`, on a directory of the test's own."""

import dataclasses
import subprocess
import uuid
from pathlib import Path

from localstack_ssm_docker.engine.docker.shell import (
    bootstrap_command,
    kill_command,
    resident_helper_command,
    resident_job,
)
from localstack_ssm_docker.engine.values import ScriptJob

DEADLINE = 10
# Waits until its run's pid is recorded, says so, then ends by itself (exit 3) once `go` exists.
SCRIPT = (
    "while [ ! -s pid ]; do sleep 0.01; done; echo started; "
    "while [ ! -e go ]; do sleep 0.01; done; exit 3\n"
)


def _runs(tmp_path: Path) -> tuple[ScriptJob, ScriptJob]:
    """An earlier and a later run of the same script, in the same directory."""
    earlier = ScriptJob(SCRIPT, str(tmp_path / "step"), "", {}, 2500)
    return earlier, dataclasses.replace(earlier, attempt=uuid.uuid4().hex)


def _kill(job: ScriptJob) -> int:
    return subprocess.run(kill_command(job), timeout=DEADLINE).returncode


def test_a_kill_meant_for_an_earlier_run_leaves_the_later_run_of_that_script_alone(tmp_path):
    earlier, later = _runs(tmp_path)
    script = subprocess.Popen(bootstrap_command(later, inline=True), stdout=subprocess.PIPE)
    try:
        assert script.stdout is not None
        assert script.stdout.readline() == b"started\n"
        assert _kill(earlier) != 0
        (tmp_path / "step" / "go").touch()
        assert script.wait(DEADLINE) == 3
    finally:
        script.kill()


def test_the_kill_meant_for_a_run_kills_it(tmp_path):
    _, later = _runs(tmp_path)
    script = subprocess.Popen(bootstrap_command(later, inline=True), stdout=subprocess.PIPE)
    try:
        assert script.stdout is not None
        assert script.stdout.readline() == b"started\n"
        assert _kill(later) == 0
        assert script.wait(DEADLINE) == 137
    finally:
        script.kill()


def test_a_kill_meant_for_an_earlier_run_leaves_the_resident_helpers_later_run_alone(tmp_path):
    earlier, later = _runs(tmp_path)
    token = uuid.uuid4().hex
    job = resident_job(later, token)
    assert job is not None
    helper = subprocess.Popen(
        resident_helper_command(str(tmp_path / "helper")),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert helper.stdin is not None and helper.stdout is not None
        helper.stdin.write(job)
        helper.stdin.flush()
        assert helper.stdout.readline() == f"{token} +\n".encode()
        assert helper.stdout.readline() == b"started\n"
        assert _kill(earlier) != 0
        (tmp_path / "step" / "go").touch()
        assert helper.stdout.readline() == f"{token} 3\n".encode()
        assert _kill(later) != 0  # that run is over: nothing of it is left to kill
    finally:
        helper.kill()
