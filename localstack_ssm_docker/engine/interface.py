"""The interface between the extension and a container engine.

Everything the EC2 backend and the Run Command executor need from Docker is named here; the
Docker implementation lives in :mod:`localstack_ssm_docker.engine.docker`, and unit tests drive
the executor with their own fakes of these protocols.
"""

import socket
import threading
from collections.abc import Collection, Iterator, Mapping
from typing import Protocol

from localstack_ssm_docker.engine.values import (
    AmiImage,
    ContainerFacts,
    ContainerResources,
    ContainerSpec,
    ContainerTask,
    ForeignContainer,
    MetadataRoute,
    RouteChange,
    ScriptJob,
    ScriptResult,
)


class ScriptRunner(Protocol):
    """Runs scripts inside containers, kills them, and reboots a container when a script asks."""

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        """Runs the job's script in its own process group and waits for it to end."""
        ...

    def kill_script(self, container_id: str, job: ScriptJob) -> bool:
        """SIGKILLs the process group of the script that `job` ran, never another run's; False
        if that run has none (not yet, or no longer)."""
        ...

    def restart(self, container_id: str) -> None:
        """Restarts the container, as a reboot would."""
        ...


class ContainerEngine(ScriptRunner, Protocol):
    """Container lifecycle for instances, plus script execution."""

    run_id: str

    def ami_images(self) -> dict[str, AmiImage]: ...

    def launch(self, spec: ContainerSpec) -> ContainerFacts: ...

    def capacity(self) -> ContainerResources:
        """The CPUs and memory of the engine's machine."""
        ...

    def update_resources(self, container_id: str, resources: ContainerResources) -> None:
        """Sets the container's CPU quota and memory limit (a stopped container has them from
        its next start)."""
        ...

    def stop(self, container_id: str) -> None: ...

    def start(self, container_id: str) -> None: ...

    def unpause(self, container_id: str) -> None: ...

    def remove(self, container_id: str) -> None: ...

    def container_states(self) -> dict[str, str]:
        """The state of every instance container of this LocalStack (this run's and, after a
        restart, earlier runs'), by id."""
        ...

    def container_states_of(self, container_ids: Collection[str]) -> dict[str, str]:
        """The states of these of this LocalStack's instance containers, by id (ids that are
        not among them left out): what `container_states` says of them, for a request that
        names its instances."""
        ...

    def run_detached(self, container_id: str, scripts: list[str], log_path: str) -> None: ...

    def foreign_instances(self) -> list[ForeignContainer]: ...

    def describe(self, container_id: str) -> ContainerFacts: ...

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many."""
        ...

    def remove_orphans(self) -> int:
        """Removes the instance containers other LocalStacks left behind when their process ended
        without meaning to keep them (a live or keeping LocalStack's stay); returns how many."""
        ...


class TaskContainers(Protocol):
    """Programs run once in containers of their own (Automation's scripts), never in an
    instance's: each container is removed when its call returns."""

    def run_task(
        self, task: ContainerTask, stop: threading.Event, deadline: float | None
    ) -> ScriptResult:
        """Runs the task and waits for it to end: its output and exit code. TaskStopped once
        `stop` is set or `deadline` (a `time.monotonic()` value) passed, the container killed;
        ImageMissing when the image is not on the engine."""
        ...

    def remove_tasks(self, this_run: bool = False) -> int:
        """Removes the task containers this LocalStack's earlier runs (with `this_run`, this
        run's too) or another one's ended process left; how many went."""
        ...


class ImageEngine(Protocol):
    """What CreateImage and DeregisterImage need: an instance's container committed as an image
    (stopped and started again around it for a reboot), and that image removed again."""

    def commit_image(
        self, container_id: str, reference: str, labels: Mapping[str, str], pause: bool
    ) -> str:
        """Commits the container's filesystem as `reference` (repository:tag); the image id."""
        ...

    def remove_image(self, reference: str, image_id: str) -> bool:
        """Removes the tag and, unless a container still uses it, the image; True once the
        image is gone, False while something holds it (the tag is gone either way)."""
        ...

    def stop(self, container_id: str) -> None: ...

    def start(self, container_id: str) -> None: ...


class ExecChannel(Protocol):
    """The stdin and output of one interactive exec, as a raw bidirectional stream."""

    def read(self) -> bytes:
        """The next output; b"" once the process ended or the channel was closed."""
        ...

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class SessionEngine(Protocol):
    """What Session Manager needs from the engine: interactive execs and the instance's ports.

    Ports are reached through `connect_port` so that an engine LocalStack cannot route to (a
    remote one) can relay through an exec instead."""

    def open_exec(
        self,
        container_id: str,
        command: list[str],
        tty: bool,
        user: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> tuple[str, ExecChannel]:
        """Starts `command` attached (stdin, and a TTY when asked); its exec id and channel."""
        ...

    def resize_exec(self, exec_id: str, rows: int, cols: int) -> None: ...

    def exec_exit_code(self, exec_id: str) -> int | None: ...

    def run_quiet(self, container_id: str, command: list[str]) -> None:
        """Runs a short command in the container and waits for it (cleanups)."""
        ...

    def connect_port(
        self, container_id: str, host: str, port: int, timeout: float
    ) -> "socket.socket":
        """A TCP connection to `port` of the instance (no host) or of `host` as the instance
        sees it; OSError when nothing answers."""
        ...

    def container_states(self) -> dict[str, str]: ...


class RouteChanges(Protocol):
    """The engine's reports of changes to the metadata route, in order, from the moment it was
    opened: iteration ends when the engine's stream breaks (an engine restart) or `close` was
    called, from any thread."""

    def __iter__(self) -> Iterator[RouteChange]: ...

    def close(self) -> None: ...


class MetadataRouting(Protocol):
    """The networks and responder that serve 169.254.169.254 to instances, shared by the
    LocalStacks on one engine (see :mod:`localstack_ssm_docker.engine.docker.imds_network`)."""

    network: str

    def prepare(self, own_container: str | None) -> MetadataRoute: ...

    def start_responder(self, route: MetadataRoute, image: str) -> bool:
        """True when the responder was made (so its registrations are empty)."""
        ...

    def register(self, entries: dict[str, str]) -> None:
        """Caller address -> "listener-host port secret" for the responder."""
        ...

    def unregister(self, addresses: list[str], registration: str) -> None:
        """Removes those callers' registrations where they still hold `registration`."""
        ...

    def members(self) -> dict[str, str]:
        """Address on the metadata network of each container on it, by container id."""
        ...

    def remove_if_unused(self) -> bool: ...

    def changes(self) -> RouteChanges:
        """Starts following the engine's events about the metadata route: what changes after
        this returns is reported (EngineError when the engine does not answer)."""
        ...

    def gateway_of(self, network: str) -> str | None: ...
