import json
import queue
import threading
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest

from localstack_ssm_docker.ssm.documents import session_documents
from localstack_ssm_docker.ssm.sessions import codec, session_parameters
from localstack_ssm_docker.ssm.sessions.channel import WINDOW_BYTES
from localstack_ssm_docker.ssm.sessions.codec import Frame, MessageType, PayloadType
from localstack_ssm_docker.ssm.sessions.manager import SessionManager
from localstack_ssm_docker.ssm.sessions.models import SessionRecord, session_stores

ACCOUNT, REGION = "123456789012", "eu-central-1"


class FakeExec:
    def __init__(self):
        self.stdin = b""
        self.output: queue.Queue[bytes] = queue.Queue()
        self.closed = False

    def read(self) -> bytes:
        return self.output.get()

    def write(self, data: bytes) -> None:
        self.stdin += data

    def close(self) -> None:
        self.closed = True
        self.output.put(b"")


class FakeEngine:
    def __init__(self):
        self.execs: list[tuple[list[str], bool, FakeExec]] = []
        self.cleanups: list[list[str]] = []
        self.sizes: list[tuple[int, int]] = []

    def open_exec(self, container_id, command, tty, user=None, environment=None):
        channel = FakeExec()
        self.execs.append((command, tty, channel))
        return "exec-1", channel

    def resize_exec(self, exec_id, rows, cols):
        self.sizes.append((rows, cols))

    def exec_exit_code(self, exec_id):
        return 0

    def run_quiet(self, container_id, command):
        self.cleanups.append(command)

    def connect_port(self, container_id, host, port, timeout):
        raise OSError("nothing listens")

    def container_states(self):
        return {"c-1": "running"}


@pytest.fixture
def engine():
    return FakeEngine()


@pytest.fixture
def manager(engine):
    manager = SessionManager(engine, resume_grace=0.2, drain_seconds=0.05)
    yield manager
    manager.shutdown()


def _start(manager, name=session_parameters.RUN_SHELL, parameters=None):
    plan = session_parameters.plan_session(
        name, session_parameters.SESSION_DOCUMENTS[name], parameters
    )
    record = SessionRecord(f"me-{time.monotonic_ns()}", "i-1", name, "arn", "", "Connecting", 0.0)
    return record.session_id, manager.start(ACCOUNT, REGION, record, "c-1", plan)


def _connected(manager):
    """A started session with a client connection attached: its id and live session."""
    session_id, token = _start(manager)
    live = manager.claim(session_id, token)
    manager.attach(live, lambda data: None, lambda *close: None)
    return session_id, live


def _input(seq, payload, payload_type=PayloadType.OUTPUT):
    return codec.encode(Frame(MessageType.INPUT_STREAM_DATA, seq, payload_type, payload))


def _record(session_id):
    return session_stores[ACCOUNT][REGION].sessions[session_id]


def test_a_token_opens_one_connection(manager):
    session_id, token = _start(manager)
    assert manager.claim(session_id, "wrong") is None
    assert manager.claim(session_id, token) is not None
    assert manager.claim(session_id, token) is None
    assert manager.new_token(session_id) != token


def test_shell_session_from_handshake_to_end(manager, engine):
    session_id, token = _start(manager)
    live = manager.claim(session_id, token)
    sent: list[Frame] = []
    closed = []
    manager.attach(
        live, lambda data: sent.append(codec.decode(data)), lambda *close: closed.append(1)
    )
    assert _record(session_id).status == "Connected"
    request = json.loads(sent[0].payload)
    assert request["RequestedClientActions"][0]["ActionParameters"]["SessionType"] == (
        "Standard_Stream"
    )
    manager.receive(live, _input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
    ((command, tty, process),) = engine.execs
    assert tty and command[-1] == "sh"
    manager.receive(live, _input(1, b'{"cols": 90, "rows": 20}', PayloadType.SIZE))
    manager.receive(live, _input(2, b"ls\r"))
    assert process.stdin == b"ls\r"
    assert engine.sizes[-1] == (20, 90)

    manager.terminate(session_id)
    assert process.closed
    assert engine.cleanups  # the session's processes are killed in the container
    assert sent[-1].message_type == "channel_closed"
    assert closed == [1]
    record = _record(session_id)
    assert (record.status, record.end_date is not None) == ("Terminated", True)
    manager.terminate(session_id)  # ending twice is harmless
    assert [f.message_type for f in sent].count("channel_closed") == 1


def test_dropped_socket_without_resume_ends_the_session(manager):
    session_id, token = _start(manager)
    live = manager.claim(session_id, token)
    connection = manager.attach(live, lambda data: None, lambda *close: None)
    manager.detach(live, connection)
    assert _record(session_id).status == "Terminated"


def test_port_with_no_listener_tells_the_client(manager):
    from localstack_ssm_docker.ssm.sessions import smux

    session_id, token = _start(
        manager, session_documents.START_PORT_FORWARDING, {"portNumber": ["9999"]}
    )
    live = manager.claim(session_id, token)
    sent: list[Frame] = []
    manager.attach(live, lambda data: sent.append(codec.decode(data)), lambda *close: None)
    manager.receive(live, _input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
    manager.receive(live, _input(1, smux.encode(smux.Cmd.SYN, 1)))
    deadline = time.monotonic() + 5
    while not any(f.payload_type == PayloadType.FLAG for f in sent):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    flag = next(f for f in sent if f.payload_type == PayloadType.FLAG)
    assert codec.flag_of(flag.payload) == codec.Flag.CONNECT_TO_PORT_ERROR
    assert not live.ended.is_set()  # the session stays usable


def test_shutdown_ends_every_session_with_a_message(manager):
    session_id, token = _start(manager)
    live = manager.claim(session_id, token)
    sent: list[Frame] = []
    manager.attach(live, lambda data: sent.append(codec.decode(data)), lambda *close: None)
    manager.shutdown()
    closed = json.loads(sent[-1].payload)
    assert closed["Output"] == "LocalStack is shutting down."
    assert manager.new_token(session_id) is None  # the session is gone


class OnCueEngine(FakeEngine):
    """One call (`blocking`: opening the exec, or the kill in the container) blocks until the
    test releases it: a slow `docker exec`."""

    def __init__(self, blocking: str):
        super().__init__()
        self.blocking = blocking
        self.reached = threading.Event()
        self.release = threading.Event()

    def _cue(self, call: str) -> None:
        if call == self.blocking:
            self.reached.set()
            assert self.release.wait(5)

    def open_exec(self, container_id, command, tty, user=None, environment=None):
        self._cue("open_exec")
        return super().open_exec(container_id, command, tty, user, environment)

    def run_quiet(self, container_id, command):
        self._cue("run_quiet")
        super().run_quiet(container_id, command)


def test_a_session_ended_while_its_shell_opens_leaves_no_shell():
    engine = OnCueEngine("open_exec")
    manager = SessionManager(engine, resume_grace=0.2, drain_seconds=0.05)
    try:
        session_id, live = _connected(manager)
        handshake = threading.Thread(
            target=manager.receive, args=(live, _input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
        )
        handshake.start()
        assert engine.reached.wait(5)
        manager.terminate(session_id)  # while the exec is being opened
        engine.release.set()
        handshake.join(5)
        ((_, _, process),) = engine.execs
        assert process.closed
        assert engine.cleanups  # the session's processes are killed in the container
    finally:
        engine.release.set()
        manager.shutdown()


def test_a_session_is_recorded_ended_only_after_its_processes_are_killed():
    """Terminating (still active) while the kill runs, Terminated once it returned: whoever sees
    the session ended finds none of its processes left."""
    engine = OnCueEngine("run_quiet")
    manager = SessionManager(engine, resume_grace=0.2, drain_seconds=0.05)
    try:
        session_id, live = _connected(manager)
        manager.receive(live, _input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
        ending = threading.Thread(target=manager.terminate, args=(session_id,))
        ending.start()
        assert engine.reached.wait(5)
        record = _record(session_id)
        assert (record.status, record.active, record.end_date) == ("Terminating", True, None)
        manager.attach(live, lambda data: None, lambda *close: None)  # a late connection
        assert _record(session_id).status == "Terminating"
        engine.release.set()
        ending.join(5)
        record = _record(session_id)
        assert (record.status, record.active) == ("Terminated", False)
        assert record.end_date is not None and engine.cleanups
    finally:
        engine.release.set()
        manager.shutdown()


@dataclass(frozen=True)
class RecordOnCue(SessionRecord):
    """A session record whose making, on one thread, waits for the test's cue once (the moment
    between a status change's check and its write)."""

    cue: ClassVar[dict] = {}

    def __post_init__(self) -> None:
        if threading.current_thread() is self.cue.get("thread"):
            del self.cue["thread"]
            self.cue["reached"].set()
            assert self.cue["release"].wait(5)


def test_a_terminated_session_stays_terminated_when_a_connection_attaches_meanwhile(manager):
    plan = session_parameters.plan_session(
        session_parameters.RUN_SHELL,
        session_parameters.SESSION_DOCUMENTS[session_parameters.RUN_SHELL],
        None,
    )
    record = RecordOnCue(
        "me-on-cue", "i-1", session_parameters.RUN_SHELL, "arn", "", "Connecting", 0.0
    )
    token = manager.start(ACCOUNT, REGION, record, "c-1", plan)
    live = manager.claim(record.session_id, token)
    reached, release = threading.Event(), threading.Event()
    connection = threading.Thread(
        target=manager.attach, args=(live, lambda data: None, lambda *close: None)
    )
    RecordOnCue.cue.update(thread=connection, reached=reached, release=release)
    connection.start()
    try:
        assert reached.wait(5)  # the connection's status change is under way
        manager.terminate(record.session_id)
    finally:
        release.set()
    connection.join(5)
    assert _record(record.session_id).status == "Terminated"


def test_a_session_whose_client_stopped_acknowledging_ends_without_waiting_for_it(engine):
    """Output beyond the window waits for acknowledgements; ending the session must not."""
    manager = SessionManager(engine, resume_grace=0.2, drain_seconds=0.05)
    session_id, token = _start(manager)
    live = manager.claim(session_id, token)
    sent: list[Frame] = []
    manager.attach(live, lambda data: sent.append(codec.decode(data)), lambda *close: None)
    manager.receive(live, _input(0, b"{}", PayloadType.HANDSHAKE_RESPONSE))
    ((_, _, process),) = engine.execs
    chunk = b"o" * 65536
    for _ in range(100):  # 6.4 MB of output, never acknowledged: more than the window
        process.output.put(chunk)
    deadline = time.monotonic() + 5
    window_frames = -(-WINDOW_BYTES // (len(chunk) + codec.HEADER_SIZE))
    handshake = 2  # request and complete, not acknowledged here either
    while live.channel.unacknowledged < window_frames + handshake:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert process.output.qsize() >= 100 - window_frames - 1  # the rest waits in the stream
    assert live.channel.unacknowledged == window_frames + handshake
    started = time.monotonic()
    manager.terminate(session_id)
    assert time.monotonic() - started < 3  # not the bridge's 5 s join
    assert process.closed
    assert sent[-1].message_type == "channel_closed"
    manager.shutdown()
