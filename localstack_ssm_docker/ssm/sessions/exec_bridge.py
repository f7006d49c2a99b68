"""Shell and command sessions: an exec in the instance's container, attached to the channel.

The process is started through a tiny wrapper that records its pid, so that when the session
ends for any reason every process of the session (its process group, its TTY session) is
killed inside the container: nothing a session started outlives it.
"""

import contextlib
import json
import logging
import threading
from collections.abc import Callable

from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import ExecChannel, SessionEngine
from localstack_ssm_docker.ssm.sessions.codec import PayloadType

LOG = logging.getLogger(__name__)

PID_DIR = "/var/lib/amazon/ssm/sessions"
# $1: the pid file's name. Records this shell's pid (the session's process group and, with a TTY,
# its session id), then becomes the command, unless the session was killed before: docker exec
# returns before the process starts, so a session that ends meanwhile may kill before the process
# recorded itself, and the kill leaves a marker the process checks after recording itself.
_WRAPPER = (
    f"d={PID_DIR}; "
    '{ mkdir -p "$d" && [ -w "$d" ]; } 2>/dev/null || d=/tmp; '
    'echo $$ > "$d/$1.pid"; '
    'if [ -e "/tmp/$1.killed" ]; then rm -f "/tmp/$1.killed" "$d/$1.pid"; exit 0; fi; '
    'shift; exec "$@"'
)
# $1: the pid file's name. Leaves the marker first (a process not recorded yet exits when it
# starts), then kills every process whose pid, process group or session is the recorded pid, with
# builtins only (it must work in a container at its pids limit). It scans again until none is
# left (a child forked during a scan), at most _KILL_PASSES times, and waits _ZOMBIE_PASSES scans
# at most for the zombies to be reaped (by the container's init at once; a parent that never
# reaps must not hold the kill up): a session counts as ended once nothing of it is left to see.
_KILL_PASSES = 200
_ZOMBIE_PASSES = 20
_KILL = (
    's=$1; : > "/tmp/$s.killed" 2>/dev/null; '
    f"f={PID_DIR}/$s.pid; "
    '[ -f "$f" ] || f=/tmp/$s.pid; '
    'read p 2>/dev/null < "$f" || exit 0; rm -f "$f"; '
    f"n={_KILL_PASSES}; z={_ZOMBIE_PASSES}; "
    'while [ "$n" -gt 0 ]; do n=$((n-1)); left=0; live=0; '
    'for d in /proc/[0-9]*; do read -r l 2>/dev/null < "$d/stat" || continue; '
    "r=${l##*) }; set -- $r; pid=${d#/proc/}; "
    'if [ "$pid" = "$p" ] || [ "$3" = "$p" ] || [ "$4" = "$p" ]; then left=1; '
    'if [ "$1" != Z ]; then live=1; kill -9 "$pid" 2>/dev/null; fi; fi; '
    'done; [ "$left" = 0 ] && break; '
    'if [ "$live" = 0 ]; then z=$((z-1)); [ "$z" -le 0 ] && break; fi; done; '
    'rm -f "/tmp/$s.killed"; exit 0'
)

Output = Callable[[bytes, int], None]


class ExecBridge:
    """One process in the container (a shell with a TTY, or a command) bridged to the channel."""

    def __init__(
        self,
        engine: SessionEngine,
        container_id: str,
        session_id: str,
        command: list[str],
        tty: bool,
        output: Output,
        ended: Callable[[str], None],
        user: str | None = None,
        first_input: str = "",
    ):
        self._engine = engine
        self._container_id = container_id
        self._session_id = session_id
        self._command = command
        self._tty = tty
        self._output = output
        self._ended = ended
        self._user = user
        self._first_input = first_input
        self._exec_id: str | None = None
        self._channel: ExecChannel | None = None
        self._size: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._reader: threading.Thread | None = None
        self.exit_code: int | None = None

    def start(self) -> None:
        """Starts the process; the session ends (with the reason) when it cannot start. A
        bridge closed before or while its process opens kills that process at once."""
        with self._lock:
            if self._closed:
                return
        environment = {"TERM": "xterm-256color"} if self._tty else {}
        try:
            exec_id, channel = self._engine.open_exec(
                self._container_id,
                ["sh", "-c", _WRAPPER, "sh", self._session_id, *self._command],
                tty=self._tty,
                user=self._user,
                environment=environment,
            )
        except EngineError as e:
            self._ended(f"could not start the session's process: {e}")
            return
        with self._lock:
            closed = self._closed
            if not closed:
                self._exec_id, self._channel = exec_id, channel
                size = self._size
                self._reader = threading.Thread(
                    target=self._pump,
                    args=(exec_id, channel),
                    name=f"ssm-session-{self._session_id}",
                    daemon=True,
                )
                self._reader.start()
        if closed:
            self._kill(channel)
            return
        if size is not None:
            self._resize(exec_id, *size)
        if self._first_input:
            with contextlib.suppress(OSError):
                channel.write(self._first_input.encode())

    def _pump(self, exec_id: str, channel: ExecChannel) -> None:
        while chunk := channel.read():
            self._output(chunk, PayloadType.OUTPUT)
        with contextlib.suppress(EngineError):
            self.exit_code = self._engine.exec_exit_code(exec_id)
        self._ended("")

    def on_input(self, payload_type: int, payload: bytes) -> None:
        """Keystrokes (Output) go to stdin, Size frames resize the TTY."""
        if payload_type == PayloadType.OUTPUT:
            with self._lock:
                channel = self._channel
            if channel is not None:
                with contextlib.suppress(OSError):
                    channel.write(payload)
        elif payload_type == PayloadType.SIZE and self._tty:
            try:
                size = json.loads(payload)
                rows, cols = int(size["rows"]), int(size["cols"])
            except (ValueError, TypeError, KeyError):
                return
            with self._lock:
                self._size = (rows, cols)
                exec_id = self._exec_id
            if exec_id is not None:
                self._resize(exec_id, rows, cols)

    def _resize(self, exec_id: str, rows: int, cols: int) -> None:
        if rows <= 0 or cols <= 0:
            return
        try:
            self._engine.resize_exec(exec_id, rows, cols)
        except EngineError as e:
            LOG.debug("resizing session %s: %s", self._session_id, e)

    def close(self) -> None:
        """Kills every process of the session in the container and closes the stream."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            channel, reader = self._channel, self._reader
        if channel is not None:
            self._kill(channel)
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout=5)

    def _kill(self, channel: ExecChannel) -> None:
        try:
            self._engine.run_quiet(self._container_id, ["sh", "-c", _KILL, "sh", self._session_id])
        except EngineError as e:
            LOG.debug("cleaning up session %s: %s", self._session_id, e)
        channel.close()
