"""Session Manager with AWS's own client: the AWS CLI and session-manager-plugin against a real
LocalStack and real instance containers. Shells run in tmux (a real terminal)."""

import itertools
import os
import re
import signal
import subprocess
import threading
import urllib.request

import psutil
import pytest

from harness.session_clients import PortSession, Tmux, cli_env, free_port, start_session_args
from localstack_ssm_docker.ssm.sessions.manager import RESUME_GRACE_SECONDS
from tests.integration.helpers import container_of, finished, poll, run_command, until_online

from .conftest import AMI_ID

PROMPT = " # "
ENDED_WITHIN = RESUME_GRACE_SECONDS + 30
"""A session whose client left without a word (no terminate seen) ends once LocalStack's grace
for a resume runs out."""


@pytest.fixture(scope="module")
def instances(localstack):
    """Two running instances of the test AMI, shared by this module's tests."""
    ec2 = localstack.client("ec2")
    reservation = ec2.run_instances(ImageId=AMI_ID, MinCount=2, MaxCount=2)
    ids = [i["InstanceId"] for i in reservation["Instances"]]
    ssm = localstack.client("ssm")
    poll(
        lambda: ssm.describe_instance_information()["InstanceInformationList"],
        lambda found: {i["InstanceId"] for i in found if i["PingStatus"] == "Online"} >= set(ids),
    )
    yield ids
    ec2.terminate_instances(InstanceIds=ids)


@pytest.fixture
def tmux_sessions():
    opened: list[Tmux] = []
    yield opened
    for tmux in opened:
        tmux.close()


def _processes(docker_client, instance_id: str) -> list[str]:
    """The container's processes other than the keep-alive and this `ps`."""
    out = container_of(docker_client, instance_id).exec_run(["ps", "-o", "pid,args"]).output
    lines = out.decode().splitlines()[1:]
    return [line for line in lines if "sleep infinity" not in line and " ps -o" not in line]


_questions = itertools.count(1)


def _terminal_size(tmux: Tmux) -> str:
    """`stty size` in the session's shell ("rows columns"), asked once and its answer awaited
    before the next question: questions never pile up in a slow session."""
    number = next(_questions)
    tmux.send(f"echo size-$(({number} * 1)) $(stty size)")
    screen = tmux.wait_for(f"size-{number} ")
    found = re.search(rf"size-{number} (\d+ \d+)", screen)
    assert found, screen
    return found[1]


def _session_id(screen: str) -> str:
    line = next(x for x in screen.splitlines() if "Starting session with SessionId:" in x)
    return line.rsplit(":", 1)[1].strip()


def _history(ssm, session_id: str) -> dict:
    """The session's record once it has ended (its client's end may come unannounced)."""
    return poll(
        lambda: ssm.describe_sessions(
            State="History", Filters=[{"key": "SessionId", "value": session_id}]
        )["Sessions"],
        lambda found: len(found) == 1,
        ENDED_WITHIN,
    )[0]


def test_interactive_shell_through_tmux(localstack, instances, ssm, docker_client, tmux_sessions):
    instance_id = instances[0]
    before = _processes(docker_client, instance_id)
    tmux = Tmux(start_session_args(localstack.endpoint, instance_id), width=120, height=40)
    tmux_sessions.append(tmux)
    screen = tmux.wait_for(PROMPT)
    session_id = _session_id(screen)

    tmux.send("echo $((6 * 7))")
    tmux.wait_for("\n42")
    tmux.send("cd /proc")
    tmux.send("pwd; echo done-$?")
    tmux.wait_for("/proc\ndone-0")
    tmux.send("stty size")
    tmux.wait_for("40 120")
    tmux.resize(100, 30)
    poll(lambda: _terminal_size(tmux), lambda size: size == "30 100")
    tmux.send("sleep 600 &")
    active = ssm.describe_sessions(State="Active")["Sessions"]
    assert session_id in {s["SessionId"] for s in active}

    tmux.send("exit")
    tmux.wait_for("CLIENT-EXITED-0")
    record = _history(ssm, session_id)
    assert record["Status"] == "Terminated"
    assert record["Target"] == instance_id
    assert record["DocumentName"] == "SSM-SessionManagerRunShell"
    assert record["Owner"].startswith("arn:aws:iam::000000000000:")
    assert record["EndDate"] >= record["StartDate"]
    # nothing the session started outlives it (the background sleep included)
    poll(lambda: _processes(docker_client, instance_id), lambda now: now == before)


def test_non_interactive_command(localstack, instances, ssm, tmp_path):
    output = tmp_path / "out.txt"
    args = start_session_args(
        localstack.endpoint,
        instances[0],
        "AWS-StartNonInteractiveCommand",
        '{"command": ["echo out-$((40 + 2)); echo err >&2; exit 3"]}',
    )
    with output.open("w") as sink:
        # stdin stays open (as a terminal would) until the client exits by itself
        client = subprocess.Popen(
            args, env=cli_env(), stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            client.wait(60)
        finally:
            client.stdin.close()
    text = output.read_text()
    assert "out-42" in text
    assert "err" in text
    assert "Exiting session with sessionId" in text
    assert client.returncode == 0  # this plugin build exits 0 whatever the command's status
    record = _history(ssm, _session_id(text))
    assert record["DocumentName"] == "AWS-StartNonInteractiveCommand"


def _serve(ssm, instance_id: str, port: int, body: str) -> None:
    """busybox httpd in the instance, serving `body` at / and 1 MiB at /big."""
    command = run_command(
        ssm,
        instance_id,
        [
            f"mkdir -p /tmp/www{port}",
            f"echo {body} > /tmp/www{port}/index.html",
            f"dd if=/dev/urandom of=/tmp/www{port}/big bs=1024 count=1024 2>/dev/null",
            f"httpd -p {port} -h /tmp/www{port}",
        ],
    )
    assert finished(ssm, command, instance_id)["Status"] == "Success"


def _get(port: int, path: str = "/") -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as reply:
        return reply.read()


def test_port_forwarding_with_concurrent_connections(
    localstack, instances, ssm, tmp_path, docker_client
):
    instance_id = instances[0]
    _serve(ssm, instance_id, 8080, "hello-from-httpd")
    direct = container_of(docker_client, instance_id).exec_run(["cat", "/tmp/www8080/big"]).output
    local = free_port()
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSession",
        f'{{"portNumber": ["8080"], "localPortNumber": ["{local}"]}}',
        tmp_path / "pf.log",
    )
    try:
        results: list[bytes] = []
        errors: list[Exception] = []

        def fetch(path: str) -> None:
            try:
                results.append(_get(local, path))
            except Exception as e:
                errors.append(e)

        threads = [threading.Thread(target=fetch, args=("/",)) for _ in range(8)]
        threads += [threading.Thread(target=fetch, args=("/big",)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert sorted(results, key=len)[:8] == [b"hello-from-httpd\n"] * 8
        assert sorted(results, key=len)[8:] == [direct, direct]
        assert session.interrupt() == 0
    finally:
        session.close()
    assert _history(ssm, session.session_id)["Status"] == "Terminated"


def test_port_with_no_listener_then_listener(localstack, instances, ssm, tmp_path):
    instance_id = instances[1]
    local = free_port()
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSession",
        f'{{"portNumber": ["8090"], "localPortNumber": ["{local}"]}}',
        tmp_path / "pf.log",
    )
    try:
        with pytest.raises(Exception):  # noqa: B017 - the connection is closed without a reply
            _get(local)
        poll(session.log.read_text, lambda t: "Connection to destination port failed" in t)
        _serve(ssm, instance_id, 8090, "now-listening")
        assert _get(local) == b"now-listening\n"  # the same session, still usable
        assert session.process.poll() is None
    finally:
        session.interrupt()
        session.close()


def test_port_forwarding_to_remote_host(localstack, instances, ssm, tmp_path, docker_client):
    through, remote = instances
    _serve(ssm, remote, 8070, "remote-instance")
    # the other instance's address on the Docker network (its container's, as SSM reports it)
    (info,) = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [remote]}]
    )["InstanceInformationList"]
    address = info["IPAddress"]
    container = container_of(docker_client, remote)
    assert address == container.attrs["NetworkSettings"]["IPAddress"]
    local = free_port()
    session = PortSession(
        localstack.endpoint,
        through,
        "AWS-StartPortForwardingSessionToRemoteHost",
        f'{{"host": ["{address}"], "portNumber": ["8070"], "localPortNumber": ["{local}"]}}',
        tmp_path / "pf.log",
    )
    try:
        assert _get(local) == b"remote-instance\n"
    finally:
        session.interrupt()
        session.close()


def test_terminate_session_from_another_client_ends_the_plugin(
    localstack, instances, ssm, tmp_path
):
    session = PortSession(
        localstack.endpoint,
        instances[0],
        "AWS-StartPortForwardingSession",
        '{"portNumber": ["8080"]}',
        tmp_path / "pf.log",
    )
    try:
        ssm.terminate_session(SessionId=session.session_id)
        assert session.process.wait(30) == 0
        assert "Exiting session with sessionId" in session.log.read_text()
    finally:
        session.close()
    assert _history(ssm, session.session_id)["Status"] == "Terminated"


def test_instance_stop_ends_the_session(localstack, ssm, ec2, launch, tmp_path, docker_client):
    (instance_id,) = launch()
    until_online(ssm, instance_id)
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSession",
        '{"portNumber": ["8080"]}',
        tmp_path / "pf.log",
    )
    try:
        ec2.stop_instances(InstanceIds=[instance_id])
        assert session.process.wait(60) == 0
        assert "is no longer running" in session.log.read_text()
    finally:
        session.close()
    assert _history(ssm, session.session_id)["Status"] == "Terminated"


def test_localstack_threads_come_back(localstack, instances, ssm, tmp_path):
    """After sessions of every kind end, LocalStack has the threads it had (counted once the
    sessions of earlier tests have ended: a client's exit does not wait for its session's end)."""
    process = psutil.Process(localstack.process.pid)

    def active() -> list[dict]:
        return ssm.describe_sessions(State="Active")["Sessions"]

    poll(active, lambda found: not found, ENDED_WITHIN)
    before = process.num_threads()
    session = PortSession(
        localstack.endpoint,
        instances[0],
        "AWS-StartPortForwardingSession",
        '{"portNumber": ["8080"]}',
        tmp_path / "pf.log",
    )
    try:
        session.interrupt()
    finally:
        session.close()
    poll(process.num_threads, lambda now: now <= before)
    poll(active, lambda found: not found, ENDED_WITHIN)


def test_ssh_document_is_a_plain_stream(localstack, instances, ssm, tmp_path):
    """AWS-StartSSHSession carries one TCP connection on the plugin's stdin and stdout, as
    `ssh -o ProxyCommand=...` uses it (here to httpd: the busybox AMI has no sshd)."""
    instance_id = instances[0]
    _serve(ssm, instance_id, 8060, "through-stdin")
    output = tmp_path / "stream.out"
    with output.open("wb") as sink:
        client = subprocess.Popen(
            start_session_args(
                localstack.endpoint, instance_id, "AWS-StartSSHSession", "portNumber=8060"
            ),
            env=cli_env(),
            stdin=subprocess.PIPE,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            poll(output.read_bytes, lambda b: b"Starting session with SessionId" in b, 60)
            client.stdin.write(b"GET / HTTP/1.0\r\n\r\n")
            client.stdin.flush()
            text = poll(output.read_bytes, lambda b: b"through-stdin" in b, 30)
            assert b" 200 OK\r\n" in text
            # httpd closes the connection after the reply: the session ends, the client exits
            assert client.wait(30) == 0
        finally:
            if client.poll() is None:
                os.killpg(client.pid, signal.SIGKILL)
                client.wait()
    record = _history(ssm, _session_id(output.read_text(errors="replace")))
    assert record["DocumentName"] == "AWS-StartSSHSession"


def test_localstack_stop_ends_sessions(tmp_path, docker_client):
    """LocalStack stopping ends every session: the client is told and exits."""
    from harness.localstack_process import LocalStack

    runtime = LocalStack(tmp_path / "own")
    try:
        ec2 = runtime.client("ec2")
        (instance,) = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"]
        ssm = runtime.client("ssm")
        poll(
            lambda: ssm.describe_instance_information()["InstanceInformationList"],
            lambda found: any(i["PingStatus"] == "Online" for i in found),
        )
        session = PortSession(
            runtime.endpoint,
            instance["InstanceId"],
            "AWS-StartPortForwardingSession",
            '{"portNumber": ["8080"]}',
            tmp_path / "pf.log",
        )
        try:
            assert runtime.stop() == 0
            assert session.process.wait(30) == 0
            assert "LocalStack is shutting down" in session.log.read_text()
        finally:
            session.close()
    finally:
        runtime.stop()


def test_remote_host_localhost_is_the_instance_itself(localstack, instances, ssm, tmp_path):
    """From the instance's point of view `localhost` is the instance, not LocalStack's host."""
    instance_id = instances[1]
    _serve(ssm, instance_id, 8050, "the-instance-itself")
    local = free_port()
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSessionToRemoteHost",
        f'{{"host": ["localhost"], "portNumber": ["8050"], "localPortNumber": ["{local}"]}}',
        tmp_path / "pf.log",
    )
    try:
        assert _get(local) == b"the-instance-itself\n"
    finally:
        session.interrupt()
        session.close()
