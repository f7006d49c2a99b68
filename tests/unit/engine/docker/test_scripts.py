"""Which runs a kill reaches (only the run of a script under way), and the bounded head of a
script's output."""

from localstack_ssm_docker.engine.docker.scripts import BoundedBuffer, DockerScripts
from localstack_ssm_docker.engine.values import ScriptJob


def test_a_kill_of_a_run_not_under_way_does_nothing_and_says_so():
    # no client at all: a kill that reached for the engine would fail here
    scripts = DockerScripts(api=None, stream_api=None, restart_count=lambda _: 0)  # type: ignore[arg-type]
    job = ScriptJob("sleep 60\n", "/var/lib/amazon/ssm/c-1", "/", {}, 1024, attempt="a-1")
    assert scripts.kill_script("container-1", job) is False


def test_bounded_buffer_keeps_the_head_and_counts_everything():
    buffer = BoundedBuffer(5)
    for chunk in (b"abc", None, b"defgh", b"ij"):
        buffer.write(chunk)
    assert (buffer.value(), buffer.size) == (b"abcde", 10)


def test_a_zero_limit_keeps_nothing_but_counts():
    buffer = BoundedBuffer(0)
    buffer.write(b"output")
    assert (buffer.value(), buffer.size) == (b"", 6)
