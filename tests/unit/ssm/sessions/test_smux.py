import pytest

from localstack_ssm_docker.ssm.sessions import smux
from localstack_ssm_docker.ssm.sessions.smux import Cmd, SmuxError, SmuxFrame


def test_header_is_little_endian():
    assert smux.encode(Cmd.PSH, 3, b"ab") == b"\x01\x02\x02\x00\x03\x00\x00\x00ab"


def test_frames_split_anywhere_are_reassembled():
    data = smux.encode(Cmd.SYN, 1) + smux.encode(Cmd.PSH, 1, b"hello") + smux.encode(Cmd.FIN, 1)
    decoder = smux.Decoder()
    frames = []
    for i in range(len(data)):
        frames += decoder.feed(data[i : i + 1])
    assert frames == [SmuxFrame(Cmd.SYN, 1), SmuxFrame(Cmd.PSH, 1, b"hello"), SmuxFrame(Cmd.FIN, 1)]


def test_long_data_is_cut_into_frames():
    data = bytes(range(256)) * 300
    frames = smux.Decoder().feed(smux.encode(Cmd.PSH, 5, data))
    assert all(len(f.data) <= smux.MAX_FRAME_DATA for f in frames)
    assert b"".join(f.data for f in frames) == data
    assert {f.stream_id for f in frames} == {5}


@pytest.mark.parametrize(
    "data", [b"\x02\x00\x00\x00\x01\x00\x00\x00", b"\x01\x09\x00\x00\x01\x00\x00\x00"]
)
def test_bad_version_or_command_is_refused(data):
    with pytest.raises(SmuxError):
        smux.Decoder().feed(data)
