"""Session Manager scenarios for `make bench`: start-session to the first shell prompt, and port
forwarding throughput and per-connection latency against a direct connection to the container.

The client is the real one (AWS CLI + session-manager-plugin, in tmux for the shell), so the
prompt time includes the CLI's own start-up, as a user sees it; the floor is `docker exec -it`
of the same shell, in tmux too."""

import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.scenarios import launch, row, send, terminate, wait_invocation
from harness.localstack_process import LocalStack
from harness.session_clients import PortSession, Tmux, free_port, start_session_args

PROMPT = " # "


def _prompt_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    tmux = Tmux(command)
    try:
        tmux.wait_for(PROMPT, 60)
        return time.perf_counter() - start
    finally:
        tmux.close()


def prompt_time(localstack: LocalStack, ami_id: str, rounds: int) -> dict:
    """`aws ssm start-session` until the shell's prompt, against `docker exec -it ... sh`."""
    (instance_id,) = launch(localstack, ami_id, 1)
    ssm = localstack.client("ssm")
    container = f"localstack-ec2.{instance_id}"
    ours = start_session_args(localstack.endpoint, instance_id)
    floor = ["docker", "exec", "-it", container, "sh"]
    try:
        _prompt_seconds(ours), _prompt_seconds(floor)  # warm both paths
        samples = [(_prompt_seconds(ours), _prompt_seconds(floor)) for _ in range(rounds)]
    finally:
        for session in ssm.describe_sessions(State="Active")["Sessions"]:
            ssm.terminate_session(SessionId=session["SessionId"])
        terminate(localstack, [instance_id])
    return row("start-session to prompt", [s[0] for s in samples], [s[1] for s in samples])


def _get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as reply:
        size = len(reply.read())
    return time.perf_counter() - start, size


def _post(url: str, body: bytes) -> float:
    """Seconds to upload `body` until the server answered (it reads all of it first)."""
    start = time.perf_counter()
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=300) as reply:
        if reply.read().strip() != str(len(body)).encode():
            raise AssertionError("the upload did not arrive whole")
    return time.perf_counter() - start


# A CGI of busybox httpd that reads the whole request body and answers how many bytes it got.
_SINK = '#!/bin/sh\nn=$(cat | wc -c)\necho "Content-Type: text/plain"\necho\necho "$n"\n'


def port_forwarding(
    localstack: LocalStack,
    ami_id: str,
    megabytes: int,
    rounds: int,
    upload_megabytes: int = 2,
) -> dict:
    """MB/s of one download and one upload and the median time of a small request, through one
    session and directly to the container's address. Uploads are small: the plugin sends at
    most 1 KiB per message and sleeps 1 ms between its reads of a local connection (AWS's
    agent does the same in the other direction), so no server reaches more than about 1 MB/s
    for uploads through AWS's plugin."""
    (instance_id,) = launch(localstack, ami_id, 1)
    ssm = localstack.client("ssm")
    script = (
        f"mkdir -p /tmp/bench/cgi-bin && dd if=/dev/zero of=/tmp/bench/big bs=1M "
        f"count={megabytes} 2>/dev/null && echo ok > /tmp/bench/small && "
        f"printf '{_SINK}' > /tmp/bench/cgi-bin/sink && chmod +x /tmp/bench/cgi-bin/sink && "
        "httpd -p 8080 -h /tmp/bench"
    )
    wait_invocation(ssm, send(ssm, [instance_id], script), instance_id)
    address = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
    )["InstanceInformationList"][0]["IPAddress"]
    local = free_port()
    log = Path(tempfile.mkdtemp()) / "pf.log"
    session = PortSession(
        localstack.endpoint,
        instance_id,
        "AWS-StartPortForwardingSession",
        f'{{"portNumber": ["8080"], "localPortNumber": ["{local}"]}}',
        log,
    )
    body = bytes(upload_megabytes * 1024 * 1024)
    try:
        through, direct = f"http://127.0.0.1:{local}", f"http://{address}:8080"
        _get(f"{through}/small"), _get(f"{direct}/small")
        bulk = [(_get(f"{through}/big")[0], _get(f"{direct}/big")[0]) for _ in range(3)]
        up = [
            (_post(f"{through}/cgi-bin/sink", body), _post(f"{direct}/cgi-bin/sink", body))
            for _ in range(3)
        ]
        small = [(_get(f"{through}/small")[0], _get(f"{direct}/small")[0]) for _ in range(rounds)]
    finally:
        session.interrupt()
        session.close()
        terminate(localstack, [instance_id])
    ours_mb_s = megabytes / statistics.median(b[0] for b in bulk)
    direct_mb_s = megabytes / statistics.median(b[1] for b in bulk)
    ours_up = upload_megabytes / statistics.median(u[0] for u in up)
    direct_up = upload_megabytes / statistics.median(u[1] for u in up)
    return {
        "throughput": {
            "name": f"port forwarding, {megabytes} MB download",
            "ours_mb_s": round(ours_mb_s, 1),
            "direct_mb_s": round(direct_mb_s, 1),
            "ratio": round(ours_mb_s / direct_mb_s, 2),
        },
        "upload": {
            "name": f"port forwarding, {upload_megabytes} MB upload",
            "ours_mb_s": round(ours_up, 2),
            "direct_mb_s": round(direct_up, 1),
            "ratio": round(ours_up / direct_up, 3),
        },
        "latency": row(
            "port forwarding, small request", [s[0] for s in small], [s[1] for s in small]
        ),
    }


def server_prompt_time(localstack: LocalStack, ami_id: str, rounds: int) -> float:
    """Median ms from StartSession to the shell's prompt without the CLI's own start-up: the
    data channel spoken by hand (harness/session_protocol.py)."""
    import json

    from harness.session_protocol import ProtocolClient

    (instance_id,) = launch(localstack, ami_id, 1)
    ssm = localstack.client("ssm")
    samples = []
    try:
        for _ in range(rounds + 1):
            start = time.perf_counter()
            reply = ssm.start_session(Target=instance_id)
            client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
            client.read_until(lambda c: c.handshake is not None)
            client.send_input(json.dumps({"cols": 80, "rows": 24}).encode(), 3)
            client.wait_output(PROMPT.encode().strip() + b" ")
            samples.append(time.perf_counter() - start)
            ssm.terminate_session(SessionId=reply["SessionId"])
    finally:
        terminate(localstack, [instance_id])
    return round(statistics.median(samples[1:]) * 1000, 1)
