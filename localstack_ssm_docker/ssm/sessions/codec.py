"""The Session Manager data channel's wire format, as AWS's session-manager-plugin speaks it.

Pure bytes in, values out: the channel state machine and the tests use it without a socket.
Every binary frame is a 120-byte big-endian header and a payload:

    HeaderLength u32 (=116: the offset of PayloadLength) | MessageType 32 bytes, space padded |
    SchemaVersion u32 | CreatedDate u64 (ms) | SequenceNumber i64 | Flags u64 |
    MessageId 16 bytes (a UUID, its low 8 bytes first) | SHA-256 of the payload (32 bytes) |
    PayloadType u32 | PayloadLength u32 | payload

A frame that does not parse, or whose digest is wrong, raises FrameError: the channel answers it by
closing, never by crashing.
"""

import enum
import hashlib
import json
import struct
import time
import uuid
from dataclasses import dataclass, field

HEADER_LENGTH = 116
"""What the HeaderLength field holds: the offset of PayloadLength (the plugin's convention)."""
HEADER_SIZE = 120
_TYPE_SIZE = 32
_HEADER = struct.Struct(">I32sIQqQ16s32sII")
MAX_PAYLOAD = 1024 * 1024
"""No frame of the protocol carries more; a longer claim is garbage."""


class MessageType(enum.StrEnum):
    INPUT_STREAM_DATA = "input_stream_data"
    OUTPUT_STREAM_DATA = "output_stream_data"
    ACKNOWLEDGE = "acknowledge"
    CHANNEL_CLOSED = "channel_closed"
    START_PUBLICATION = "start_publication"
    PAUSE_PUBLICATION = "pause_publication"


class PayloadType(enum.IntEnum):
    NONE = 0
    OUTPUT = 1
    ERROR = 2
    SIZE = 3
    PARAMETER = 4
    HANDSHAKE_REQUEST = 5
    HANDSHAKE_RESPONSE = 6
    HANDSHAKE_COMPLETE = 7
    ENC_CHALLENGE_REQUEST = 8
    ENC_CHALLENGE_RESPONSE = 9
    FLAG = 10
    STDERR = 11
    EXIT_CODE = 12


class Flag(enum.IntEnum):
    """Values of a Flag payload (4 bytes, big-endian)."""

    DISCONNECT_TO_PORT = 1
    TERMINATE_SESSION = 2
    CONNECT_TO_PORT_ERROR = 3


class FrameError(ValueError):
    """A frame that is not one of the protocol's."""


@dataclass(frozen=True)
class Frame:
    """One data channel message."""

    message_type: str
    sequence_number: int = 0
    payload_type: int = PayloadType.NONE
    payload: bytes = b""
    flags: int = 0
    message_id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    schema_version: int = 1


def _uuid_bytes(value: uuid.UUID) -> bytes:
    raw = value.bytes
    return raw[8:] + raw[:8]


def _uuid_from(raw: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=raw[8:] + raw[:8])


def encode(frame: Frame) -> bytes:
    """The frame's bytes, digest computed."""
    kind = frame.message_type.encode("ascii")
    if len(kind) > _TYPE_SIZE:
        raise FrameError(f"message type {frame.message_type!r} is longer than 32 bytes")
    header = _HEADER.pack(
        HEADER_LENGTH,
        kind.ljust(_TYPE_SIZE, b" "),
        frame.schema_version,
        frame.created_ms,
        frame.sequence_number,
        frame.flags,
        _uuid_bytes(frame.message_id),
        hashlib.sha256(frame.payload).digest(),
        int(frame.payload_type),
        len(frame.payload),
    )
    return header + frame.payload


def decode(data: bytes) -> Frame:
    """The frame in `data`; FrameError when it is short, inconsistent or its digest is wrong."""
    if len(data) < HEADER_SIZE:
        raise FrameError(f"a frame is at least {HEADER_SIZE} bytes, got {len(data)}")
    (
        header_length,
        kind,
        schema_version,
        created_ms,
        sequence_number,
        flags,
        message_id,
        digest,
        payload_type,
        payload_length,
    ) = _HEADER.unpack_from(data)
    if header_length != HEADER_LENGTH:
        raise FrameError(f"HeaderLength {header_length}, expected {HEADER_LENGTH}")
    if payload_length > MAX_PAYLOAD or HEADER_SIZE + payload_length != len(data):
        raise FrameError(
            f"PayloadLength {payload_length} does not match the "
            f"{len(data) - HEADER_SIZE} bytes sent"
        )
    payload = data[HEADER_SIZE:]
    if hashlib.sha256(payload).digest() != digest:
        raise FrameError("payload digest does not match the payload")
    try:
        message_type = kind.strip(b" \x00").decode("ascii")
    except UnicodeDecodeError as e:
        raise FrameError("MessageType is not ASCII") from e
    return Frame(
        message_type=message_type,
        sequence_number=sequence_number,
        payload_type=payload_type,
        payload=payload,
        flags=flags,
        message_id=_uuid_from(message_id),
        created_ms=created_ms,
        schema_version=schema_version,
    )


def acknowledge(frame: Frame) -> Frame:
    """The acknowledge frame for a received stream data frame."""
    content = {
        "AcknowledgedMessageType": frame.message_type,
        "AcknowledgedMessageId": str(frame.message_id),
        "AcknowledgedMessageSequenceNumber": frame.sequence_number,
        "IsSequentialMessage": True,
    }
    return Frame(MessageType.ACKNOWLEDGE, flags=3, payload=json.dumps(content).encode())


def acknowledged_sequence(frame: Frame) -> int:
    """The sequence number an acknowledge frame acknowledges; FrameError when it names none."""
    try:
        content = json.loads(frame.payload)
        return int(content["AcknowledgedMessageSequenceNumber"])
    except (ValueError, TypeError, KeyError) as e:
        raise FrameError("acknowledge frame without a sequence number") from e


def channel_closed(session_id: str, target: str, output: str = "") -> Frame:
    """The frame that ends the session on the client (it prints `output`, or that it exits)."""
    message_id = uuid.uuid4()
    created = int(time.time() * 1000)
    content = {
        "MessageId": str(message_id),
        "CreatedDate": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(created / 1000)),
        "DestinationId": target,
        "SessionId": session_id,
        "MessageType": MessageType.CHANNEL_CLOSED.value,
        "SchemaVersion": 1,
        "Output": output,
    }
    return Frame(
        MessageType.CHANNEL_CLOSED,
        flags=3,
        message_id=message_id,
        created_ms=created,
        payload=json.dumps(content).encode(),
    )


def flag_payload(flag: Flag) -> bytes:
    return struct.pack(">I", int(flag))


def flag_of(payload: bytes) -> int | None:
    """The flag a Flag payload carries, or None when it is not 4 bytes."""
    return struct.unpack(">I", payload)[0] if len(payload) == 4 else None
