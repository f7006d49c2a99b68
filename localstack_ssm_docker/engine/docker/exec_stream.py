"""A started exec's hijacked connection, and its multiplexed output read without losing the bytes
that came with the headers.

This module is the one place that touches docker-py's private internals (hence the `docker>=7,<8`
pin in pyproject.toml): ``APIClient._post_json``, ``APIClient._url``,
``APIClient._raise_for_status`` and the response's ``raw._fp.fp`` (urllib3's HTTPResponse wrapping
http.client's, whose ``fp`` is the buffered socket reader) with the socket under it. docker-py reads
an attached exec from that raw socket; output that arrived together with the response headers sits
in the buffered reader and is lost (seen under load: about 8% of fast commands lost their whole
output while the client was busy). Here reads come from the buffered reader itself and writes go
to the socket under it. A docker-py upgrade must re-check these; the integration tests of Run
Command and sessions (tests/integration/test_send_command.py, test_sessions.py) fail loudly if
they change.
"""

import socket
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from docker import APIClient

STDOUT, STDERR = 1, 2
_HEADER = struct.Struct(">BxxxL")


def read_frames(reader: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(stream id, payload) for each frame of Docker's stdout/stderr multiplexing, until EOF."""
    while len(header := reader.read(_HEADER.size)) == _HEADER.size:
        stream_id, size = _HEADER.unpack(header)
        yield stream_id, reader.read(size)


class AttachedExec:
    """A started exec's connection: `reader` is the buffered reader of its output (the bytes that
    came with the headers included), `socket` the connection under it (stdin, shutdown)."""

    def __init__(self, response: Any):
        self.response = response
        self.reader: Any = response.raw._fp.fp
        raw = self.reader.raw
        self.socket: socket.socket = getattr(raw, "_sock", raw)


def start_exec(api: APIClient, exec_id: str, tty: bool = False) -> AttachedExec:
    """Starts a created exec attached, with Docker's connection upgrade."""
    response = api._post_json(
        api._url("/exec/{0}/start", exec_id),
        headers={"Connection": "Upgrade", "Upgrade": "tcp"},
        data={"Tty": tty, "Detach": False},
        stream=True,
    )
    try:
        api._raise_for_status(response)
    except BaseException:
        response.close()
        raise
    return AttachedExec(response)


def exec_output(api: APIClient, exec_id: str) -> Iterator[tuple[int, bytes]]:
    """Starts the exec attached and yields its output frames until it ends."""
    attached = start_exec(api, exec_id)
    try:
        yield from read_frames(attached.reader)
    finally:
        attached.response.close()
