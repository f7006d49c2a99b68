"""The resident helper's shell loop, run here in the host's shells on a directory of the test's own:
the line it writes once ready, the helper kept for the instance's life next to one that ends when
idle, and an image it cannot work in."""

import shutil
import subprocess
import uuid
from pathlib import Path

from localstack_ssm_docker.engine.docker.shell import resident_helper_command, resident_job
from localstack_ssm_docker.engine.values import ScriptJob

DEADLINE = 10
BUSYBOX = shutil.which("busybox")  # an AMI's shell: `read -t`, so idle helpers can end


def start(command: list[str], executable: str = "/bin/sh", **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        executable=executable,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        **kwargs,
    )


def run_job(helper: subprocess.Popen, tmp_path: Path, script: str) -> list[bytes]:
    """Sends one job; the helper's stdout lines until the job's end."""
    assert helper.stdin is not None and helper.stdout is not None
    token = uuid.uuid4().hex
    job = ScriptJob(script, str(tmp_path / f"step-{token}"), "", {}, 2500)
    request = resident_job(job, token)
    assert request is not None
    helper.stdin.write(request)
    helper.stdin.flush()
    lines = []
    while not (line := helper.stdout.readline()).startswith(f"{token} ".encode()) or line.endswith(
        b"+\n"
    ):
        lines.append(line)
    return [*lines, line.replace(token.encode(), b"T")]


def test_a_helper_asked_to_say_when_it_is_ready_says_so_before_its_first_job(tmp_path):
    helper = start(resident_helper_command(str(tmp_path / "h"), 0, "ready 1234"))
    try:
        assert helper.stdout is not None
        assert helper.stdout.readline() == b"ready 1234\n"
        token_lines = run_job(helper, tmp_path, "echo hi\n")
        assert token_lines[1:] == [b"hi\n", b"T 0\n"]
    finally:
        helper.kill()


def test_the_helper_kept_for_the_instances_life_stays_when_an_idle_one_ends(tmp_path):
    assert BUSYBOX, "busybox is part of the set-up (scripts/ensure-docker.sh installs it)"
    idle = start(resident_helper_command(str(tmp_path / "idle"), 1), executable=BUSYBOX)
    kept = start(resident_helper_command(str(tmp_path / "kept"), 0, "up"), executable=BUSYBOX)
    try:
        assert kept.stdout is not None and kept.stdout.readline() == b"up\n"
        assert idle.wait(DEADLINE) == 0  # no job for a second: it ended by itself
        assert kept.poll() is None
        assert run_job(kept, tmp_path, "echo still\n")[1:] == [b"still\n", b"T 0\n"]
    finally:
        idle.kill()
        kept.kill()


def test_a_helper_ends_before_it_is_ready_where_the_image_has_no_cat(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("mkdir", "mv", "chmod"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    helper = start(
        resident_helper_command(str(tmp_path / "h"), 0, "ready"), env={"PATH": str(bin_dir)}
    )
    try:
        out, _ = helper.communicate(timeout=DEADLINE)
        assert (helper.returncode, out) == (3, b"")
    finally:
        helper.kill()


def test_a_helper_acknowledges_a_job_once_it_has_read_its_token_line(tmp_path):
    helper = start(resident_helper_command(str(tmp_path / "h")))
    try:
        assert helper.stdin is not None and helper.stdout is not None
        helper.stdin.write(b"0123456789abcdef\n")  # the rest of the job is not sent yet
        helper.stdin.flush()
        assert helper.stdout.readline() == b"0123456789abcdef +\n"
    finally:
        helper.kill()


def test_a_job_whose_input_ends_before_its_closing_token_never_runs(tmp_path):
    token = uuid.uuid4().hex
    job = ScriptJob(f"touch {tmp_path}/ran\n", str(tmp_path / "step"), "", {}, 2500)
    request = resident_job(job, token)
    assert request is not None
    helper = start(resident_helper_command(str(tmp_path / "h")))
    try:
        out, _ = helper.communicate(request[: -len(token) - 1], timeout=DEADLINE)
        assert (helper.returncode, out) == (4, f"{token} +\n".encode())
        assert not (tmp_path / "ran").exists()
    finally:
        helper.kill()
