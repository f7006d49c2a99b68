"""The interface between the extension and a container engine, and the values that cross it.

Everything the EC2 backend and the Run Command executor need from Docker is named here; the
Docker implementation lives in :mod:`localstack_ssm_docker.docker_engine`, and unit tests drive
the executor with their own fakes of these protocols.
"""

from dataclasses import dataclass, field
from typing import Protocol

CONTAINER_NAME_PREFIX = "localstack-ec2."
"""Instance containers are named ``localstack-ec2.<instance-id>`` (LocalStack Pro's convention)."""


class EngineError(Exception):
    """The container engine could not do what was asked."""


class EngineUnavailable(EngineError):
    """No container engine answers."""


class ContainerGone(EngineError):
    """The container does not exist (any more)."""


class ContainerNotRunning(EngineError):
    """The container exists but is paused or stopped."""


class ContainerRestarted(EngineError):
    """The container was restarted (the instance rebooted) while a script ran in it."""


class ContainerStopped(EngineError):
    """The container stopped or was removed while a script ran in it; `output` is what the
    script had written until then."""

    def __init__(self, message: str, output: "ScriptResult | None" = None):
        super().__init__(message)
        self.output = output


@dataclass(frozen=True)
class AmiImage:
    """A Docker image that stands for an AMI: tagged ``localstack-ec2/<name>:<ami-id>`` or mapped
    to an AMI id by configuration."""

    ami_id: str
    name: str
    tag: str
    created: str
    boots_itself: bool = False
    """The image's own entrypoint (systemd, say) keeps it running: do not replace it."""


@dataclass(frozen=True)
class ContainerOptions:
    """Extra `docker run` settings for every instance container (from configuration)."""

    network: str | None = None
    privileged: bool = False
    environment: dict[str, str] = field(default_factory=dict)
    volumes: list[str] = field(default_factory=list)
    extra_hosts: dict[str, str] = field(default_factory=dict)
    dns: list[str] = field(default_factory=list)
    user: str | None = None
    ulimits: list[tuple[str, int, int]] = field(default_factory=list)
    pids_limit: int | None = None


@dataclass(frozen=True)
class ContainerSpec:
    """What an instance container is started with."""

    name: str
    image: str
    hostname: str
    labels: dict[str, str]
    boots_itself: bool = False
    options: ContainerOptions = field(default_factory=ContainerOptions)


@dataclass(frozen=True)
class ContainerFacts:
    """What is learnt about an instance container once it runs."""

    container_id: str
    ip_address: str
    hostname: str
    os_release: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScriptJob:
    """A shell script to write into a container and run there."""

    script: str
    script_dir: str
    working_directory: str
    environment: dict[str, str]
    output_limit: int


@dataclass(frozen=True)
class ScriptResult:
    """How a script ended: its exit code and the head of each output stream."""

    exit_code: int
    stdout: bytes
    stderr: bytes
    stdout_size: int
    stderr_size: int


@dataclass(frozen=True)
class ForeignContainer:
    """An instance container this LocalStack run did not start (another EC2 backend's)."""

    container_id: str
    instance_id: str
    state: str
    created: float


class ScriptRunner(Protocol):
    """Runs scripts inside containers, kills them, and reboots a container when a script asks."""

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        """Runs the job's script in its own process group and waits for it to end."""
        ...

    def kill_script(self, container_id: str, script_dir: str) -> bool:
        """SIGKILLs the process group of the script in `script_dir`; False if it has none yet."""
        ...

    def restart(self, container_id: str) -> None:
        """Restarts the container, as a reboot would."""
        ...


class ContainerEngine(ScriptRunner, Protocol):
    """Container lifecycle for instances, plus script execution."""

    run_id: str

    def ami_images(self) -> dict[str, AmiImage]: ...

    def launch(self, spec: ContainerSpec) -> ContainerFacts: ...

    def stop(self, container_id: str) -> None: ...

    def start(self, container_id: str) -> None: ...

    def unpause(self, container_id: str) -> None: ...

    def remove(self, container_id: str) -> None: ...

    def container_states(self) -> dict[str, str]:
        """The state of every instance container of this LocalStack (this run's and, after a
        restart, earlier runs'), by id."""
        ...

    def run_detached(self, container_id: str, scripts: list[str], log_path: str) -> None: ...

    def foreign_instances(self) -> list[ForeignContainer]: ...

    def describe(self, container_id: str) -> ContainerFacts: ...

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many."""
        ...
