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
from dataclasses import dataclass, field, replace

from localstack.aws.api.ssm import SessionStatus

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import SessionEngine
from localstack_ssm_docker.ssm.sessions import transcripts
from localstack_ssm_docker.ssm.sessions.bridges import Bridge, bridge_for
from localstack_ssm_docker.ssm.sessions.channel import DataChannel
from localstack_ssm_docker.ssm.sessions.codec import Flag, Frame, PayloadType, flag_of
from localstack_ssm_docker.ssm.sessions.documents import PORT, SessionPlan
from localstack_ssm_docker.ssm.sessions.limits import expired, limits_from
from localstack_ssm_docker.ssm.sessions.models import SessionRecord, session_stores
from localstack_ssm_docker.ssm.sessions.transcripts import Transcript

LOG = logging.getLogger(__name__)

RESUME_GRACE_SECONDS = 60.0
"""How long a session whose socket dropped waits for ResumeSession before it ends."""
WATCH_INTERVAL_SECONDS = 1.0
DRAIN_SECONDS = 3.0
"""How long an ending session waits for the client to acknowledge its last output."""


@dataclass
class LiveSession:
    account_id: str
    region: str
    session_id: str
    target: str
    container_id: str
    plan: SessionPlan
    channel: DataChannel | None = None
    bridge: Bridge | None = None
    close_socket: Callable[[], None] | None = None
    connection: int = 0
    ending: bool = False
    transcript: Transcript | None = None
    started: float = field(default_factory=time.monotonic)
    last_input: float = field(default_factory=time.monotonic)
    ended: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


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
        live = LiveSession(account_id, region, record.session_id, record.target, container_id, plan)
        with self._lock:
            self._sessions[record.session_id] = live
            token = self._new_token_locked(record.session_id)
            self._ensure_watcher_locked()
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
        with self._lock:
            if session_id not in self._sessions:
                return None
            for token, owner in list(self._tokens.items()):
                if owner == session_id:
                    del self._tokens[token]
            return self._new_token_locked(session_id)

    def _new_token_locked(self, session_id: str) -> str:
        token = secrets.token_urlsafe(48)
        self._tokens[token] = session_id
        return token

    def terminate(self, session_id: str) -> None:
        with self._lock:
            live = self._sessions.get(session_id)
        if live is not None:
            self.end(live, "")

    def live_count(self) -> int:
        with self._lock:
            return len(self._sessions)

    # endpoint side
    def claim(self, session_id: str, token: str) -> LiveSession | None:
        """The live session a token opens; a token opens one connection once."""
        with self._lock:
            if not token or self._tokens.get(token) != session_id:
                return None
            del self._tokens[token]
            return self._sessions.get(session_id)

    def attach(
        self, live: LiveSession, send: Callable[[bytes], None], close_socket: Callable[[], None]
    ) -> int:
        """Binds a client connection to the session (the first one starts the handshake, a
        later one resumes); the connection's number."""
        with live.lock:
            if live.close_socket is not None:
                previous = live.close_socket
                previous()
            live.connection += 1
            live.close_socket = close_socket
            first = live.channel is None
            if first:
                live.channel = DataChannel(send)
            else:
                assert live.channel is not None
                live.channel.rebind(send)
            connection = live.connection
        LOG.debug("SSM session %s: connection %d attached", live.session_id, connection)
        self._set_status(live, SessionStatus.Connected)
        assert live.channel is not None
        if first:
            live.channel.start_handshake(live.plan.session_type, live.plan.properties)
        else:
            live.channel.resend_due()  # what the dropped socket did not deliver, first
        return connection

    def receive(self, live: LiveSession, data: bytes) -> None:
        """A binary frame from the client (FrameError when it is garbage)."""
        channel = live.channel
        assert channel is not None
        frames = channel.receive(data)
        if frames:
            live.last_input = time.monotonic()
        if channel.handshake_complete and live.bridge is None and not live.ending:
            self._start_bridge(live)
        for frame in frames:
            self._deliver(live, frame)

    def tick(self, live: LiveSession) -> None:
        if live.channel is not None:
            live.channel.resend_due()

    def detach(self, live: LiveSession, connection: int) -> None:
        """The client's socket dropped: wait for a resume, or end the session."""
        with live.lock:
            if live.connection != connection:
                return  # a newer connection took over
            live.close_socket = None
        if live.ended.is_set():
            return
        self._set_status(live, SessionStatus.Disconnected)
        deadline = time.monotonic() + self.resume_grace
        while not live.ended.is_set() and time.monotonic() < deadline:
            with live.lock:
                if live.connection != connection:
                    return
            live.ended.wait(0.25)
        with live.lock:
            resumed = live.connection != connection
        if not resumed:
            self.end(live, "")

    def end(
        self,
        live: LiveSession,
        output: str,
        status: str = SessionStatus.Terminated,
        drain: bool = True,
    ) -> None:
        """Ends the session once: bridge closed, the client's last output acknowledged (or a
        short wait for it), client told, record updated."""
        with live.lock:
            if live.ending:
                return
            live.ending = True
            bridge, channel = live.bridge, live.channel
        with self._lock:
            self._sessions.pop(live.session_id, None)
            for token, owner in list(self._tokens.items()):
                if owner == live.session_id:
                    del self._tokens[token]
        if bridge is not None:
            bridge.close()
        if channel is not None and drain:
            # the plugin drops output that comes before its handler is ready and it exits at
            # channel_closed: let the connection's loop get the last output acknowledged first
            deadline = time.monotonic() + self._drain_seconds
            while channel.unacknowledged and time.monotonic() < deadline:
                with live.lock:
                    connected = live.close_socket is not None
                if not connected:
                    break
                time.sleep(0.02)
        with live.lock:
            close_socket = live.close_socket
            live.ended.set()
        if channel is not None:
            channel.send_closed(live.session_id, live.target, output)
        if close_socket is not None:
            close_socket()
        if live.transcript is not None:
            transcripts.write(
                live.account_id,
                live.region,
                live.plan.inputs,
                live.session_id,
                live.transcript.value(),
            )
        store = session_stores[live.account_id][live.region]
        record = store.sessions.get(live.session_id)
        if record is not None:
            store.sessions[live.session_id] = replace(
                record, status=status, end_date=self._clock(), details=output
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
    def _set_status(self, live: LiveSession, status: str) -> None:
        store = session_stores[live.account_id][live.region]
        record = store.sessions.get(live.session_id)
        if record is not None and record.active and not live.ended.is_set():
            store.sessions[live.session_id] = replace(record, status=status)

    def _start_bridge(self, live: LiveSession) -> None:
        channel = live.channel
        assert channel is not None

        if live.plan.session_type != PORT and transcripts.wanted(live.plan.inputs):
            live.transcript = Transcript()

        def output(payload: bytes, payload_type: int) -> None:
            if live.transcript is not None and payload_type == PayloadType.OUTPUT:
                live.transcript.add(payload)
            if not live.ended.is_set():  # output until the very end, channel_closed last
                channel.send_output(payload, payload_type)

        def ended(reason: str) -> None:
            threading.Thread(
                target=self.end, args=(live, reason), name="ssm-session-end", daemon=True
            ).start()

        LOG.debug("SSM session %s: handshake complete, starting the bridge", live.session_id)
        bridge = bridge_for(
            self._engine, live.container_id, live.session_id, live.plan, output, ended
        )
        with live.lock:
            if live.bridge is not None or live.ending:
                return
            live.bridge = bridge
        bridge.start()

    def _deliver(self, live: LiveSession, frame: Frame) -> None:
        if frame.payload_type == PayloadType.FLAG:
            if flag_of(frame.payload) == Flag.TERMINATE_SESSION:
                self.end(live, "", drain=False)  # on the connection's own thread
            return
        bridge = live.bridge
        if bridge is not None:
            bridge.on_input(frame.payload_type, frame.payload)

    def _ensure_watcher_locked(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(
                target=self._watch, name="ssm-session-watch", daemon=True
            )
            self._watcher.start()

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
