"""Running scripts in instance containers: a Run Command job (output collected, bounded), user
data in the background, and killing a job's process group on timeout or cancel.

A script killed from outside (exit 137 or no exit code) is told apart from one whose container
stopped, was removed or was restarted under it, so that the executor can report what AWS reports
for each (ContainerStopped, ContainerRestarted).
"""

import threading
from collections.abc import Callable

import requests
import urllib3
from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.container_files import write_file
from localstack_ssm_docker.engine.docker.exec_stream import STDERR, STDOUT, exec_output
from localstack_ssm_docker.engine.docker.resident import (
    HelperLost,
    NotStarted,
    ResidentHelpers,
)
from localstack_ssm_docker.engine.docker.shell import (
    bootstrap_command,
    detached_command,
    fits_inline,
    kill_command,
    recover_command,
    script_path,
)
from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerRestarted,
    ContainerStopped,
    EngineError,
)
from localstack_ssm_docker.engine.values import ScriptJob, ScriptResult


class BoundedBuffer:
    """Keeps the first `limit` bytes written and counts them all: a script that writes gigabytes
    must not cost the LocalStack process more than the output limit, yet the full size is
    reported."""

    def __init__(self, limit: int):
        self._limit = limit
        self._parts: list[bytes] = []
        self._kept = 0
        self.size = 0

    def write(self, chunk: bytes | None) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        room = self._limit - self._kept
        if room > 0:
            part = chunk[:room]
            self._parts.append(part)
            self._kept += len(part)

    def value(self) -> bytes:
        return b"".join(self._parts)


_KILLED_OR_UNKNOWN = (None, 137)
"""Exec exit codes after which, unless we killed the script, the container's state is checked."""
_STOP_GRACE_SECONDS = 1.0
"""How long a container killed from outside may take to be seen stopped after its scripts died."""


class _StillRunning(Exception):
    """The container was still running when the grace ran out."""


class DockerScripts:
    """Scripts in containers, over two clients: `api` for control calls, `stream_api` (no read
    timeout) for exec output; `restart_count` tells whether a container restarted meanwhile."""

    def __init__(
        self,
        api: APIClient,
        stream_api: APIClient,
        restart_count: Callable[[str], int],
        resident_helpers: bool = True,
    ):
        self._api = api
        self._stream_api = stream_api
        self._restart_count = restart_count
        self._helpers = ResidentHelpers.on_docker(api, stream_api) if resident_helpers else None
        self._running: set[tuple[str, str]] = set()
        """(container, attempt) of the runs under way: a kill of any other does nothing."""
        self._killed: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        """Writes the script into the container, runs it with sh and collects its output."""
        restarts = self._restart_count(container_id)
        stdout, stderr = BoundedBuffer(job.output_limit), BoundedBuffer(job.output_limit)
        run = (container_id, job.attempt)
        with self._lock:
            self._running.add(run)
        try:
            exit_code = self._run(container_id, job, stdout, stderr)
        finally:
            with self._lock:
                self._running.discard(run)
                killed_by_us = run in self._killed
                self._killed.discard(run)
        if self._restart_count(container_id) != restarts:
            raise ContainerRestarted(f"container {container_id[:12]} restarted during the script")
        result = ScriptResult(
            exit_code=-1 if exit_code is None else exit_code,
            stdout=stdout.value(),
            stderr=stderr.value(),
            stdout_size=stdout.size,
            stderr_size=stderr.size,
        )
        if exit_code in _KILLED_OR_UNKNOWN and not killed_by_us:
            self._raise_if_stopped(container_id, result)
        return result

    def _run(
        self, container_id: str, job: ScriptJob, stdout: BoundedBuffer, stderr: BoundedBuffer
    ) -> int | None:
        """The job's exit code, through a resident helper when there is one, else an exec."""
        try:
            if self._helpers is None:
                raise NotStarted("no resident helpers")
            return self._helpers.run(
                container_id,
                job,
                stdout,
                stderr,
                retire=lambda: self._killed_by_us(container_id, job),
            )
        except NotStarted:
            return self._run_by_exec(container_id, job, stdout, stderr)
        except HelperLost as e:
            return self._recovered_exit_code(container_id, job.script_dir, e)

    def _run_by_exec(
        self, container_id: str, job: ScriptJob, stdout: BoundedBuffer, stderr: BoundedBuffer
    ) -> int | None:
        """Runs the job through an exec of its own (the script inline, or copied in first)."""
        script = job.script.encode()
        inline = fits_inline(script)
        if not inline:
            write_file(self._api, container_id, script_path(job), script, 0o700)
        command = bootstrap_command(job, inline)
        with engine_errors():
            exec_id = self._api.exec_create(container_id, command, environment=job.environment)
            for stream_id, chunk in exec_output(self._stream_api, exec_id["Id"]):
                if stream_id == STDOUT:
                    stdout.write(chunk)
                elif stream_id == STDERR:
                    stderr.write(chunk)
            return self._api.exec_inspect(exec_id["Id"]).get("ExitCode")

    def _recovered_exit_code(
        self, container_id: str, script_dir: str, lost: HelperLost
    ) -> int | None:
        """The exit code of a script whose helper ended mid-job (the helper was killed, or its
        container stopped): once the script has ended, the code its job recorded; the helper's
        own when there is none (or the container cannot be reached: then it is checked)."""
        try:
            with engine_errors():
                exec_id = self._api.exec_create(container_id, recover_command(script_dir))
                recorded = b"".join(
                    chunk
                    for stream_id, chunk in exec_output(self._stream_api, exec_id["Id"])
                    if stream_id == STDOUT
                ).split()
        except EngineError:
            return lost.exit_code
        if len(recorded) == 2 and recorded[0] == lost.token.encode() and recorded[1].isdigit():
            return int(recorded[1])
        return lost.exit_code

    def _killed_by_us(self, container_id: str, job: ScriptJob) -> bool:
        with self._lock:
            return (container_id, job.attempt) in self._killed

    def prepare(self, container_id: str) -> None:
        """The container has just started: its resident helper starts in the background."""
        if self._helpers is not None:
            self._helpers.prepare(container_id)

    def forget(self, container_id: str) -> None:
        """The container was restarted, stopped or removed: its idle helpers are gone."""
        if self._helpers is not None:
            self._helpers.forget(container_id)

    def _raise_if_stopped(self, container_id: str, so_far: ScriptResult) -> None:
        """ContainerStopped (with the output so far) when the container stops (killed, stopped,
        removed) within a short grace: that, not the script, is why the script was killed."""
        try:
            with engine_errors():
                status = self._wait_not_running(container_id)
        except _StillRunning:
            return
        except ContainerGone as e:
            raise ContainerStopped(f"container {container_id[:12]} was removed", so_far) from e
        exit_code = status.get("StatusCode")
        raise ContainerStopped(f"container {container_id[:12]} exited with {exit_code}", so_far)

    def _wait_not_running(self, container_id: str) -> dict:
        """The container's exit status once it is not running; _StillRunning after the grace."""
        try:
            return self._api.wait(
                container_id, timeout=_STOP_GRACE_SECONDS, condition="not-running"
            )
        except requests.exceptions.RequestException as e:
            # requests reports this read timeout as a ConnectionError wrapping urllib3's
            if isinstance(e, requests.exceptions.Timeout) or any(
                isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in e.args
            ):
                raise _StillRunning() from e
            raise

    def run_detached(self, container_id: str, scripts: list[str], log_path: str) -> None:
        """Starts the scripts one after the other in the background, output appended to the log."""
        with engine_errors():
            exec_id = self._api.exec_create(container_id, detached_command(scripts, log_path))
            self._api.exec_start(exec_id["Id"], detach=True)

    def kill_script(self, container_id: str, job: ScriptJob) -> bool:
        """SIGKILLs the process group of the job's run (or, without setsid, its shell); False,
        and nothing done, when that run is not under way (another run of the same script is
        not touched: the kill in the container checks the attempt too)."""
        run = (container_id, job.attempt)
        with self._lock:
            if run not in self._running:
                return False
            self._killed.add(run)
        with engine_errors():
            exec_id = self._api.exec_create(container_id, kill_command(job))
            self._api.exec_start(exec_id["Id"])
            return self._api.exec_inspect(exec_id["Id"]).get("ExitCode") == 0
