"""The resident helper's job encoding and the in-band markers its output is read by."""

import shlex

from localstack_ssm_docker.engine.docker.resident import _Until
from localstack_ssm_docker.engine.docker.scripts import BoundedBuffer
from localstack_ssm_docker.engine.docker.shell import (
    RESIDENT_HELPER,
    RESIDENT_SCRIPT_LIMIT,
    resident_helper_command,
    resident_job,
)
from localstack_ssm_docker.engine.values import ScriptJob

TOKEN = "0123456789abcdef0123456789abcdef"


def job(script: str = "echo hi\necho there\n", **changes) -> ScriptJob:
    fields = {
        "script": script,
        "script_dir": "/var/lib/amazon/ssm/i-1/document/orchestration/c1/awsrunShellScript/0",
        "working_directory": "/tmp",
        "environment": {"AWS_SSM_INSTANCE_ID": "i-1", "SSM_COMMAND_ID": "it's"},
        "output_limit": 2500,
        "attempt": "run-1",
    }
    return ScriptJob(**{**fields, **changes})


def test_a_job_is_token_directories_exports_script_lines_then_the_token():
    lines = resident_job(job(), TOKEN).decode().split("\n")
    assert lines[:4] == [TOKEN, job().script_dir, "/tmp", "run-1"]
    assert shlex.split(lines[4]) == [
        "export",
        "AWS_SSM_INSTANCE_ID=i-1;",
        "export",
        "SSM_COMMAND_ID=it's;",
    ]
    assert lines[5:] == ["echo hi", "echo there", TOKEN, ""]


def test_a_script_without_a_final_newline_keeps_its_last_line():
    lines = resident_job(job("echo a\necho b"), TOKEN).decode().split("\n")
    assert lines[5:] == ["echo a", "echo b", TOKEN, ""]


def test_jobs_the_helper_cannot_carry_go_by_exec():
    assert resident_job(job("x" * (RESIDENT_SCRIPT_LIMIT + 1)), TOKEN) is None
    assert resident_job(job("echo \0"), TOKEN) is None
    assert resident_job(job(working_directory="/a\nb"), TOKEN) is None
    assert resident_job(job(environment={"A": "line\nbreak"}), TOKEN) is None
    assert resident_job(job(environment={"NOT-A-NAME": "x"}), TOKEN) is None
    assert resident_job(job(attempt="a\nb"), TOKEN) is None


def test_the_helper_is_started_with_a_directory_of_its_own():
    assert resident_helper_command("/tmp/h1") == ["sh", "-c", RESIDENT_HELPER, "sh", "/tmp/h1"]


def test_output_passes_until_the_marker_even_when_split_across_chunks():
    sink = BoundedBuffer(100)
    until = _Until(b"TOKEN ", sink)
    for chunk in (b"hello\nTO", b"KE", b"N 0\nrest"):
        until.feed(chunk)
    assert until.found and sink.value() == b"hello\n" and until.after == b"0\nrest"


def test_output_held_back_for_a_possible_marker_is_flushed_when_the_stream_ends():
    sink = BoundedBuffer(100)
    until = _Until(b"TOKEN ", sink)
    until.feed(b"started\nTOK")
    until.flush()
    assert not until.found and sink.value() == b"started\nTOK"


def test_a_marker_only_counts_whole():
    sink = BoundedBuffer(100)
    until = _Until(b"TOKEN\n", sink)
    until.feed(b"TOKEN TOKEN\n")
    assert until.found and sink.value() == b"TOKEN " and until.after == b""
