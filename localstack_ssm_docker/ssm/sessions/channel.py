"""The agent's half of one data channel: sequence numbers, acknowledgements, reordering, resends
and the handshake, without any socket.

Why each rule exists (from the plugin's source):
- the plugin resends every ``input_stream_data`` frame until it is acknowledged and gives up on
  the session after its retries, so every one is acknowledged as it arrives (duplicates too);
- it numbers its frames from 0 and may deliver them out of order after a reconnect, so frames
  ahead of the expected number wait in a buffer and are delivered in order;
- it drops (without acknowledging) output that arrives before its session handler is ready, so
  our unacknowledged output is sent again after a short while, as the agent does;
- an ``acknowledge`` frame is never acknowledged;
- a TerminateSession flag is delivered whatever its sequence number: the plugin numbers input
  without a lock between its goroutines (the Ctrl-C handler and the data reader read and bump
  one counter), then exits at once, so the flag can share a number with a data frame (and look
  like a resend) or come ahead of a number it never sends;
- the plugin handles output frames one at a time and acknowledges each once its handler took
  it, so unacknowledged output is what the client has not consumed yet: output waits while a
  window of it is unacknowledged (the bridge then stops reading the instance, and TCP or the
  process's pipe pushes back), and no frame carries more than a bounded payload, as the agent's
  do (which keeps every buffer of the path small: copies of small objects are cheap, hashing is
  the same per byte).
"""

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from localstack_ssm_docker.ssm.sessions import codec
from localstack_ssm_docker.ssm.sessions.codec import Flag, Frame, MessageType, PayloadType

AGENT_VERSION = "3.3.0.0"
"""Above 3.0.196.0 (port sessions multiplex with smux) and 3.1.1511.0 (smux keep-alive off)."""
BUFFER_CAPACITY = 10000
"""Frames kept ahead of order or unacknowledged, as the plugin's own buffers."""
RESEND_AFTER_SECONDS = 0.5
MAX_FRAME_PAYLOAD = 65536
"""Longer output goes out as several frames."""
WINDOW_BYTES = 4 * 1024 * 1024
"""Unacknowledged output payload beyond which output waits for acknowledgements."""
LOG = logging.getLogger(__name__)


_NOW = float("-inf")
"""The send time of frames that go again at the next tick (after a reconnect)."""
_HANDSHAKE = frozenset({PayloadType.HANDSHAKE_REQUEST, PayloadType.HANDSHAKE_COMPLETE})


class DataChannel:
    """Frames in and out of one session; `send` writes one binary WebSocket message."""

    def __init__(
        self,
        send: Callable[[bytes], None],
        clock: Callable[[], float] = time.monotonic,
        resend_after: float = RESEND_AFTER_SECONDS,
        window: int = WINDOW_BYTES,
    ):
        self._send = send
        self._clock = clock
        self._resend_after = resend_after
        self._window = window
        self._lock = threading.RLock()  # the handshake's completion sends under it
        self._acknowledged = threading.Condition(self._lock)
        self._released = False
        self._next_out = 0
        self._expected_in = 0
        self._ahead: dict[int, Frame] = {}
        self._unacked: OrderedDict[int, tuple[bytes, float]] = OrderedDict()
        self._unacked_bytes = 0
        self._no_timer_resend: set[int] = set()
        self._handshake_started_at: float | None = None
        self._handshake_complete = False

    @property
    def handshake_complete(self) -> bool:
        """Whether the client answered the handshake (the HandshakeComplete frame is sent)."""
        with self._lock:
            return self._handshake_complete

    def rebind(self, send: Callable[[bytes], None]) -> None:
        """A resumed session's new socket: numbering goes on, unacknowledged output goes again."""
        with self._lock:
            self._send = send
            self._unacked = OrderedDict(
                (seq, (data, _NOW)) for seq, (data, _) in self._unacked.items()
            )

    # output
    def send_output(self, payload: bytes, payload_type: int = PayloadType.OUTPUT) -> None:
        """Sends `payload` in numbered output_stream_data frames of at most MAX_FRAME_PAYLOAD
        bytes, each kept until it is acknowledged. Waits first while a window of output is
        unacknowledged (never for the handshake, nor once the channel is released)."""
        if len(payload) <= MAX_FRAME_PAYLOAD:
            self._send_frame(payload, payload_type)
            return
        view = memoryview(payload)
        for start in range(0, len(payload), MAX_FRAME_PAYLOAD):
            self._send_frame(bytes(view[start : start + MAX_FRAME_PAYLOAD]), payload_type)

    def _send_frame(self, payload: bytes, payload_type: int) -> None:
        handshake = payload_type in _HANDSHAKE
        with self._lock:
            while not handshake and not self._released and self._unacked_bytes >= self._window:
                self._acknowledged.wait()
            frame = Frame(
                MessageType.OUTPUT_STREAM_DATA,
                sequence_number=self._next_out,
                payload_type=payload_type,
                payload=payload,
            )
            data = codec.encode(frame)
            self._unacked[self._next_out] = (data, self._clock())
            self._unacked_bytes += len(data)
            if handshake:
                self._no_timer_resend.add(self._next_out)
            if len(self._unacked) > BUFFER_CAPACITY:
                dropped, (gone, _) = self._unacked.popitem(last=False)
                self._unacked_bytes -= len(gone)
                self._no_timer_resend.discard(dropped)
            self._next_out += 1
            self._send(data)

    def release(self) -> None:
        """Output no longer waits for acknowledgements (the session is ending: what its bridge
        still produces goes out at once, and nothing stays blocked on a client that is gone)."""
        with self._lock:
            self._released = True
            self._acknowledged.notify_all()

    def start_handshake(self, session_type: str, properties: dict) -> None:
        """The agent's first frame: what kind of session this is, and its properties."""
        request = {
            "AgentVersion": AGENT_VERSION,
            "RequestedClientActions": [
                {
                    "ActionType": "SessionType",
                    "ActionParameters": {"SessionType": session_type, "Properties": properties},
                }
            ],
        }
        with self._lock:
            self._handshake_started_at = self._clock()
            self.send_output(json.dumps(request).encode(), PayloadType.HANDSHAKE_REQUEST)

    def send_closed(self, session_id: str, target: str, output: str = "") -> None:
        with self._lock:
            self._send(codec.encode(codec.channel_closed(session_id, target, output)))

    def resend_due(self) -> int:
        """Sends again the oldest unacknowledged frame once it waited the resend delay (the
        plugin drops only frames that come before it is ready, and acknowledges the later ones
        it buffers), and everything unacknowledged after a reconnect; how many frames."""
        now = self._clock()
        with self._lock:
            due = [(seq, data) for seq, (data, sent) in self._unacked.items() if sent == _NOW]
            oldest = next(iter(self._unacked.items()), None)
            if not due and oldest is not None:
                seq, (data, sent) = oldest
                if now - sent >= self._resend_after and seq not in self._no_timer_resend:
                    due = [(seq, data)]
            for seq, data in due:
                self._unacked[seq] = (data, now)
                self._send(data)
            if due:
                LOG.debug("resent %d unacknowledged frames from %d", len(due), due[0][0])
        return len(due)

    @property
    def unacknowledged(self) -> int:
        with self._lock:
            return len(self._unacked)

    # input
    def receive(self, data: bytes) -> list[Frame]:
        """The client's input frames that are now due, in sequence order; answers the rest
        (acknowledgements, the handshake) itself. FrameError for a frame that does not parse."""
        frame = codec.decode(data)
        if frame.message_type == MessageType.ACKNOWLEDGE:
            sequence = codec.acknowledged_sequence(frame)
            with self._lock:
                acknowledged = self._unacked.pop(sequence, None)
                self._no_timer_resend.discard(sequence)
                if acknowledged is not None:
                    self._unacked_bytes -= len(acknowledged[0])
                    self._acknowledged.notify_all()
            return []
        if frame.message_type != MessageType.INPUT_STREAM_DATA:
            return []  # start/pause_publication, channel_closed, unknown: nothing to do
        with self._lock:
            if _terminates(frame) and frame.sequence_number != self._expected_in:
                self._send(codec.encode(codec.acknowledge(frame)))
                return [frame]
            if frame.sequence_number > self._expected_in:
                if len(self._ahead) >= BUFFER_CAPACITY:
                    return []  # not acknowledged: the client sends it again later
                self._ahead[frame.sequence_number] = frame
            self._send(codec.encode(codec.acknowledge(frame)))
            if frame.sequence_number < self._expected_in:
                return []  # a resend of what was delivered already
            due: list[Frame] = []
            if frame.sequence_number == self._expected_in:
                due.append(frame)
                self._expected_in += 1
            while (buffered := self._ahead.pop(self._expected_in, None)) is not None:
                due.append(buffered)
                self._expected_in += 1
        delivered = []
        for item in due:
            if item.payload_type == PayloadType.HANDSHAKE_RESPONSE:
                self._complete_handshake()
            else:
                delivered.append(item)
        return delivered

    def _complete_handshake(self) -> None:
        """Sends HandshakeComplete once; it is numbered before any output of the bridge, which
        starts once `handshake_complete` holds."""
        with self._lock:
            if self._handshake_complete:
                return
            started = self._handshake_started_at or self._clock()
            complete = {
                "HandshakeTimeToComplete": int((self._clock() - started) * 1e9),
                "CustomerMessage": "",
            }
            self.send_output(json.dumps(complete).encode(), PayloadType.HANDSHAKE_COMPLETE)
            self._handshake_complete = True


def _terminates(frame: Frame) -> bool:
    """The client's TerminateSession flag (see the module docstring)."""
    return (
        frame.payload_type == PayloadType.FLAG
        and codec.flag_of(frame.payload) == Flag.TERMINATE_SESSION
    )
