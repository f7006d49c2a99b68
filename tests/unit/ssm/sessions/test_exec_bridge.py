"""The bridge between a session's channel and its process: what it starts, what reaches the
process, how its end is reported, and that closing kills what the session started."""

import json
import os
import queue
import signal
import subprocess
import threading
import uuid

import pytest

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.ssm.sessions import exec_bridge
from localstack_ssm_docker.ssm.sessions.codec import PayloadType
from localstack_ssm_docker.ssm.sessions.exec_bridge import ExecBridge

DEADLINE = 5


class FakeChannel:
    def __init__(self):
        self.stdin = b""
        self.output: queue.Queue[bytes] = queue.Queue()
        self.closed = threading.Event()

    def read(self) -> bytes:
        return self.output.get()

    def write(self, data: bytes) -> None:
        self.stdin += data

    def close(self) -> None:
        self.closed.set()
        self.output.put(b"")


class FakeSessionEngine:
    """The SessionEngine calls the bridge makes; open_exec can be held until the test lets go."""

    def __init__(self, open_fails: bool = False):
        self.open_fails = open_fails
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.opened: list[tuple[list[str], bool, str | None, dict]] = []
        self.channel = FakeChannel()
        self.sizes: list[tuple[int, int]] = []
        self.quiet: list[list[str]] = []

    def open_exec(self, container_id, command, tty, user=None, environment=None):
        if self.hold.is_set():
            self.holding.set()
            assert self.release.wait(DEADLINE)
        if self.open_fails:
            raise EngineError("no such container")
        self.opened.append((command, tty, user, environment or {}))
        return "exec-1", self.channel

    def resize_exec(self, exec_id, rows, cols):
        self.sizes.append((rows, cols))

    def exec_exit_code(self, exec_id):
        return 3

    def run_quiet(self, container_id, command):
        self.quiet.append(command)


def bridge(engine, tty=True, **kwargs):
    outputs: list[tuple[bytes, int]] = []
    ended: queue.Queue[str] = queue.Queue()
    made = ExecBridge(
        engine,
        "c-1",
        "sess-1",
        ["bash", "-l"],
        tty,
        lambda data, kind: outputs.append((data, kind)),
        ended.put,
        **kwargs,
    )
    return made, outputs, ended


def test_the_process_starts_through_the_pid_wrapper_with_a_terminal_type():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine, user="ssm-user")
    made.start()
    command, tty, user, environment = engine.opened[0]
    assert command[:2] == ["sh", "-c"] and command[3:] == ["sh", "sess-1", "bash", "-l"]
    assert (tty, user, environment) == (True, "ssm-user", {"TERM": "xterm-256color"})
    made.close()


def test_output_flows_until_the_process_ends_then_its_exit_code_and_end_are_reported():
    engine = FakeSessionEngine()
    made, outputs, ended = bridge(engine)
    made.start()
    engine.channel.output.put(b"hello")
    engine.channel.output.put(b"")
    assert ended.get(timeout=DEADLINE) == ""
    assert outputs == [(b"hello", PayloadType.OUTPUT)]
    assert made.exit_code == 3


def test_input_reaches_stdin_after_the_first_input():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine, first_input="stty -echo\n")
    made.start()
    made.on_input(PayloadType.OUTPUT, b"ls\n")
    assert engine.channel.stdin == b"stty -echo\nls\n"
    made.close()


def test_a_size_sent_before_the_process_started_is_applied_once_it_runs():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine)
    made.on_input(PayloadType.SIZE, json.dumps({"rows": 40, "cols": 120}).encode())
    assert engine.sizes == []
    made.start()
    made.on_input(PayloadType.SIZE, json.dumps({"rows": 50, "cols": 100}).encode())
    assert engine.sizes == [(40, 120), (50, 100)]
    made.close()


@pytest.mark.parametrize("payload", [b"not json", b'{"rows": 0, "cols": 80}', b'{"rows": 9}'])
def test_sizes_that_make_no_terminal_are_ignored(payload):
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine)
    made.start()
    made.on_input(PayloadType.SIZE, payload)
    assert engine.sizes == []
    made.close()


def test_a_command_without_a_terminal_is_not_resized():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine, tty=False)
    made.start()
    made.on_input(PayloadType.SIZE, b'{"rows": 40, "cols": 120}')
    assert engine.sizes == [] and engine.opened[0][3] == {}
    made.close()


def test_a_process_that_cannot_start_ends_the_session_with_the_reason():
    made, _, ended = bridge(FakeSessionEngine(open_fails=True))
    made.start()
    assert ended.get_nowait() == "could not start the session's process: no such container"


def test_closing_kills_the_sessions_processes_and_closes_the_stream():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine)
    made.start()
    made.close()
    assert engine.quiet == [["sh", "-c", exec_bridge._KILL, "sh", "sess-1"]]
    assert engine.channel.closed.is_set()


def test_a_bridge_closed_before_it_starts_starts_nothing():
    engine = FakeSessionEngine()
    made, _, _ = bridge(engine)
    made.close()
    made.start()
    assert engine.opened == [] and engine.quiet == []


def test_a_bridge_closed_while_its_process_opens_kills_that_process_at_once():
    engine = FakeSessionEngine()
    engine.hold.set()
    made, _, _ = bridge(engine)
    starting = threading.Thread(target=made.start)
    starting.start()
    try:
        assert engine.holding.wait(DEADLINE)
        made.close()  # nothing to kill yet
        assert engine.quiet == []
    finally:
        engine.release.set()
        starting.join(DEADLINE)
    assert engine.quiet == [["sh", "-c", exec_bridge._KILL, "sh", "sess-1"]]
    assert engine.channel.closed.is_set()


@pytest.fixture
def scripts(tmp_path):
    """The wrapper and the kill script with their pid directory in `tmp_path` (here, on the
    host, the instance's directory is not theirs to create)."""
    pid_dir = str(tmp_path / "sessions")
    return tuple(
        script.replace(exec_bridge.PID_DIR, pid_dir)
        for script in (exec_bridge._WRAPPER, exec_bridge._KILL)
    )


def _sh(script: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(["sh", "-c", script, "sh", *args], **kwargs)


def test_the_kill_script_ends_the_process_the_wrapper_recorded_and_its_children(scripts):
    wrapper, kill = scripts
    session = f"test-{uuid.uuid4().hex[:12]}"
    started = _sh(
        wrapper, session, "sh", "-c", "sleep 60 & echo up; wait",
        stdout=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        assert started.stdout is not None and started.stdout.readline() == b"up\n"
        assert _sh(kill, session).wait(DEADLINE) == 0
        assert started.wait(DEADLINE) == -9
    finally:
        if started.poll() is None:
            started.kill()
            started.wait()


def test_a_process_killed_before_it_recorded_itself_never_runs_its_command(scripts):
    wrapper, kill = scripts
    session = f"test-{uuid.uuid4().hex[:12]}"
    assert _sh(kill, session).wait(DEADLINE) == 0
    started = _sh(wrapper, session, "echo", "ran", stdout=subprocess.PIPE)
    out, _ = started.communicate(timeout=DEADLINE)
    assert (started.returncode, out) == (0, b"")


def _live_members(session_id: int) -> list[int]:
    """Processes (zombies aside) whose session is `session_id`."""
    members = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[3] == str(session_id) and fields[0] != "Z":
            members.append(int(entry))
    return members


def test_the_kill_script_leaves_nothing_of_a_session_that_forks_while_it_scans(scripts):
    """The session's process forks without pause, so children are born after any one scan of
    /proc began; the kill scans again until none is left."""
    wrapper, kill = scripts
    session = f"test-{uuid.uuid4().hex[:12]}"
    started = _sh(
        wrapper, session, "sh", "-c", "echo up; while :; do sleep 60 & done",
        stdout=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        assert started.stdout is not None and started.stdout.readline() == b"up\n"
        assert _sh(kill, session).wait(DEADLINE) == 0
        assert started.wait(DEADLINE) == -9
        assert _live_members(started.pid) == []
    finally:
        for pid in _live_members(started.pid):
            os.kill(pid, signal.SIGKILL)
        if started.poll() is None:
            started.kill()
            started.wait()
