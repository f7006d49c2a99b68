"""The Session Manager slice every deployment runs, with AWS's own client (the AWS CLI and
session-manager-plugin on the host) against the deployment's published port: a non-interactive
command (an exec in the instance's container, which works over any engine connection) and port
forwarding to busybox httpd in the instance (LocalStack connects to the instance's address, so
its container or host must reach the instances' network). The StreamUrl StartSession returns is
the host and port the client called, so the client on the host reaches the data channel of a
LocalStack in a container through its published port."""

import subprocess
import urllib.request
from pathlib import Path

from harness.session_clients import PortSession, cli_env, free_port, start_session_args
from tests.deployments import scenario
from tests.integration.helpers import poll


def _history(localstack, session_id: str, deadline: float = 60) -> dict:
    ssm = localstack.client("ssm")
    return poll(
        lambda: ssm.describe_sessions(
            State="History", Filters=[{"key": "SessionId", "value": session_id}]
        )["Sessions"],
        lambda found: len(found) == 1,
        deadline,
    )[0]


def _session_id(text: str) -> str:
    line = next(x for x in text.splitlines() if "Starting session with SessionId:" in x)
    return line.rsplit(":", 1)[1].strip()


def command_session(localstack, instance_id: str, hostname: str, log: Path) -> None:
    """AWS-StartNonInteractiveCommand: the command's output reaches the client, the session is
    recorded in the history."""
    args = start_session_args(
        localstack.endpoint,
        instance_id,
        "AWS-StartNonInteractiveCommand",
        '{"command": ["echo session-on-$(hostname) $((40 + 2))"]}',
    )
    with log.open("w") as sink:
        # stdin stays open (as a terminal would) until the client exits by itself
        client = subprocess.Popen(
            args, env=cli_env(), stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            client.wait(90)
        finally:
            assert client.stdin is not None
            client.stdin.close()
            if client.poll() is None:
                client.kill()
    text = log.read_text()
    assert f"session-on-{hostname} 42" in text, text
    assert "Exiting session with sessionId" in text, text
    record = _history(localstack, _session_id(text))
    assert record["DocumentName"] == "AWS-StartNonInteractiveCommand"
    assert record["Target"] == instance_id


def port_session(localstack, instance_id: str, port: int, log: Path) -> tuple[PortSession, int]:
    """AWS-StartPortForwardingSession to `port` of the instance (ready); its local port."""
    local = free_port()
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSession",
        f'{{"portNumber": ["{port}"], "localPortNumber": ["{local}"]}}',
        log,
    )
    return session, local


def get(port: int) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as reply:
        return reply.read()


def serve_commands(port: int, body: str) -> list[str]:
    """Run Command lines that start busybox httpd in the instance, serving `body` at /."""
    return [
        f"mkdir -p /tmp/www{port}",
        f"echo {body} > /tmp/www{port}/index.html",
        f"httpd -p {port} -h /tmp/www{port}",
    ]


def port_forwarding(localstack, instance_id: str, log: Path) -> None:
    """busybox httpd in the instance, fetched on the host through the plugin's local port;
    Ctrl-C ends the session (Terminated in the history)."""
    started = scenario.run(localstack, instance_id, serve_commands(8080, "through-the-session"))
    assert started["Status"] == "Success", started
    session, local = port_session(localstack, instance_id, 8080, log)
    try:
        assert get(local) == b"through-the-session\n"
        assert get(local) == b"through-the-session\n"  # a second connection
        assert session.interrupt() == 0
    finally:
        session.close()
    assert _history(localstack, session.session_id)["Status"] == "Terminated"


def port_forwarding_refused(localstack, instance_id: str, log: Path) -> None:
    """Where LocalStack cannot reach the instance's ports: each connection gets the plugin's
    "Connection to destination port failed" (ConnectToPortError), the session stays up, though
    busybox httpd listens there."""
    started = scenario.run(localstack, instance_id, serve_commands(8080, "unreachable"))
    assert started["Status"] == "Success", started
    session, local = port_session(localstack, instance_id, 8080, log)
    try:
        for _ in range(2):
            try:
                get(local)
            except OSError:
                pass  # the connection is closed without a reply
            else:
                raise AssertionError("a reply came through a port LocalStack cannot reach")
        poll(log.read_text, lambda t: "Connection to destination port failed" in t, 20)
        assert session.process.poll() is None
        assert session.interrupt() == 0
    finally:
        session.close()
    # After ConnectToPortError answers, the plugin's Ctrl-C is not always seen at once (about one
    # run in two here): the session then ends when LocalStack's 60 s grace for a client that left
    # runs out. Either way it ends, Terminated.
    assert _history(localstack, session.session_id, 90)["Status"] == "Terminated"


def sessions(localstack, engine, tmp_path: Path) -> None:
    """The common Session Manager slice: a command session and port forwarding."""
    instance_id = scenario.launch(localstack)
    try:
        hostname = scenario.container(engine, instance_id).attrs["Config"]["Hostname"]
        command_session(localstack, instance_id, hostname, tmp_path / "command.log")
        port_forwarding(localstack, instance_id, tmp_path / "port.log")
    finally:
        scenario.terminate(localstack, engine, instance_id)
