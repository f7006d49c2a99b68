"""Live sessions: their tokens, data channel, bridge into the instance, and how they end.

One SessionManager per LocalStack process holds every live session; the SSM API starts and
terminates sessions through it and the WebSocket endpoint attaches client connections to them.
A session ends exactly once (whatever asks first: the client, TerminateSession, the process in
the container, the instance stopping, LocalStack stopping), and ending it closes the bridge (no
process left in the container), tells the client (channel_closed) and records the end.
"""

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from localstack.aws.api.ssm import SessionStatus

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import SessionEngine
from localstack_ssm_docker.ssm.sessions import transcripts
from localstack_ssm_docker.ssm.sessions.bridges import Bridge, bridge_for
from localstack_ssm_docker.ssm.sessions.channel import DataChannel
from localstack_ssm_docker.ssm.sessions.codec import Flag, Frame, PayloadType, flag_of
from localstack_ssm_docker.ssm.sessions.limits import expired, limits_from
from localstack_ssm_docker.ssm.sessions.models import SessionRecord, session_stores
from localstack_ssm_docker.ssm.sessions.session_parameters import PORT, SessionPlan
from localstack_ssm_docker.ssm.sessions.transcripts import Transcript

LOG = logging.getLogger(__name__)

RESUME_GRACE_SECONDS = 60.0
"""How long a session whose socket dropped waits for ResumeSession before it ends."""
WATCH_INTERVAL_SECONDS = 1.0
DRAIN_SECONDS = 3.0
"""How long an ending session waits for the client to acknowledge its last output."""


CloseSocket = Callable[[int, str | None], None]
"""Closes the client's WebSocket with a close code and reason."""
NORMAL_CLOSURE = 1000


class LiveSession:
    """One live session. Its changing state (connection, channel, bridge, whether it is ending)
    changes only under its own lock, in its own methods; its record (what DescribeSessions
    shows) is immutable and swapped in atomically, so a session that ended stays ended."""

    def __init__(
        self,
        account_id: str,
        region: str,
        record: SessionRecord,
        container_id: str,
        plan: SessionPlan,
    ):
        self.account_id = account_id
        self.region = region
        self.session_id = record.session_id
        self.target = record.target
        self.container_id = container_id
        self.plan = plan
        self.started = time.monotonic()
        self.last_input = self.started
        self.ended = threading.Event()
        """Set once the session's end no longer waits for the client (its last output sent)."""
        self.input_lock = threading.Lock()
        """Held while one message of the client is received and delivered, so that input
        reaches the bridge in sequence order even while an old and a new connection overlap."""
        self._lock = threading.Lock()
        self._record = record
        self._channel: DataChannel | None = None
        self._bridge: Bridge | None = None
        self._transcript: Transcript | None = None
        self._close_socket: CloseSocket | None = None
        self._connection = 0
        self._ending = False

    @property
    def channel(self) -> DataChannel | None:
        with self._lock:
            return self._channel

    @property
    def bridge(self) -> Bridge | None:
        with self._lock:
            return self._bridge

    @property
    def transcript(self) -> Transcript | None:
        with self._lock:
            return self._transcript

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._close_socket is not None

    def bind(
        self, send: Callable[[bytes], None], close_socket: CloseSocket
    ) -> tuple[int, DataChannel, bool, CloseSocket | None]:
        """Makes a new client connection the session's: its number, the channel, whether it is
        the first connection, and the previous connection's close (to be called)."""
        with self._lock:
            previous = self._close_socket
            self._connection += 1
            self._close_socket = close_socket
            first = self._channel is None
            if self._channel is None:
                self._channel = DataChannel(send)
            else:
                self._channel.rebind(send)
            return self._connection, self._channel, first, previous

    def unbind(self, connection: int) -> bool:
        """The connection's socket dropped; False when a newer connection took over."""
        with self._lock:
            if self._connection != connection:
                return False
            self._close_socket = None
            return True

    def is_current(self, connection: int) -> bool:
        with self._lock:
            return self._connection == connection

    def install_bridge(self, make: Callable[[], Bridge], transcript: bool) -> Bridge | None:
        """The session's bridge, made once; None when it has one already or is ending."""
        with self._lock:
            if self._bridge is not None or self._ending:
                return None
            if transcript:
                self._transcript = Transcript()
            self._bridge = make()
            return self._bridge

    def set_status(self, status: str, connection: int) -> None:
        """Records the status while `connection` is the session's latest and it is not ending."""
        self._swap_record(
            lambda record: replace(record, status=status) if record.active else None,
            lambda: self._connection == connection and not self._ending,
        )

    def begin_end(self) -> tuple[Bridge | None, DataChannel | None] | None:
        """Marks the session as ending (Terminating: still active, its processes not yet
        killed); its bridge and channel. None when it is ending already."""
        with self._lock:
            if self._ending:
                return None
            self._ending = True
            bridge, channel = self._bridge, self._channel
        self._swap_record(
            lambda record: (
                replace(record, status=SessionStatus.Terminating) if record.active else None
            )
        )
        return bridge, channel

    def record_end(self, status: str, end_date: float, details: str) -> None:
        """Records the end, once the session's processes are gone: a client that sees the
        session ended (or the channel close) finds nothing of it left in the instance."""
        self._swap_record(
            lambda record: (
                replace(record, status=status, end_date=end_date, details=details)
                if record.active
                else None
            )
        )

    def finish(self) -> CloseSocket | None:
        """The end no longer waits for the client: the socket's close, to be called."""
        with self._lock:
            self.ended.set()
            return self._close_socket

    def _swap_record(
        self,
        change: Callable[[SessionRecord], SessionRecord | None],
        valid: Callable[[], bool] = lambda: True,
    ) -> None:
        """Swaps in `change(record)` unless the record changed meanwhile (then `change` sees
        the newer one) or `valid()` no longer holds; `change` returning None: nothing to do."""
        while True:
            with self._lock:
                current = self._record
            changed = change(current)
            if changed is None:
                return
            with self._lock:
                if not valid():
                    return
                if self._record is current:
                    self._record = changed
                    session_stores[self.account_id][self.region].sessions[self.session_id] = changed
                    return


class SessionManager:
    """Every live session of this LocalStack, by session id."""

    def __init__(
        self,
        engine: SessionEngine,
        clock: Callable[[], float] = time.time,
        resume_grace: float = RESUME_GRACE_SECONDS,
        drain_seconds: float = DRAIN_SECONDS,
    ):
        self._engine = engine
        self._clock = clock
        self.resume_grace = resume_grace
        self._drain_seconds = drain_seconds
        self._lock = threading.Lock()
        self._sessions: dict[str, LiveSession] = {}
        self._tokens: dict[str, str] = {}
        self._watcher: threading.Thread | None = None
        self._stopping = threading.Event()

    # API side
    def start(
        self,
        account_id: str,
        region: str,
        record: SessionRecord,
        container_id: str,
        plan: SessionPlan,
    ) -> str:
        """Registers a new session; its first token."""
        session_stores[account_id][region].sessions[record.session_id] = record
        live = LiveSession(account_id, region, record, container_id, plan)
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._sessions[record.session_id] = live
            self._tokens[token] = record.session_id
            if self._watcher is None or not self._watcher.is_alive():
                self._watcher = threading.Thread(
                    target=self._watch, name="ssm-session-watch", daemon=True
                )
                self._watcher.start()
        LOG.info(
            "SSM session %s started on %s (%s) by %s",
            record.session_id,
            record.target,
            record.document_name,
            record.owner,
        )
        return token

    def new_token(self, session_id: str) -> str | None:
        """A fresh token for a live session (ResumeSession); None once it has ended."""
        token = secrets.token_urlsafe(48)
        with self._lock:
            if session_id not in self._sessions:
                return None
            for old, owner in list(self._tokens.items()):
                if owner == session_id:
                    del self._tokens[old]
            self._tokens[token] = session_id
        return token

    def terminate(self, session_id: str) -> None:
        with self._lock:
            live = self._sessions.get(session_id)
        if live is not None:
            self.end(live, "")

    # endpoint side
    def claim(self, session_id: str, token: str) -> LiveSession | None:
        """The live session a token opens; a token opens one connection once."""
        with self._lock:
            if not token or self._tokens.get(token) != session_id:
                return None
            del self._tokens[token]
            return self._sessions.get(session_id)

    def attach(
        self, live: LiveSession, send: Callable[[bytes], None], close_socket: CloseSocket
    ) -> int:
        """Binds a client connection to the session (the first one starts the handshake, a
        later one resumes); the connection's number."""
        connection, channel, first, previous = live.bind(send, close_socket)
        if previous is not None:
            previous(NORMAL_CLOSURE, None)
        LOG.debug("SSM session %s: connection %d attached", live.session_id, connection)
        live.set_status(SessionStatus.Connected, connection)
        if first:
            channel.start_handshake(live.plan.session_type, live.plan.properties)
        else:
            channel.resend_due()  # what the dropped socket did not deliver, first
        return connection

    def receive(self, live: LiveSession, data: bytes) -> None:
        """A binary frame from the client (FrameError when it is garbage)."""
        channel = live.channel
        assert channel is not None
        with live.input_lock:
            frames = channel.receive(data)
            if frames:
                live.last_input = time.monotonic()
            if channel.handshake_complete and live.bridge is None:
                self._start_bridge(live, channel)
            for frame in frames:
                self._deliver(live, frame)

    def tick(self, live: LiveSession) -> None:
        channel = live.channel
        if channel is not None:
            channel.resend_due()

    def detach(self, live: LiveSession, connection: int) -> None:
        """The client's socket dropped: wait for a resume, or end the session."""
        if not live.unbind(connection) or live.ended.is_set():
            return
        live.set_status(SessionStatus.Disconnected, connection)
        deadline = time.monotonic() + self.resume_grace
        while not live.ended.is_set() and time.monotonic() < deadline:
            if not live.is_current(connection):
                return
            live.ended.wait(0.25)
        if live.is_current(connection):
            self.end(live, "")

    def end(
        self,
        live: LiveSession,
        output: str,
        status: str = SessionStatus.Terminated,
        drain: bool = True,
        close: tuple[int, str | None] = (NORMAL_CLOSURE, None),
    ) -> None:
        """Ends the session once: Terminating recorded, bridge closed (the session's processes
        killed), end recorded, the client's last output
        acknowledged (or a short wait for it), client told (channel_closed, then the socket
        closed with `close`: code and reason)."""
        taken = live.begin_end()
        if taken is None:
            return
        bridge, channel = taken
        with self._lock:
            self._sessions.pop(live.session_id, None)
            for token, owner in list(self._tokens.items()):
                if owner == live.session_id:
                    del self._tokens[token]
        if channel is not None:
            channel.release()  # a bridge blocked on the window ends instead of waiting
        if bridge is not None:
            bridge.close()
        live.record_end(status, self._clock(), output)
        if channel is not None and drain:
            # the plugin drops output that comes before its handler is ready and it exits at
            # channel_closed: let the connection's loop get the last output acknowledged first
            deadline = time.monotonic() + self._drain_seconds
            while channel.unacknowledged and live.connected and time.monotonic() < deadline:
                time.sleep(0.02)
        close_socket = live.finish()
        if channel is not None:
            channel.send_closed(live.session_id, live.target, output)
        if close_socket is not None:
            close_socket(*close)
        transcript = live.transcript
        if transcript is not None:
            transcripts.write(
                live.account_id, live.region, live.plan.inputs, live.session_id, transcript.value()
            )
        LOG.info(
            "SSM session %s on %s ended (%s)%s",
            live.session_id,
            live.target,
            status,
            f": {output}" if output else "",
        )

    def shutdown(self) -> None:
        """LocalStack stops: every session ends and the client is told."""
        self._stopping.set()
        with self._lock:
            sessions = list(self._sessions.values())
        for live in sessions:
            self.end(live, "LocalStack is shutting down.")

    # internals
    def _start_bridge(self, live: LiveSession, channel: DataChannel) -> None:
        def output(payload: bytes, payload_type: int) -> None:
            transcript = live.transcript
            if transcript is not None and payload_type == PayloadType.OUTPUT:
                transcript.add(payload)
            if not live.ended.is_set():  # output until the very end, channel_closed last
                channel.send_output(payload, payload_type)

        def ended(reason: str) -> None:
            threading.Thread(
                target=self.end, args=(live, reason), name="ssm-session-end", daemon=True
            ).start()

        bridge = live.install_bridge(
            lambda: bridge_for(
                self._engine, live.container_id, live.session_id, live.plan, output, ended
            ),
            transcript=live.plan.session_type != PORT and transcripts.wanted(live.plan.inputs),
        )
        if bridge is not None:
            LOG.debug("SSM session %s: handshake complete, starting the bridge", live.session_id)
            bridge.start()  # a bridge closed meanwhile (the session ended) starts nothing

    def _deliver(self, live: LiveSession, frame: Frame) -> None:
        if frame.payload_type == PayloadType.FLAG:
            if flag_of(frame.payload) == Flag.TERMINATE_SESSION:
                self.end(live, "", drain=False)  # on the connection's own thread
            return
        bridge = live.bridge
        if bridge is not None:
            bridge.on_input(frame.payload_type, frame.payload)

    def _watch(self) -> None:
        """Ends sessions past their idle timeout or maximum duration, and those of instances
        whose container stopped, restarted or went away."""
        seen: set[str] = set()
        while not self._stopping.wait(WATCH_INTERVAL_SECONDS):
            with self._lock:
                sessions = list(self._sessions.values())
                if not sessions:
                    self._watcher = None
                    return
            try:
                states = self._engine.container_states()
            except EngineError:
                continue
            now = time.monotonic()
            for live in sessions:
                reason = expired(limits_from(live.plan.inputs), live.started, live.last_input, now)
                if reason:
                    self.end(live, reason)
                    continue
                state = states.get(live.container_id)
                if state is not None:
                    seen.add(live.container_id)
                gone = state is None and live.container_id in seen
                if gone or state in _ENDED_STATES:
                    self.end(live, f"Instance {live.target} is no longer running.")


_ENDED_STATES = frozenset({"exited", "dead", "removing", "restarting"})
