"""Where instances' other queries go: the name servers LocalStack's own process uses (its
/etc/resolv.conf), so an instance resolves other names as LocalStack does and the host's own
resolution is only read, never changed. A query is sent as it is over UDP to each server in
turn; the first response that matches its ID is returned whole (a truncated one included: the
caller may ask again)."""

import contextlib
import ipaddress
import socket

_PORT = 53
_MAX_RESPONSE = 65535
DEFAULT_SERVERS = ("127.0.0.1",)
"""resolv.conf(5)'s default when the file names no server."""


def nameservers(resolv_conf: str) -> tuple[str, ...]:
    """The IP addresses in ``nameserver`` lines, in order (a scoped IPv6 address kept as is)."""
    servers = []
    for line in resolv_conf.splitlines():
        fields = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(fields) >= 2 and fields[0] == "nameserver":
            with contextlib.suppress(ValueError):
                ipaddress.ip_address(fields[1].split("%", 1)[0])
                servers.append(fields[1])
    return tuple(servers) or DEFAULT_SERVERS


class UdpUpstream:
    """Forwards queries to name servers over UDP, each given `timeout` seconds."""

    def __init__(self, servers: tuple[str, ...], timeout: float = 2.0, port: int = _PORT):
        self._servers = servers
        self._timeout = timeout
        self._port = port

    @classmethod
    def from_resolv_conf(cls, path: str = "/etc/resolv.conf") -> "UdpUpstream":
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return cls(nameservers(f.read()))
        except OSError:
            return cls(DEFAULT_SERVERS)

    def __call__(self, query: bytes) -> bytes | None:
        if len(query) < 2:
            return None
        for server in self._servers:
            family = socket.AF_INET6 if ":" in server else socket.AF_INET
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as sock:
                    sock.settimeout(self._timeout)
                    sock.connect((server, self._port))
                    sock.send(query)
                    while True:  # a stray datagram with another ID is not the answer
                        response = sock.recv(_MAX_RESPONSE)
                        if response[:2] == query[:2] and len(response) >= 12:
                            return response
            except OSError:
                continue
        return None
