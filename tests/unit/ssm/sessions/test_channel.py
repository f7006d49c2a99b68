import json
import threading

import pytest

from localstack_ssm_docker.ssm.sessions import codec
from localstack_ssm_docker.ssm.sessions.channel import MAX_FRAME_PAYLOAD, DataChannel
from localstack_ssm_docker.ssm.sessions.codec import Frame, MessageType, PayloadType


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def sent():
    return []


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def channel(sent, clock):
    return DataChannel(lambda data: sent.append(codec.decode(data)), clock=clock, resend_after=1)


def _input(seq, payload=b"x", payload_type=PayloadType.OUTPUT):
    return codec.encode(Frame(MessageType.INPUT_STREAM_DATA, seq, payload_type, payload))


def _acks(sent):
    return [codec.acknowledged_sequence(f) for f in sent if f.message_type == "acknowledge"]


def test_handshake_request_then_complete_after_response(channel, sent):
    channel.start_handshake("Port", {"portNumber": "80", "type": "LocalPortForwarding"})
    request = sent[0]
    assert (request.message_type, request.sequence_number) == ("output_stream_data", 0)
    assert request.payload_type == PayloadType.HANDSHAKE_REQUEST
    body = json.loads(request.payload)
    assert body["AgentVersion"] > "3.0.196.0"
    action = body["RequestedClientActions"][0]
    assert action["ActionParameters"]["SessionType"] == "Port"
    assert not channel.handshake_complete

    delivered = channel.receive(_input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
    assert delivered == []
    assert channel.handshake_complete
    complete = sent[-1]
    assert (complete.payload_type, complete.sequence_number) == (PayloadType.HANDSHAKE_COMPLETE, 1)
    assert _acks(sent) == [0]


def test_every_input_is_acknowledged_and_delivered_in_order(channel, sent):
    assert [f.payload for f in channel.receive(_input(0, b"a"))] == [b"a"]
    assert channel.receive(_input(2, b"c")) == []
    assert channel.receive(_input(3, b"d")) == []
    assert [f.payload for f in channel.receive(_input(1, b"b"))] == [b"b", b"c", b"d"]
    assert channel.receive(_input(1, b"b")) == []  # a resend: acknowledged again, not delivered
    assert _acks(sent) == [0, 2, 3, 1, 1]


def test_acknowledge_frames_are_not_acknowledged_and_stop_resends(channel, sent, clock):
    channel.send_output(b"out")
    assert channel.unacknowledged == 1
    channel.receive(codec.encode(codec.acknowledge(sent[0])))
    assert channel.unacknowledged == 0
    assert len(sent) == 1
    clock.now = 10
    assert channel.resend_due() == 0


def test_unacknowledged_output_is_sent_again(channel, sent, clock):
    channel.send_output(b"one")
    channel.send_output(b"two")
    clock.now = 0.5
    assert channel.resend_due() == 0
    clock.now = 1.5
    assert channel.resend_due() == 1  # the oldest: the plugin acknowledges those it buffers
    assert [(f.sequence_number, f.payload) for f in sent[2:]] == [(0, b"one")]
    channel.receive(codec.encode(codec.acknowledge(sent[0])))
    assert channel.resend_due() == 1
    assert sent[-1].payload == b"two"


def test_rebind_resends_at_once_on_the_new_socket(channel, sent):
    channel.send_output(b"kept")
    channel.send_output(b"also")
    other = []
    channel.rebind(lambda data: other.append(codec.decode(data)))
    assert channel.resend_due() == 2
    assert [f.payload for f in other] == [b"kept", b"also"]


def test_publication_and_unknown_types_are_ignored(channel, sent):
    for kind in ("start_publication", "pause_publication", "mystery"):
        assert channel.receive(codec.encode(Frame(kind, payload=b"?"))) == []
    assert sent == []


def test_garbage_raises(channel):
    with pytest.raises(codec.FrameError):
        channel.receive(b"nonsense")


def test_handshake_frames_are_resent_only_after_a_reconnect(channel, sent, clock):
    channel.start_handshake("Standard_Stream", {})
    clock.now = 5
    assert channel.resend_due() == 0
    other = []
    channel.rebind(lambda data: other.append(codec.decode(data)))
    assert channel.resend_due() == 1
    assert other[0].payload_type == PayloadType.HANDSHAKE_REQUEST


def test_output_longer_than_a_frame_carries_goes_in_bounded_frames_in_order(channel, sent):
    payload = bytes(range(256)) * 1000  # 256,000 bytes
    channel.send_output(payload)
    assert all(len(f.payload) <= MAX_FRAME_PAYLOAD for f in sent)
    assert [f.sequence_number for f in sent] == list(range(len(sent)))
    assert b"".join(f.payload for f in sent) == payload
    assert len(sent) == -(-len(payload) // MAX_FRAME_PAYLOAD)


def _sender(channel, payload):
    thread = threading.Thread(target=channel.send_output, args=(payload,), daemon=True)
    thread.start()
    return thread


def test_output_waits_while_a_window_is_unacknowledged_and_goes_on_acknowledgement(sent, clock):
    channel = DataChannel(lambda data: sent.append(codec.decode(data)), clock=clock, window=300)
    channel.send_output(b"a" * 100)
    channel.send_output(b"b" * 100)  # 2 x 220 bytes on the wire: the window is full
    waiting = _sender(channel, b"c")
    waiting.join(0.2)
    assert waiting.is_alive()
    assert [f.payload[:1] for f in sent] == [b"a", b"b"]
    channel.receive(codec.encode(codec.acknowledge(sent[0])))
    waiting.join(5)
    assert not waiting.is_alive()
    assert [f.payload[:1] for f in sent] == [b"a", b"b", b"c"]
    assert [f.sequence_number for f in sent] == [0, 1, 2]


def test_a_released_channel_sends_without_waiting(sent, clock):
    channel = DataChannel(lambda data: sent.append(codec.decode(data)), clock=clock, window=100)
    channel.send_output(b"first")
    waiting = _sender(channel, b"second")
    waiting.join(0.2)
    assert waiting.is_alive()
    channel.release()
    waiting.join(5)
    assert not waiting.is_alive()
    channel.send_output(b"third")
    assert [f.payload for f in sent] == [b"first", b"second", b"third"]


def test_the_handshake_is_not_held_back_by_unacknowledged_output(sent, clock):
    channel = DataChannel(lambda data: sent.append(codec.decode(data)), clock=clock, window=1)
    channel.start_handshake("Standard_Stream", {})
    channel.receive(_input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
    assert channel.handshake_complete
    assert [f.payload_type for f in sent if f.message_type == "output_stream_data"] == [
        PayloadType.HANDSHAKE_REQUEST,
        PayloadType.HANDSHAKE_COMPLETE,
    ]


def _terminate(seq):
    return _input(seq, codec.flag_payload(codec.Flag.TERMINATE_SESSION), PayloadType.FLAG)


@pytest.mark.parametrize("number", [0, 1, 3], ids=["a-delivered-number", "its-own", "past-a-gap"])
def test_a_terminate_flag_is_delivered_whatever_its_number(channel, sent, number):
    """The plugin can number its Ctrl-C flag like a data frame sent at the same moment, or
    past one it never sends, before it exits: the flag still ends the session."""
    assert [f.payload for f in channel.receive(_input(0, b"a"))] == [b"a"]
    delivered = channel.receive(_terminate(number))
    assert [codec.flag_of(f.payload) for f in delivered] == [codec.Flag.TERMINATE_SESSION]
    assert _acks(sent) == [0, number]
