"""smux v1 (github.com/xtaci/smux) frames, the server side of the plugin's port forwarding.

With an agent newer than 3.0.196.0 the plugin multiplexes every local TCP connection of a
``LocalPortForwarding`` session over one data channel with smux v1; this module turns the byte
stream the channel carries into frames and back. Pure: no sockets.

Frame: version (1) | cmd (1) | length (2, little-endian) | stream id (4, little-endian) | data.
"""

import enum
import struct
from dataclasses import dataclass

VERSION = 1
HEADER = struct.Struct("<BBHI")
MAX_FRAME_DATA = 32768
"""smux's default MaxFrameSize: data is cut into frames no longer than this."""
MAX_BUFFERED = 1 << 20
"""A partial frame never needs more than a header and 64 KiB; more unparsed input is garbage."""


class Cmd(enum.IntEnum):
    SYN = 0
    FIN = 1
    PSH = 2
    NOP = 3


class SmuxError(ValueError):
    """Bytes that are not smux v1."""


@dataclass(frozen=True)
class SmuxFrame:
    cmd: Cmd
    stream_id: int
    data: bytes = b""


def encode(cmd: Cmd, stream_id: int, data: bytes = b"") -> bytes:
    """One frame, or several PSH frames when `data` is longer than a frame carries."""
    if len(data) <= MAX_FRAME_DATA:
        return HEADER.pack(VERSION, cmd, len(data), stream_id) + data
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    for start in range(0, len(data), MAX_FRAME_DATA):
        piece = view[start : start + MAX_FRAME_DATA]
        parts += (HEADER.pack(VERSION, cmd, len(piece), stream_id), piece)
    return b"".join(parts)


class Decoder:
    """Frames out of a byte stream that arrives in arbitrary pieces."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[SmuxFrame]:
        """The whole frames the buffered bytes now hold; SmuxError on a bad version or command."""
        self._buffer += data
        frames: list[SmuxFrame] = []
        while len(self._buffer) >= HEADER.size:
            version, cmd, length, stream_id = HEADER.unpack_from(self._buffer)
            if version != VERSION:
                raise SmuxError(f"smux version {version}, expected {VERSION}")
            if cmd not in Cmd._value2member_map_:
                raise SmuxError(f"unknown smux command {cmd}")
            end = HEADER.size + length
            if len(self._buffer) < end:
                break
            frames.append(SmuxFrame(Cmd(cmd), stream_id, bytes(self._buffer[HEADER.size : end])))
            del self._buffer[:end]
        if len(self._buffer) > MAX_BUFFERED:
            raise SmuxError("unparsed smux input exceeds any frame")
        return frames
