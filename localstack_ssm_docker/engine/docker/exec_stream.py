"""A docker exec's multiplexed output, read without losing the bytes that came with the headers.

docker-py reads an attached exec from the raw socket under the HTTP response's buffered reader;
output that arrived together with the response headers sits in that buffer and is lost (seen
under load: about 8% of fast commands lost their whole output while the client was busy). Here
the frames are read from the buffered reader itself.

This depends on docker-py 7's private internals (hence the `docker>=7,<8` pin in pyproject.toml):
``APIClient._post_json``, ``APIClient._url``, ``APIClient._raise_for_status`` and the response's
``raw._fp.fp`` (urllib3's HTTPResponse wrapping http.client's, whose ``fp`` is the buffered
socket reader). A docker-py upgrade must re-check them; the integration tests of Run Command
(tests/integration/test_send_command.py) fail loudly if they change.
"""

import struct
from collections.abc import Iterator
from typing import BinaryIO

from docker import APIClient

STDOUT, STDERR = 1, 2
_HEADER = struct.Struct(">BxxxL")


def read_frames(reader: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(stream id, payload) for each frame of Docker's stdout/stderr multiplexing, until EOF."""
    while len(header := reader.read(_HEADER.size)) == _HEADER.size:
        stream_id, size = _HEADER.unpack(header)
        yield stream_id, reader.read(size)


def exec_output(api: APIClient, exec_id: str) -> Iterator[tuple[int, bytes]]:
    """Starts the exec attached and yields its output frames until it ends."""
    response = api._post_json(
        api._url("/exec/{0}/start", exec_id),
        headers={"Connection": "Upgrade", "Upgrade": "tcp"},
        data={"Tty": False, "Detach": False},
        stream=True,
    )
    try:
        api._raise_for_status(response)
        yield from read_frames(response.raw._fp.fp)
    finally:
        response.close()
