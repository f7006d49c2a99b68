"""Fakes of the extension's own engine interfaces, for tests without Docker."""

import threading
from collections.abc import Callable, Collection

from localstack_ssm_docker.engine.errors import ContainerGone, EngineError
from localstack_ssm_docker.engine.interface import ContainerEngine, ScriptRunner, TaskContainers
from localstack_ssm_docker.engine.values import (
    AmiImage,
    ContainerFacts,
    ContainerResources,
    ContainerSpec,
    ContainerTask,
    ForeignContainer,
    ScriptJob,
    ScriptResult,
)
from localstack_ssm_docker.ssm.run.timers import Timer, Timers
from localstack_ssm_docker.ssm.run.workers import Pool


def result(exit_code: int = 0, stdout: bytes = b"", stderr: bytes = b"") -> ScriptResult:
    return ScriptResult(exit_code, stdout, stderr, len(stdout), len(stderr))


class FakeRunner:
    """Runs nothing: answers each job with `respond(container_id, job)`, recording the jobs.

    `kill_script` records the run in `kills` and sets `killed` (a blocking `respond` can wait
    for it) unless `kill_answers` says the script could not be killed yet; `restart` is
    counted.
    """

    def __init__(self, respond: Callable[[str, ScriptJob], ScriptResult]):
        self._respond = respond
        self.jobs: list[tuple[str, ScriptJob]] = []
        self.finished = threading.Semaphore(0)
        self.killed = threading.Event()
        self.kills: list[ScriptJob] = []
        self.kill_answers: Callable[[], bool] = lambda: True
        self.restarts = 0

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        self.jobs.append((container_id, job))
        try:
            return self._respond(container_id, job)
        finally:
            self.finished.release()

    def kill_script(self, container_id: str, job: ScriptJob) -> bool:
        if not self.kill_answers():
            return False
        self.kills.append(job)
        self.killed.set()
        return True

    def restart(self, container_id: str) -> None:
        self.restarts += 1


class FakeEngine:
    """Containers as dict entries; `fail_on` names images whose launch fails; `foreign` is what
    foreign_instances answers; kill_script records the kills; `resources` holds each
    container's CPU and memory limits, on a machine of `machine`'s size."""

    run_id = "fake-run"
    machine = ContainerResources(cpus=2, memory_bytes=24 * 1024**3)

    def __init__(self, fail_on: str | None = None):
        self.fail_on = fail_on
        self.containers: dict[str, str] = {}
        self.detached: list[tuple[str, list[str], str]] = []
        self.facts: dict[str, ContainerFacts] = {}
        self.foreign: list[ForeignContainer] = []
        self.kills: list[tuple[str, str]] = []
        self.resources: dict[str, ContainerResources | None] = {}
        self.capacity_asked = 0
        self.reboot_gate = threading.Event()
        self.reboot_gate.set()
        self.restarted = threading.Event()
        self._lock = threading.Lock()

    def ami_images(self) -> dict[str, AmiImage]:
        return {}

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        if spec.name.endswith(self.fail_on or "\0"):
            raise EngineError(f"cannot start {spec.name}")
        facts = ContainerFacts(spec.name, "10.0.0.1", spec.hostname, {"NAME": "Fake"})
        with self._lock:
            self.containers[spec.name] = "running"
            self.facts[spec.name] = facts
            self.resources[spec.name] = spec.resources
        return facts

    def capacity(self) -> ContainerResources:
        self.capacity_asked += 1
        return self.machine

    def update_resources(self, container_id: str, resources: ContainerResources) -> None:
        with self._lock:
            if container_id not in self.containers:
                raise ContainerGone(f"no container {container_id}")
            self.resources[container_id] = resources

    def describe(self, container_id: str) -> ContainerFacts:
        with self._lock:
            if container_id not in self.containers:
                raise ContainerGone(f"no container {container_id}")
            return self.facts[container_id]

    def foreign_instances(self) -> list[ForeignContainer]:
        return list(self.foreign)

    def remove(self, container_id: str) -> None:
        with self._lock:
            self.containers.pop(container_id, None)
            self.facts.pop(container_id, None)
            self.resources.pop(container_id, None)

    def stop(self, container_id: str) -> None:
        self.containers[container_id] = "exited"

    def start(self, container_id: str) -> None:
        self.containers[container_id] = "running"

    def restart(self, container_id: str) -> None:
        self.reboot_gate.wait(10)
        self.containers[container_id] = "running"
        self.restarted.set()

    def container_states(self) -> dict[str, str]:
        return dict(self.containers)

    def container_states_of(self, container_ids: Collection[str]) -> dict[str, str]:
        states = self.container_states()
        return {c: states[c] for c in container_ids if c in states}

    def run_detached(self, container_id: str, scripts: list[str], log_path: str) -> None:
        self.detached.append((container_id, scripts, log_path))

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        doomed = [c for c in self.containers if c not in keep]
        for container_id in doomed:
            self.remove(container_id)
        return len(doomed)

    def remove_orphans(self) -> int:
        return 0

    def unpause(self, container_id: str) -> None:
        self.containers[container_id] = "running"

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        return result()

    def kill_script(self, container_id: str, job: ScriptJob) -> bool:
        self.kills.append((container_id, job.script_dir))
        return True


class FakeTasks:
    """Runs no container: records each task with its stop event and deadline and answers with
    `respond(task, stop)` (which may raise the engine's errors, or block on the stop event)."""

    def __init__(self, respond: Callable[[ContainerTask, threading.Event], ScriptResult]):
        self._respond = respond
        self.tasks: list[tuple[ContainerTask, threading.Event, float | None]] = []
        self.removals: list[bool] = []

    def run_task(
        self, task: ContainerTask, stop: threading.Event, deadline: float | None
    ) -> ScriptResult:
        self.tasks.append((task, stop, deadline))
        return self._respond(task, stop)

    def remove_tasks(self, this_run: bool = False) -> int:
        self.removals.append(this_run)
        return 0


def _structurally_complete() -> None:
    """Never called: mypy checks here that the fakes implement the engine protocols."""
    engine: ContainerEngine = FakeEngine()
    runner: ScriptRunner = FakeRunner(lambda _c, _j: result())
    timers: Timers = ManualTimers()
    pool: Pool = HeldPool()
    tasks: TaskContainers = FakeTasks(lambda _t, _s: result())
    del engine, runner, timers, pool, tasks


class ManualTimers:
    """Run Command's `Timers` on a clock that moves only when the test calls `advance`, which
    runs the calls then due (not cancelled) on the test's thread."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[Timer] = []
        self._lock = threading.Lock()

    def call_later(self, delay: float, action: Callable[[], None]) -> Timer:
        timer = Timer(self.now + delay, action)
        with self._lock:
            self._timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
            due = [t for t in self._timers if t.due <= self.now]
            self._timers = [t for t in self._timers if t.due > self.now]
        for timer in sorted(due, key=lambda t: t.due):
            if not timer.cancelled:
                timer.action()

    def shutdown(self) -> None:
        with self._lock:
            self._timers.clear()


class HeldPool:
    """A `Pool` that holds what is submitted until the test calls `run_held` (on its thread);
    `submitted` is set at each submission."""

    def __init__(self) -> None:
        self._held: list[tuple[Callable, tuple]] = []
        self._lock = threading.Lock()
        self.submitted = threading.Event()
        self._closed = False

    def submit(self, fn: Callable, *args) -> None:
        with self._lock:
            if self._closed:
                return
            self._held.append((fn, args))
        self.submitted.set()

    def run_held(self) -> int:
        """Runs the calls held so far; how many."""
        with self._lock:
            held, self._held = self._held, []
        for fn, args in held:
            fn(*args)
        return len(held)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            self._held.clear()
