"""Resident helpers: scripts started inside the container without a container-runtime round trip.

A `docker exec` costs the engine a runtime call (runc) for every command: tens of milliseconds of
CPU on a small machine, most of a round trip. A resident helper (the RESIDENT_HELPER loop of
:mod:`.shell`, a POSIX `sh`) is started once through one exec with its stdin attached, and then
starts a process for each job it reads, as the SSM agent does.

Which helpers a container has:
- one kept for the container's life (as the agent is), started in the background as soon as the
  container runs (:meth:`ResidentHelpers.prepare`), so that its first command does not wait for
  an exec; a job that comes while it starts waits for it rather than starting a second one;
- one more per job running at the same time, kept idle (up to IDLE_PER_CONTAINER in all) until
  it ends by itself after RESIDENT_IDLE_SECONDS without a job;
- none once we kill a job of its own (a timeout or cancel): the helper is retired with what
  the kill left behind, and the next job starts a new one.

What makes this as safe as an exec per command:
- a job is acknowledged by the helper before its script starts, so a helper that is gone (its
  container restarted, stopped or removed, the engine restarted, an idle one that ended) is found
  out before anything ran: the job goes to another helper, or, when the helper never worked in
  that container, to an exec of its own (:class:`NotStarted`);
- after the acknowledgement, the job's end comes in-band (a random token and the exit code after
  the output); when the stream ends without it, the helper exec's own exit code stands in, as an
  exec's would (137 or none), and the caller checks the container's state as for an exec;
- the script runs in its own session with its pid in the same file, so the same kill applies;
  output streams through, bounded on our side by the caller's buffers, as for an exec;
- a container restarted, stopped or removed through the engine is forgotten with its helpers
  (:meth:`ResidentHelpers.forget`); a helper started for it before that is closed when it comes.
"""

import contextlib
import functools
import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.exec_stream import STDERR, STDOUT, read_frames, start_exec
from localstack_ssm_docker.engine.docker.shell import (
    RESIDENT_IDLE_SECONDS,
    resident_helper_command,
    resident_job,
)
from localstack_ssm_docker.engine.errors import ContainerNotRunning, EngineError
from localstack_ssm_docker.engine.values import ScriptJob

LOG = logging.getLogger(__name__)

IDLE_PER_CONTAINER = 4
"""Idle helpers a container keeps: its resident one and up to three more."""
HELPER_ROOT = "/tmp/.localstack-ssm-helper"
MAX_FAILED_STARTS = 3
"""After this many helpers in a row that died before their first job, a container gets execs."""
READY_TIMEOUT_SECONDS = 10.0
"""How long a helper started in the background may take to say it is ready."""
START_WAIT_SECONDS = 5.0
"""How long a job waits for the helper being started in the background before starting one."""
ACK_CHECK_SECONDS = 0.25
"""How long a helper may take to acknowledge a job before its container is checked for a pause."""
STARTS_AT_ONCE = 4
"""Helpers started in the background at the same time (a fleet's launch keeps the engine busy)."""


class Sink(Protocol):
    def write(self, chunk: bytes | None) -> None: ...


class NotStarted(Exception):
    """The helper ended (or could not be reached) before the job's script started."""


class HelperLost(Exception):
    """The helper ended after the job's script started; `exit_code` is the helper exec's."""

    def __init__(self, exit_code: int | None, token: str):
        super().__init__(f"the resident helper ended mid-job ({exit_code})")
        self.exit_code = exit_code
        self.token = token


class _Until:
    """Passes a stream's bytes on to `sink` until `marker`; keeps what follows it."""

    def __init__(self, marker: bytes, sink: Sink | None):
        self._marker = marker
        self._sink = sink
        self._pending = b""
        self.found = False
        self.after = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            self.after += chunk
            return
        data = self._pending + chunk
        at = data.find(self._marker)
        if at >= 0:
            self._emit(data[:at])
            self.found, self.after, self._pending = True, data[at + len(self._marker) :], b""
            return
        cut = max(0, len(data) - len(self._marker) + 1)
        self._emit(data[:cut])
        self._pending = data[cut:]

    def flush(self) -> None:
        """The stream ended without the marker: what was held back is output too."""
        self._emit(self._pending)
        self._pending = b""

    def _emit(self, data: bytes) -> None:
        if data and self._sink is not None:
            self._sink.write(data)


class Helper(Protocol):
    """One running helper. `resident`: kept for its container's life (no idle end); `proven`:
    it has been seen working (ready, or a job acknowledged), so a failure to start a job means it
    went stale, not that the container cannot have helpers."""

    resident: bool
    proven: bool

    def run(self, request: bytes, token: str, stdout: Sink, stderr: Sink) -> int | None:
        """Runs one job; its exit code. HelperLost when the helper ended after the script
        started, NotStarted when before."""
        ...

    def close(self) -> None:
        """Ends the helper (its stdin closes, its loop ends) and the connection."""
        ...


class HelperStarter(Protocol):
    def __call__(self, container_id: str, resident: bool, ready: bool) -> Helper:
        """Starts a helper in the container; with `ready`, returns once it said it reads jobs
        (NotStarted if it ended or stayed silent first)."""
        ...


Background = Callable[[Callable[[], None]], None]
"""Runs a call on a thread of its own, never on the caller's."""


class DockerHelper:
    """One resident helper on the Docker engine: its exec, and the hijacked connection to its
    stdin and output."""

    def __init__(
        self,
        api: APIClient,
        stream_api: APIClient,
        container_id: str,
        resident: bool,
        ready: bool,
        ready_timeout: float = READY_TIMEOUT_SECONDS,
    ):
        self._api = api
        self._container_id = container_id
        self.resident = resident
        self.proven = False
        ready_line = f"ready {uuid.uuid4().hex}" if ready else ""
        command = resident_helper_command(
            f"{HELPER_ROOT}/{uuid.uuid4().hex[:12]}",
            0 if resident else RESIDENT_IDLE_SECONDS,
            ready_line,
        )
        with engine_errors():
            self.exec_id = api.exec_create(container_id, command, stdin=True)["Id"]
            attached = start_exec(stream_api, self.exec_id)
        self._response = attached.response
        self._socket = attached.socket
        self._frames: Iterator[tuple[int, bytes]] = read_frames(attached.reader)
        if ready_line:
            try:
                self._await(f"{ready_line}\n".encode(), ready_timeout)
            except BaseException:
                self.close()
                raise
            self.proven = True

    def _await(self, line: bytes, timeout: float) -> None:
        """Reads the helper's output until `line`; NotStarted if it ends or `timeout` passes."""
        ready = _Until(line, None)
        self._socket.settimeout(timeout)
        try:
            for stream_id, chunk in self._frames:
                if stream_id == STDOUT:
                    ready.feed(chunk)
                    if ready.found:
                        return
        except OSError as e:  # socket.timeout included
            raise NotStarted(f"the helper did not get ready: {e}") from e
        finally:
            self._socket.settimeout(None)
        raise NotStarted("the helper ended before it was ready")

    def run(self, request: bytes, token: str, stdout: Sink, stderr: Sink) -> int | None:
        """Runs one job; its exit code. HelperLost when the helper ended after the script
        started, NotStarted when before, ContainerNotRunning when the helper did not answer
        because its container is paused (the job never runs: the helper has its token only)."""
        marker = token.encode()
        head, rest = request.split(b"\n", 1)
        ack = _Until(marker + b" +\n", None)
        out = _Until(marker + b" ", stdout)
        err = _Until(marker + b"\n", stderr)
        early_stderr: list[bytes] = []  # the script's, or a dying helper's: kept until the ack
        acked = threading.Event()
        frozen = threading.Event()
        threading.Thread(
            target=self._watch, args=(acked, frozen), name="ssm-helper-watch", daemon=True
        ).start()
        try:
            self._socket.sendall(head + b"\n")
            for stream_id, chunk in self._frames:
                if stream_id == STDOUT:
                    if not ack.found:
                        ack.feed(chunk)
                        if not ack.found:
                            continue
                        acked.set()
                        self.proven = True
                        self._socket.sendall(rest)
                        chunk, ack.after = ack.after, b""
                        for early in early_stderr:
                            err.feed(early)
                    out.feed(chunk)
                elif stream_id == STDERR:
                    if ack.found:
                        err.feed(chunk)
                    else:
                        early_stderr.append(chunk)
                if out.found and err.found and b"\n" in out.after:
                    code = out.after.split(b"\n", 1)[0].strip()
                    return int(code) if code.lstrip(b"-").isdigit() else None
        except OSError as e:
            if not ack.found:
                raise self._not_started(frozen, str(e)) from e
        finally:
            acked.set()
        if not ack.found:
            raise self._not_started(frozen, "the helper ended")
        out.flush()
        err.flush()
        with engine_errors():
            raise HelperLost(self._api.exec_inspect(self.exec_id).get("ExitCode"), token)

    def _not_started(self, frozen: threading.Event, reason: str) -> Exception:
        if frozen.is_set():
            return ContainerNotRunning(f"container {self._container_id[:12]} is paused")
        return NotStarted(reason)

    def _watch(self, acked: threading.Event, frozen: threading.Event) -> None:
        """While the helper has not acknowledged the job: every ACK_CHECK_SECONDS, whether its
        container is paused; if so, the connection is shut (the job's read ends)."""
        while not acked.wait(ACK_CHECK_SECONDS):
            try:
                with engine_errors():
                    state = self._api.inspect_container(self._container_id)["State"]
            except EngineError:
                return  # the read ends by itself when the container or the engine is gone
            if state.get("Paused") and not acked.is_set():
                frozen.set()
                with contextlib.suppress(OSError):
                    self._socket.shutdown(socket.SHUT_RDWR)
                return

    def close(self) -> None:
        """Ends the helper (its stdin closes, its loop ends) and the connection."""
        try:
            self._response.close()
            self._socket.close()
        except OSError:
            pass


class _Threads:
    """A daemon thread per call, at most `at_once` of them working at the same time."""

    def __init__(self, at_once: int):
        self._working = threading.BoundedSemaphore(at_once)

    def __call__(self, work: Callable[[], None]) -> None:
        def run() -> None:
            with self._working:
                work()

        threading.Thread(target=run, name="ssm-helper-start", daemon=True).start()


@dataclass
class _Container:
    """One container's helpers (guarded by ResidentHelpers' lock; replaced whole on forget)."""

    idle: list[Helper] = field(default_factory=list)
    has_resident: bool = False
    """A resident helper exists (idle, busy or being started)."""
    starting: bool = False
    """The resident helper is being started in the background."""
    awaited: bool = False
    """A job waits for the helper being started (the others start their own)."""
    failed_starts: int = 0


def _idle_or_settled(container: _Container) -> bool:
    return bool(container.idle) or not container.starting


class ResidentHelpers:
    """The resident helpers of every container, taken one per job."""

    def __init__(
        self,
        start: HelperStarter,
        background: Background | None = None,
        start_wait: float = START_WAIT_SECONDS,
    ):
        self._start = start
        self._background = background or _Threads(STARTS_AT_ONCE)
        self._start_wait = start_wait
        self._containers: dict[str, _Container] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    @classmethod
    def on_docker(cls, api: APIClient, stream_api: APIClient) -> "ResidentHelpers":
        """Helpers started through `api`'s execs, their streams read through `stream_api`."""

        def start(container_id: str, resident: bool, ready: bool) -> Helper:
            return DockerHelper(api, stream_api, container_id, resident, ready)

        return cls(start)

    def prepare(self, container_id: str) -> None:
        """Starts the container's resident helper in the background (the container has just
        started), unless it has one."""
        with self._lock:
            container = self._containers.setdefault(container_id, _Container())
            if container.has_resident or container.failed_starts >= MAX_FAILED_STARTS:
                return
            container.has_resident = container.starting = True
        self._background(lambda: self._start_resident(container_id, container))

    def _start_resident(self, container_id: str, container: _Container) -> None:
        try:
            helper = self._start(container_id, resident=True, ready=True)
        except Exception as e:
            LOG.debug("no resident helper in %s: %s", container_id[:12], e)
            with self._changed:
                container.starting = container.has_resident = False
                if isinstance(e, NotStarted):
                    container.failed_starts += 1
                self._changed.notify_all()
            return
        with self._changed:
            container.starting = False
            self._changed.notify_all()
            if self._containers.get(container_id) is container:
                container.idle.append(helper)
                return
        helper.close()  # the container has been forgotten meanwhile

    def run(
        self,
        container_id: str,
        job: ScriptJob,
        stdout: Sink,
        stderr: Sink,
        retire: Callable[[], bool] = lambda: False,
    ) -> int | None:
        """Runs the job through a helper: its exit code. HelperLost when the helper ended after
        the script started; NotStarted when no helper could start it (then use an exec). When
        `retire()` says so once the job ended (we killed it), its helper ends with it.
        ContainerNotRunning when the container is paused (the job did not run)."""
        token = uuid.uuid4().hex
        request = resident_job(job, token)
        if request is None:
            raise NotStarted("not for the resident helper")
        container, helper = self._take(container_id)
        proven = helper.proven
        try:
            exit_code = helper.run(request, token, stdout, stderr)
        except NotStarted:
            self._drop(container, helper)
            if proven:  # a stale one (it ended while idle): the next
                return self.run(container_id, job, stdout, stderr, retire)
            with self._lock:
                container.failed_starts += 1
            raise
        except ContainerNotRunning:
            self._drop(container, helper)
            self.forget(container_id)  # paused: its other helpers are frozen too
            raise
        except BaseException:
            self._drop(container, helper)
            raise
        if exit_code is None or retire():  # no exit code recorded: not to be trusted again
            self._drop(container, helper)
        else:
            self._give_back(container_id, container, helper)
        return exit_code

    def forget(self, container_id: str) -> None:
        """Closes the container's idle helpers (it has been restarted, stopped or removed); the ones
        busy or being started are closed when they come back."""
        with self._changed:
            container = self._containers.pop(container_id, None)
            self._changed.notify_all()
        for helper in container.idle if container else []:
            helper.close()

    def _take(self, container_id: str) -> tuple[_Container, Helper]:
        """An idle helper of the container (its resident one first), the one being started for
        it (when no other job waits for that), or a new one."""
        waited = False
        with self._changed:
            while True:
                container = self._containers.setdefault(container_id, _Container())
                if container.failed_starts >= MAX_FAILED_STARTS:
                    raise NotStarted("helpers do not start in this container")
                if container.idle:
                    first = next((k for k, h in enumerate(container.idle) if h.resident), -1)
                    return container, container.idle.pop(first)
                if waited or not container.starting or container.awaited:
                    break
                container.awaited = waited = True
                try:
                    self._changed.wait_for(
                        functools.partial(_idle_or_settled, container), timeout=self._start_wait
                    )
                finally:
                    container.awaited = False
            resident = not container.has_resident
            container.has_resident = True
        try:
            return container, self._start(container_id, resident=resident, ready=False)
        except BaseException:
            if resident:
                with self._lock:
                    container.has_resident = False
            raise

    def _drop(self, container: _Container, helper: Helper) -> None:
        helper.close()
        if helper.resident:
            with self._lock:
                container.has_resident = False

    def _give_back(self, container_id: str, container: _Container, helper: Helper) -> None:
        with self._changed:
            extras = sum(not h.resident for h in container.idle)
            if self._containers.get(container_id) is container and (
                helper.resident or extras < IDLE_PER_CONTAINER - 1
            ):
                container.idle.append(helper)
                container.failed_starts = 0
                self._changed.notify_all()
                return
        helper.close()
