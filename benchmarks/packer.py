"""`packer build` of examples/packer (Debian's Packer 1.6.6, SSH over Session Manager) against the
same work done straight with the Docker CLI (run, copy the files in, install them, stop, commit,
remove), interleaved. Packer talks to LocalStack through a timing proxy on loopback, so the
share of the build spent in our API calls is measured as Packer sees each call; the rest is
Packer's own work and waits (its waiters poll every 15 s by default) and SSH through the
session, whose WebSocket the proxy relays untimed."""

import contextlib
import functools
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks.scenarios import row, timed
from harness.instance_profiles import make_instance_profile
from harness.localstack_process import LocalStack
from harness.session_clients import cli_env

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "packer"
TEMPLATE = EXAMPLE / "debian-hello.pkr.hcl"
DEBIAN_IMAGE = "localstack-ec2/debian-13:ami-0d3b1a2c3d4e5f607"
PROFILE = "packer-ssm"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
_INSTALL = (
    "install -m 644 /tmp/hello.txt /etc/hello.txt"
    " && install -m 755 /tmp/hello-service /usr/local/bin/hello-service"
    " && install -m 644 /tmp/hello.service /etc/systemd/system/hello.service"
    " && install -d /etc/systemd/system/multi-user.target.wants"
    " && ln -sf /etc/systemd/system/hello.service"
    " /etc/systemd/system/multi-user.target.wants/hello.service"
    " && rm /tmp/hello.txt /tmp/hello-service /tmp/hello.service"
)
"""The provisioner's commands (debian-hello.pkr.hcl), as root without sudo."""


class TimingProxy:
    """A reverse proxy on a free loopback port in front of LocalStack: every request Packer makes
    is forwarded as it came and timed from its arrival to the end of its reply."""

    def __init__(self, upstream: str):
        self.calls: list[tuple[str, float]] = []
        target = urlsplit(upstream)
        calls, lock = self.calls, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                if self.headers.get("Upgrade"):
                    self._tunnel()
                    return
                start = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                upstream_conn = http.client.HTTPConnection(
                    target.hostname, target.port, timeout=300
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                upstream_conn.request(self.command, self.path, body, headers)
                reply = upstream_conn.getresponse()
                data = reply.read()
                self.send_response(reply.status, reply.reason)
                for key, value in reply.getheaders():
                    if key.lower() not in _HOP_BY_HOP | {"content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream_conn.close()
                with lock:
                    calls.append((_operation(self.headers, body), time.perf_counter() - start))

            def _tunnel(self) -> None:
                """A WebSocket (the session's stream, whose URL names the endpoint Packer
                called): relayed byte for byte, untimed."""
                upstream_conn = socket.create_connection((target.hostname, target.port))
                head = [self.requestline, *(f"{k}: {v}" for k, v in self.headers.items())]
                upstream_conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
                back = threading.Thread(target=_pump, args=(upstream_conn, self.connection))
                back.start()
                _pump(self.connection, upstream_conn)
                back.join()
                self.close_connection = True

            do_GET = do_POST = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def take(self) -> list[tuple[str, float]]:
        """The calls timed since the last take."""
        taken = list(self.calls)
        self.calls.clear()
        return taken

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copies until either side closes, then closes both ways."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    for end in (source, sink):
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)


def _operation(headers, body: bytes) -> str:
    """`service.Operation` of a request: X-Amz-Target (JSON protocols) or Action= (query)."""
    if target := headers.get("X-Amz-Target"):
        return target
    action = parse_qs(body.decode(errors="replace")).get("Action", ["?"])[0]
    service = (headers.get("Authorization") or "").split("/")[3:4]
    return f"{service[0] if service else '?'}.{action}"


def _instance_profile(localstack: LocalStack) -> None:
    iam = localstack.client("iam")
    if any(
        p["InstanceProfileName"] == PROFILE
        for p in iam.list_instance_profiles()["InstanceProfiles"]
    ):
        return
    make_instance_profile(iam, PROFILE)


def _packer_build(packer: str, endpoint: str, work: Path, ami_name: str) -> None:
    env = {**cli_env(), "CHECKPOINT_DISABLE": "1", "PACKER_CACHE_DIR": str(work / "cache")}
    done = subprocess.run(
        [
            packer,
            "build",
            "-color=false",
            f"-var=endpoint={endpoint}",
            f"-var=ami_name={ami_name}",
            str(TEMPLATE),
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"packer build failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")


def _docker(*args: str) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _docker_floor(tag: str) -> None:
    """The build's work straight through the Docker CLI: a container of the Debian AMI's image
    (with Docker's init, as instances have), the files copied in and installed, stopped,
    committed, removed."""
    container = _docker(
        "run", "-d", "--init", "--network", "none", DEBIAN_IMAGE, "sleep", "infinity"
    )
    try:
        _docker("cp", f"{EXAMPLE / 'files'}/.", f"{container}:/tmp/")
        _docker("exec", container, "sh", "-c", _INSTALL)
        _docker("stop", container)
        _docker("commit", container, tag)
    finally:
        _docker("rm", "-f", container)


def packer_build(localstack: LocalStack, rounds: int) -> dict:
    """`packer build` of the example until it returns, against the Docker floor; with the time
    of our API calls (summed per build, as Packer saw them) and its share of the build."""
    packer = shutil.which("packer")
    if packer is None:
        raise RuntimeError("packer is not on PATH: `make deployment-tools` installs Debian's")
    _instance_profile(localstack)
    ec2 = localstack.client("ec2")
    proxy = TimingProxy(localstack.endpoint)
    ours, floor, api, calls = [], [], [], []
    by_operation: dict[str, list[float]] = defaultdict(list)
    floor_tags: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_ in range(rounds):
                ours_first = round_ % 2 == 0
                for side in ("ours", "floor") if ours_first else ("floor", "ours"):
                    if side == "ours":
                        name = f"bench-packer-{round_}-{os.getpid()}"
                        ours.append(
                            timed(
                                functools.partial(
                                    _packer_build, packer, proxy.endpoint, Path(tmp), name
                                )
                            )
                        )
                        taken = proxy.take()
                        api.append(sum(d for _, d in taken))
                        calls.append(len(taken))
                        for operation, duration in taken:
                            by_operation[operation].append(duration)
                        for image in ec2.describe_images(
                            Filters=[{"Name": "name", "Values": [name]}]
                        )["Images"]:
                            ec2.deregister_image(ImageId=image["ImageId"])
                    else:
                        tag = f"bench-floor-packer:{round_}"
                        floor_tags.append(tag)
                        floor.append(timed(functools.partial(_docker_floor, tag)))
    finally:
        proxy.close()
        if floor_tags:
            subprocess.run(["docker", "rmi", "-f", *floor_tags], capture_output=True, check=False)
    result = row("packer build (example)", ours, floor)
    slowest = sorted(by_operation.items(), key=lambda item: -sum(item[1]))[:4]
    result["api_calls_median"] = statistics.median(calls)
    result["api_ms_median"] = round(statistics.median(api) * 1000, 1)
    result["api_share_percent"] = round(
        100 * statistics.median(a / o for a, o in zip(api, ours, strict=True)), 1
    )
    result["breakdown_ms"] = {
        f"our API, {result['api_calls_median']:g} calls ({result['api_share_percent']}%)": result[
            "api_ms_median"
        ],
        **{
            f"  {op} x{len(d) / len(ours):g}": round(sum(d) / len(ours) * 1000, 1)
            for op, d in slowest
        },
    }
    return result
