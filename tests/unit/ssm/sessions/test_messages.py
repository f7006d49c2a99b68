import pytest
from localstack.http.websocket import WebSocketDisconnectedError
from wsproto.events import BytesMessage, CloseConnection, TextMessage

from localstack_ssm_docker.ssm.sessions.messages import MessageReader

NOTHING = object()
"""No event within the read's timeout."""


def _reader(*events) -> MessageReader:
    script = list(events)

    def next_event(timeout: float) -> object:
        event = script.pop(0) if script else NOTHING
        if event is NOTHING:
            raise TimeoutError
        return event

    return MessageReader(next_event)


def test_a_message_in_fragments_is_read_whole():
    reader = _reader(
        BytesMessage(b"ab", frame_finished=True, message_finished=False),
        BytesMessage(b"cd", frame_finished=False, message_finished=False),
        BytesMessage(b"ef", message_finished=True),
        TextMessage("hello"),
    )
    assert reader.next(10) == b"abcdef"
    assert reader.next(10) == "hello"


def test_a_message_whose_rest_is_late_is_kept_for_the_next_read():
    reader = _reader(
        BytesMessage(b"ab", message_finished=False), NOTHING, BytesMessage(b"cd"), NOTHING
    )
    assert reader.next(10) is None
    assert reader.next(10) == b"abcd"
    assert reader.next(10) is None


def test_the_clients_close_ends_reading():
    reader = _reader(CloseConnection(1000))
    with pytest.raises(WebSocketDisconnectedError):
        reader.next(10)
