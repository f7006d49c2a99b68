"""The plugin's side of the data channel, spoken by hand (for resume and bad-input tests where
the real plugin cannot be made to misbehave on cue). Like the plugin, it tolerates a server that
closes first: an acknowledgement the closed socket cannot take is dropped, and the frames that
came before the close are still handled."""

import contextlib
import json
import time
import uuid

from harness.ws_client import Closed, WebSocketClient
from localstack_ssm_docker.ssm.sessions import codec
from localstack_ssm_docker.ssm.sessions.codec import Frame, MessageType, PayloadType

ANSWER_WITHIN = 60
"""Seconds a wait for the session's frames may take: a shell starting in a busy container, or
a long output acknowledged frame by frame, takes seconds on a loaded machine."""


class ProtocolClient:
    def __init__(self, stream_url: str, token: str):
        self.ws = WebSocketClient(stream_url)
        self.next_seq = 0
        self.expected = 0
        self.output = b""
        self.closed: dict | None = None
        self.handshake: dict | None = None
        self._ahead: dict[int, Frame] = {}
        self.ws.send(
            json.dumps(
                {
                    "MessageSchemaVersion": "1.0",
                    "RequestId": str(uuid.uuid4()),
                    "TokenValue": token,
                    "ClientId": str(uuid.uuid4()),
                    "ClientVersion": "1.2.0.0",
                }
            )
        )

    def send_input(self, payload: bytes, payload_type: int = PayloadType.OUTPUT) -> None:
        frame = Frame(MessageType.INPUT_STREAM_DATA, self.next_seq, payload_type, payload)
        self.next_seq += 1
        self.ws.send(codec.encode(frame))

    def _handle(self, data: bytes) -> None:
        frame = codec.decode(data)
        if frame.message_type == MessageType.CHANNEL_CLOSED:
            self.closed = json.loads(frame.payload)
            return
        if frame.message_type != MessageType.OUTPUT_STREAM_DATA:
            return
        with contextlib.suppress(Closed):  # as the plugin: the output counts, the ack is lost
            self.ws.send(codec.encode(codec.acknowledge(frame)))
        if frame.sequence_number > self.expected:
            self._ahead[frame.sequence_number] = frame  # as the plugin does: kept for later
            return
        if frame.sequence_number < self.expected:
            return  # a resend already seen
        self._deliver(frame)
        while (ahead := self._ahead.pop(self.expected, None)) is not None:
            self._deliver(ahead)

    def _deliver(self, frame: Frame) -> None:
        self.expected += 1
        if frame.payload_type == PayloadType.HANDSHAKE_REQUEST:
            self.handshake = json.loads(frame.payload)
            response = {"ClientVersion": "1.2.0.0", "ProcessedClientActions": [], "Errors": []}
            self.send_input(json.dumps(response).encode(), PayloadType.HANDSHAKE_RESPONSE)
        elif frame.payload_type == PayloadType.OUTPUT:
            self.output += frame.payload

    def read_until(self, predicate, timeout: float = ANSWER_WITHIN) -> None:
        """Handles frames until `predicate(self)` holds; AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"not reached in {timeout} s; output: {self.output[-500:]!r}")
            try:
                data = self.ws.receive(remaining)
            except TimeoutError:
                continue
            if isinstance(data, bytes):
                self._handle(data)

    def wait_output(self, text: bytes, timeout: float = ANSWER_WITHIN) -> None:
        self.read_until(lambda c: text in c.output, timeout)
