import io
import struct

from localstack_ssm_docker.engine.docker.exec_stream import STDERR, STDOUT, read_frames


def frame(stream_id: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream_id, len(payload)) + payload


def test_frames_are_read_in_order_until_the_end():
    data = frame(STDOUT, b"out\n") + frame(STDERR, b"err\n") + frame(STDOUT, b"")
    data += frame(STDOUT, b"x" * 70000)
    frames = list(read_frames(io.BufferedReader(io.BytesIO(data), buffer_size=8192)))
    assert frames == [(STDOUT, b"out\n"), (STDERR, b"err\n"), (STDOUT, b""), (STDOUT, b"x" * 70000)]


def test_bytes_already_buffered_by_the_reader_are_not_lost():
    reader = io.BufferedReader(
        io.BytesIO(b"HTTP/1.1 101 UPGRADED\r\n\r\n" + frame(STDOUT, b"hi\n"))
    )
    assert reader.readline() == b"HTTP/1.1 101 UPGRADED\r\n"  # as http.client reads headers
    assert reader.readline() == b"\r\n"
    assert list(read_frames(reader)) == [(STDOUT, b"hi\n")]


def test_a_cut_header_ends_the_stream():
    assert list(read_frames(io.BytesIO(frame(STDOUT, b"a") + b"\x01\x00"))) == [(STDOUT, b"a")]
