"""Resident helpers: scripts started inside the container without a container-runtime round trip.

A `docker exec` costs the engine a runtime call (runc) for every command: tens of milliseconds of
CPU on a small machine, most of a round trip. A resident helper (the RESIDENT_HELPER loop of
:mod:`.shell`, a POSIX `sh`) is started once through one exec with its stdin attached, and then
starts a process for each job it reads, as the SSM agent does. A container has as many helpers
as it runs jobs at once (idle ones are kept, up to IDLE_PER_CONTAINER).

What makes this as safe as an exec per command:
- a job is acknowledged by the helper before its script starts, so a helper that is gone (its
  container restarted, stopped or removed, the engine restarted) is found out before anything
  ran, and the caller falls back to an exec for that job (:class:`NotStarted`);
- after the acknowledgement, the job's end comes in-band (a random token and the exit code after
  the output); when the stream ends without it, the helper exec's own exit code stands in, as an
  exec's would (137 or none), and the caller checks the container's state as for an exec;
- the script runs in its own session with its pid in the same file, so the same kill applies;
  output streams through, bounded on our side by the caller's buffers, as for an exec.
"""

import logging
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.exec_stream import STDERR, STDOUT, read_frames, start_exec
from localstack_ssm_docker.engine.docker.shell import resident_helper_command, resident_job
from localstack_ssm_docker.engine.values import ScriptJob

LOG = logging.getLogger(__name__)

IDLE_PER_CONTAINER = 4
HELPER_ROOT = "/tmp/.localstack-ssm-helper"
MAX_FAILED_STARTS = 3
"""After this many helpers in a row that died before their first job, a container gets execs."""


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


class _Helper:
    """One resident helper: its exec, and the hijacked connection to its stdin and output."""

    def __init__(self, api: APIClient, stream_api: APIClient, container_id: str):
        self._api = api
        with engine_errors():
            command = resident_helper_command(f"{HELPER_ROOT}/{uuid.uuid4().hex[:12]}")
            self.exec_id = api.exec_create(container_id, command, stdin=True)["Id"]
            attached = start_exec(stream_api, self.exec_id)
        self._response = attached.response
        self._socket = attached.socket
        self._frames: Iterator[tuple[int, bytes]] = read_frames(attached.reader)
        self.jobs = 0

    def run(self, request: bytes, token: str, stdout: Sink, stderr: Sink) -> int | None:
        """Runs one job; its exit code. HelperLost when the helper ended after the script
        started, NotStarted when before."""
        self.jobs += 1
        marker = token.encode()
        ack = _Until(marker + b" +\n", None)
        out = _Until(marker + b" ", stdout)
        err = _Until(marker + b"\n", stderr)
        early_stderr: list[bytes] = []  # the script's, or a dying helper's: kept until the ack
        try:
            self._socket.sendall(request)
            for stream_id, chunk in self._frames:
                if stream_id == STDOUT:
                    if not ack.found:
                        ack.feed(chunk)
                        if not ack.found:
                            continue
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
                raise NotStarted(str(e)) from e
        if not ack.found:
            raise NotStarted("the helper ended")
        out.flush()
        err.flush()
        with engine_errors():
            raise HelperLost(self._api.exec_inspect(self.exec_id).get("ExitCode"), token)

    def close(self) -> None:
        """Ends the helper (its stdin closes, its loop ends) and the connection."""
        try:
            self._response.close()
            self._socket.close()
        except OSError:
            pass


class ResidentHelpers:
    """The resident helpers of every container, taken one per job."""

    def __init__(self, api: APIClient, stream_api: APIClient):
        self._api = api
        self._stream_api = stream_api
        self._idle: dict[str, list[_Helper]] = {}
        self._failed_starts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def run(self, container_id: str, job: ScriptJob, stdout: Sink, stderr: Sink) -> int | None:
        """Runs the job through a helper: its exit code. HelperLost when the helper ended after
        the script started; NotStarted when no helper could start it (then use an exec)."""
        token = uuid.uuid4().hex
        request = resident_job(job, token)
        with self._lock:
            usable = self._failed_starts[container_id] < MAX_FAILED_STARTS
        if request is None or not usable:
            raise NotStarted("not for the resident helper")
        helper = self._take(container_id)
        try:
            exit_code = helper.run(request, token, stdout, stderr)
        except NotStarted:
            helper.close()
            if helper.jobs > 1:
                return self.run(container_id, job, stdout, stderr)  # a stale idle one: once more
            with self._lock:
                self._failed_starts[container_id] += 1
            raise
        except BaseException:
            helper.close()
            raise
        if exit_code is None:  # no exit code recorded: do not trust this helper again
            helper.close()
        else:
            self._give_back(container_id, helper)
        return exit_code

    def forget(self, container_id: str) -> None:
        """Closes the container's idle helpers (it was restarted, stopped or removed)."""
        with self._lock:
            helpers = self._idle.pop(container_id, [])
            self._failed_starts.pop(container_id, None)
        for helper in helpers:
            helper.close()

    def _take(self, container_id: str) -> _Helper:
        with self._lock:
            idle = self._idle.get(container_id)
            if idle:
                return idle.pop()
        return _Helper(self._api, self._stream_api, container_id)

    def _give_back(self, container_id: str, helper: _Helper) -> None:
        with self._lock:
            idle = self._idle.setdefault(container_id, [])
            if len(idle) < IDLE_PER_CONTAINER:
                idle.append(helper)
                self._failed_starts.pop(container_id, None)
                return
        helper.close()
