"""Speaking to 169.254.169.254 from inside an instance, only once the route there is ours.

This machine has a metadata service of its own at 169.254.169.254: before any request leaves an
instance for that address, `MetadataClient` checks WITHOUT sending anything that the container's
route to it is on-link on our metadata network (not via its default gateway to the host).
"""

import ipaddress
import re
import subprocess
from dataclasses import dataclass

from localstack_ssm_docker.engine.docker import imds_network
from tests.integration.helpers import poll

METADATA = "169.254.169.254"
METADATA_SUBNET = ipaddress.ip_network(imds_network.METADATA_SUBNET)
METADATA_NETWORK = "localstack-imds"
RESPONDER = "localstack-imds-responder"
ANSWER_TIMEOUT = 30
"""Seconds a request waits for its answer: a loaded machine can take seconds to answer, and a
connection that is answered or closed ends the wait at once (a test that means to see no answer
passes a short timeout of its own)."""


def host_route() -> str:
    """The host's own route to 169.254.169.254 (must never change)."""
    out = subprocess.run(["ip", "route", "get", METADATA], capture_output=True, text=True)
    return out.stdout.splitlines()[0].strip()


def route_in_container(container) -> str:
    """`ip route get 169.254.169.254` in the container's network namespace (nothing is sent)."""
    container.reload()
    pid = str(container.attrs["State"]["Pid"])
    out = subprocess.run(
        ["nsenter", "-t", pid, "-n", "ip", "route", "get", METADATA],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.splitlines()[0].strip()


def assert_route_is_ours(container) -> None:
    """On-link (no `via`), from a source address on our metadata subnet, on the metadata network
    the container is attached to."""
    route = route_in_container(container)
    assert " via " not in route, route
    source = re.search(r" src (\S+)", route)
    assert source and ipaddress.ip_address(source[1]) in METADATA_SUBNET, route
    networks = container.attrs["NetworkSettings"]["Networks"]
    ours = [n for n in networks if n == METADATA_NETWORK]
    assert ours and networks[ours[0]]["IPAddress"] == source[1], (route, list(networks))


def route_is_ours(container) -> bool:
    """The check of `assert_route_is_ours` as a boolean (False while the container restarts)."""
    try:
        assert_route_is_ours(container)
    except (AssertionError, subprocess.CalledProcessError, KeyError):
        return False
    return True


@dataclass
class Reply:
    status: int | None
    headers: dict[str, str]
    body: bytes


def parse(raw: bytes) -> Reply:
    if not raw:
        return Reply(None, {}, b"")
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body)


class MetadataClient:
    """HTTP to 169.254.169.254 from inside one instance with busybox nc (busybox wget segfaults
    in these containers). Checks the route at creation and before every request."""

    def __init__(self, container):
        self.container = container
        assert_route_is_ours(container)

    def wait_for_route(self, deadline: float = 60) -> None:
        """Waits (without sending anything) until the route is ours again after a reboot,
        stop/start or restart: a container being started has its networks joined one by one."""
        poll(lambda: route_is_ours(self.container), bool, deadline)

    def raw(self, request: bytes, timeout: int = ANSWER_TIMEOUT) -> bytes:
        """The bytes answered (stdout only); b"" when nothing answered within `timeout`."""
        return self.exchange(request, timeout)[1]

    def exchange(self, request: bytes, timeout: int = ANSWER_TIMEOUT) -> tuple[int, bytes]:
        """(exit code of `timeout nc`, answer); 143 when nc was still waiting at the timeout."""
        assert_route_is_ours(self.container)
        script = f'printf "%s" "$1" | timeout {timeout} nc {METADATA} 80'
        result = self.container.exec_run(
            ["sh", "-c", script, "sh", request.decode("latin-1")], demux=True
        )
        return result.exit_code, result.output[0] or b""

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> Reply:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {METADATA}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return parse(self.raw(("\r\n".join(lines) + "\r\n\r\n").encode()))

    def get(self, path: str, token: str | None = None) -> Reply:
        headers = {"X-aws-ec2-metadata-token": token} if token else {}
        return self.request("GET", path, headers)

    def text(self, path: str, token: str | None = None) -> str:
        reply = self.get(path, token)
        assert reply.status == 200, (path, reply)
        return reply.body.decode()

    def token(self, ttl: int = 60) -> str:
        reply = self.request(
            "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": str(ttl)}
        )
        assert reply.status == 200, reply
        return reply.body.decode()
