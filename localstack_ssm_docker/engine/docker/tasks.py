"""Task containers: a program run once in a container of its own (an Automation step's script),
its output collected, the container removed whatever happened.

The rule this module keeps: a task's container never outlives the call that ran it. It is removed
when the program ends, when the caller's stop event is set and when the deadline passes (killed
first, so the call returns at once); one left behind by a LocalStack process that died meanwhile
carries this LocalStack's task label and its process identity, and `remove_tasks` finds it.

Nothing runs in the container but the task's program: its files are written with the archive API
into the created container before it starts, its output is read from the engine's log of it (the
json-file driver, whatever the engine's default) once it ended.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from docker import APIClient
from docker.types import LogConfig

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.docker.container_files import write_file
from localstack_ssm_docker.engine.docker.inventory import remove_each
from localstack_ssm_docker.engine.docker.labels import (
    LABEL_KEPT,
    LABEL_PROCESS,
    LABEL_RUN_ID,
    LABEL_TASK_OWNER,
    is_orphan,
)
from localstack_ssm_docker.engine.docker.scripts import BoundedBuffer
from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    EngineError,
    ImageMissing,
    TaskStopped,
)
from localstack_ssm_docker.engine.values import ContainerTask, ScriptResult

LOG = logging.getLogger(__name__)

_WATCH_SECONDS = 0.05
"""How often the watcher of a running task looks at its stop event and deadline."""
_NOBODY = "65534:65534"
"""Tasks run as nobody (numeric: any image has the ids), without the capabilities of root."""
_PIDS_LIMIT = 1024
_DROPPED = ["NET_RAW", "NET_ADMIN"]
"""As for instances (see :mod:`.containers`): no forged ARP on the shared bridge."""


def task_labels(labels: dict[str, str], run_id: str, owner: str, process: str) -> dict[str, str]:
    """A task container's labels: the task's own, the LocalStack that started it (under
    LABEL_TASK_OWNER, never LABEL_OWNER) and its process. Never kept past its process. Pure."""
    return {
        **labels,
        LABEL_TASK_OWNER: owner,
        LABEL_RUN_ID: run_id,
        LABEL_PROCESS: process,
        LABEL_KEPT: "0",
    }


class DockerTasks:
    """Task containers of one LocalStack on one Docker engine: `api` for control calls,
    `stream_api` (no read timeout) for the wait, which lasts as long as the program."""

    def __init__(
        self,
        api: APIClient,
        stream_api: APIClient,
        run_id: str,
        owner: str,
        process: str,
        gone: Callable[[str], bool],
        clock: Callable[[], float] = time.monotonic,
    ):
        self._api = api
        self._stream_api = stream_api
        self._run_id = run_id
        self._owner = owner
        self._process = process
        self._gone = gone
        self._clock = clock

    def run_task(
        self, task: ContainerTask, stop: threading.Event, deadline: float | None
    ) -> ScriptResult:
        """Runs the task's program in a new container and waits for it to end; its output and
        exit code. With `stop` set, or once `deadline` (a `clock` value) passed, the container
        is killed and TaskStopped raised; the container is removed in every case."""
        container_id = self._create(task)
        finished = threading.Event()
        killed: list[bool] = []  # [timed_out] once the watcher killed it
        try:
            with engine_errors():
                for network in task.networks:
                    self._api.connect_container_to_network(container_id, network)
            for path, content in task.files:
                write_file(self._api, container_id, path, content, 0o644)
            with engine_errors():
                self._api.start(container_id)
            watcher = threading.Thread(
                target=self._watch,
                args=(container_id, stop, deadline, finished, killed),
                name="task-watch",
                daemon=True,
            )
            watcher.start()
            exit_code = self._wait(container_id)
            finished.set()
            watcher.join()
            if killed:
                raise TaskStopped("timed out" if killed[0] else "stopped", timed_out=killed[0])
            stdout = self._output(container_id, task.output_limit, stdout=True)
            stderr = self._output(container_id, task.output_limit, stdout=False)
            return ScriptResult(exit_code, stdout.value(), stderr.value(), stdout.size, stderr.size)
        finally:
            finished.set()
            self._remove(container_id)

    def _create(self, task: ContainerTask) -> str:
        host_config = self._api.create_host_config(
            network_mode=task.network,
            cap_drop=_DROPPED,
            pids_limit=_PIDS_LIMIT,
            log_config=LogConfig(type=LogConfig.types.JSON),
        )
        try:
            with engine_errors():
                created = self._api.create_container(
                    task.image,
                    entrypoint=list(task.command),
                    command=[],
                    environment=task.environment or None,
                    labels=task_labels(task.labels, self._run_id, self._owner, self._process),
                    user=_NOBODY,
                    detach=True,
                    host_config=host_config,
                )
        except ContainerGone as e:  # the engine answers a missing image with a 404
            raise ImageMissing(f"image {task.image} not found") from e
        return str(created["Id"])

    def _wait(self, container_id: str) -> int:
        with engine_errors():
            status = self._stream_api.wait(container_id)
        return int(status.get("StatusCode", -1))

    def _watch(
        self,
        container_id: str,
        stop: threading.Event,
        deadline: float | None,
        finished: threading.Event,
        killed: list[bool],
    ) -> None:
        """Kills the container once `stop` is set or `deadline` passed, unless it ended."""
        while not finished.is_set():
            timed_out = deadline is not None and self._clock() >= deadline
            if stop.wait(_WATCH_SECONDS) or timed_out:
                if finished.is_set():
                    return
                killed.append(timed_out and not stop.is_set())
                with contextlib.suppress(EngineError), engine_errors():
                    self._api.kill(container_id)
                return

    def _output(self, container_id: str, limit: int, stdout: bool) -> BoundedBuffer:
        kept = BoundedBuffer(limit)
        with engine_errors():
            for chunk in self._api.logs(
                container_id, stdout=stdout, stderr=not stdout, stream=True, follow=False
            ):
                kept.write(chunk)
        return kept

    def _remove(self, container_id: str) -> None:
        """Removes the container whatever happened to the task (logged when it cannot be)."""
        try:
            self._force_remove(container_id)
        except EngineError as e:
            LOG.warning("task container %s not removed: %s", container_id[:12], e)

    def _force_remove(self, container_id: str) -> None:
        with contextlib.suppress(ContainerGone), engine_errors():
            self._api.remove_container(container_id, force=True)

    def remove_tasks(self, this_run: bool = False) -> int:
        """Removes the task containers this LocalStack's earlier runs (with `this_run`, this
        one's too: a caller makes sure none of its tasks runs) and other LocalStacks' ended
        processes left behind; how many went."""
        with engine_errors():
            containers = self._api.containers(all=True, filters={"label": LABEL_TASK_OWNER})
        leftovers = [
            c["Id"]
            for c in containers
            if self._is_leftover(c.get("Labels") or {}, this_run)
            or is_orphan(c.get("Labels"), self._owner, self._gone, LABEL_TASK_OWNER)
        ]
        return remove_each(leftovers, self._force_remove)

    def _is_leftover(self, labels: dict[str, str], this_run: bool) -> bool:
        if labels.get(LABEL_TASK_OWNER) != self._owner:
            return False
        return this_run or labels.get(LABEL_RUN_ID) != self._run_id
