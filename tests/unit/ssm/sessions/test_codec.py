import hashlib
import json
import struct
import uuid

import pytest

from localstack_ssm_docker.ssm.sessions import codec
from localstack_ssm_docker.ssm.sessions.codec import Frame, FrameError, MessageType, PayloadType


def test_round_trip_keeps_every_field():
    frame = Frame(
        MessageType.INPUT_STREAM_DATA,
        sequence_number=42,
        payload_type=PayloadType.SIZE,
        payload=b'{"cols":80,"rows":24}',
        flags=1,
        message_id=uuid.UUID("11223344-5566-7788-99aa-bbccddeeff00"),
        created_ms=1_700_000_000_000,
    )
    assert codec.decode(codec.encode(frame)) == frame


def test_header_layout_is_the_plugins():
    message_id = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    data = codec.encode(
        Frame("output_stream_data", 7, PayloadType.OUTPUT, b"hi", 0, message_id, 123)
    )
    assert len(data) == 122
    assert struct.unpack(">I", data[:4])[0] == 116
    assert data[4:36] == b"output_stream_data".ljust(32, b" ")
    assert struct.unpack(">I", data[36:40])[0] == 1
    assert struct.unpack(">Q", data[40:48])[0] == 123
    assert struct.unpack(">q", data[48:56])[0] == 7
    # the UUID's low 8 bytes come first
    assert data[64:80] == bytes.fromhex("8899aabbccddeeff0011223344556677")
    assert data[80:112] == hashlib.sha256(b"hi").digest()
    assert struct.unpack(">II", data[112:120]) == (1, 2)
    assert data[120:] == b"hi"


def test_wrong_digest_is_refused():
    data = bytearray(codec.encode(Frame(MessageType.INPUT_STREAM_DATA, payload=b"abc")))
    data[-1] ^= 0xFF
    with pytest.raises(FrameError, match="digest"):
        codec.decode(bytes(data))


@pytest.mark.parametrize(
    "data",
    [b"", b"x" * 119, b"\x00" * 120, b"garbage" * 40],
    ids=["empty", "short", "zero-header", "garbage"],
)
def test_garbage_is_refused(data):
    with pytest.raises(FrameError):
        codec.decode(data)


def test_payload_length_must_match():
    data = codec.encode(Frame(MessageType.INPUT_STREAM_DATA, payload=b"abcd"))
    with pytest.raises(FrameError, match="PayloadLength"):
        codec.decode(data[:-1])
    with pytest.raises(FrameError, match="PayloadLength"):
        codec.decode(data + b"x")


def test_acknowledge_names_the_frame():
    frame = Frame(MessageType.INPUT_STREAM_DATA, sequence_number=5, payload=b"x")
    ack = codec.decode(codec.encode(codec.acknowledge(frame)))
    content = json.loads(ack.payload)
    assert ack.message_type == "acknowledge"
    assert content == {
        "AcknowledgedMessageType": "input_stream_data",
        "AcknowledgedMessageId": str(frame.message_id),
        "AcknowledgedMessageSequenceNumber": 5,
        "IsSequentialMessage": True,
    }
    assert codec.acknowledged_sequence(ack) == 5


def test_acknowledge_without_sequence_is_garbage():
    with pytest.raises(FrameError):
        codec.acknowledged_sequence(Frame(MessageType.ACKNOWLEDGE, payload=b"{}"))


def test_channel_closed_carries_the_session():
    frame = codec.decode(codec.encode(codec.channel_closed("s-1", "i-1", "bye")))
    content = json.loads(frame.payload)
    assert frame.message_type == "channel_closed"
    assert (content["SessionId"], content["DestinationId"], content["Output"]) == (
        "s-1",
        "i-1",
        "bye",
    )


def test_flags_are_big_endian_u32():
    assert codec.flag_payload(codec.Flag.CONNECT_TO_PORT_ERROR) == b"\x00\x00\x00\x03"
    assert codec.flag_of(b"\x00\x00\x00\x02") == codec.Flag.TERMINATE_SESSION
    assert codec.flag_of(b"\x02") is None
