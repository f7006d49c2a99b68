"""The Docker implementation of :class:`~localstack_ssm_docker.engine.interface.ContainerEngine`.

A thin composition, so that the rest of the extension sees one object per Docker engine (one
connection pool) while each role lives in its own module: :mod:`.client` (connections, error
translation), :mod:`.images` (AMIs), :mod:`.commits` (images captured from
instances), :mod:`.containers` (lifecycle), :mod:`.inventory` (which
containers exist), :mod:`.scripts` (running and killing scripts) and :mod:`.tasks` (programs run
once in containers of their own).
"""

import socket
import threading
import uuid
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from docker import APIClient

from localstack_ssm_docker.engine import process_identity
from localstack_ssm_docker.engine.deployment import engine_location
from localstack_ssm_docker.engine.docker.client import clients_from_env, engine_errors
from localstack_ssm_docker.engine.docker.commits import ImageCommits
from localstack_ssm_docker.engine.docker.containers import Containers
from localstack_ssm_docker.engine.docker.images import AmiImages
from localstack_ssm_docker.engine.docker.interactive import DockerExecChannel, DockerSessions
from localstack_ssm_docker.engine.docker.inventory import Inventory
from localstack_ssm_docker.engine.docker.scripts import DockerScripts
from localstack_ssm_docker.engine.docker.tasks import DockerTasks
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

if TYPE_CHECKING:
    from localstack_ssm_docker.engine.docker.imds_network import MetadataNetworks


class DockerEngine:
    """Instance containers and script execution on one Docker engine, one connection pool.

    `run_id` names this LocalStack run; `owner` names this LocalStack across its restarts (both
    random when not given) and labels every container it starts, with this process's identity
    and whether the owner keeps its containers after it stops (`keeps_containers`): so another
    LocalStack can tell an orphan from a live or kept container.
    """

    def __init__(
        self,
        api: APIClient,
        stream_api: APIClient,
        run_id: str | None = None,
        ami_mappings: Mapping[str, str] | None = None,
        owner: str = "",
        resident_helpers: bool = True,
        remote_engine: str | None = None,
        keeps_containers: bool = False,
    ):
        self._api = api
        self.owner = owner or uuid.uuid4().hex[:12]
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._images = AmiImages(api, ami_mappings or {})
        self._commits = ImageCommits(api)
        self._containers = Containers(
            api, self.run_id, self.owner, process_identity.this_process(), keeps_containers
        )
        self._inventory = Inventory(
            api, self.owner, self._containers.remove, process_identity.is_gone
        )
        self._scripts = DockerScripts(
            api, stream_api, self._containers.restart_count, resident_helpers
        )
        self._sessions = DockerSessions(api, stream_api, remote_engine)
        self._tasks = DockerTasks(
            api,
            stream_api,
            self.run_id,
            self.owner,
            process_identity.this_process(),
            process_identity.is_gone,
        )

    @classmethod
    def from_env(
        cls,
        ami_mappings: Mapping[str, str] | None = None,
        owner: str = "",
        resident_helpers: bool = True,
        keeps_containers: bool = False,
    ) -> "DockerEngine":
        """An engine for the Docker host the environment names (DOCKER_HOST or the socket)."""
        clients = clients_from_env()
        location = engine_location()
        return cls(
            clients.control,
            clients.streams,
            ami_mappings=ami_mappings,
            owner=owner,
            resident_helpers=resident_helpers,
            remote_engine=location.docker_host if location.remote else None,
            keeps_containers=keeps_containers,
        )

    # images

    def ami_images(self) -> dict[str, AmiImage]:
        """All local images tagged as AMIs, and the images configured for AMI ids, by AMI id.

        An image labelled ``localstack-ssm-docker.boot=image`` boots with its own entrypoint.
        """
        return self._images.find()

    def commit_image(
        self, container_id: str, reference: str, labels: Mapping[str, str], pause: bool
    ) -> str:
        """Commits the container's filesystem as the image `reference`; its image id."""
        return self._commits.commit(container_id, reference, labels, pause)

    def remove_image(self, reference: str, image_id: str) -> bool:
        """Removes the tag and, once no container uses it, the image; True once it is gone."""
        return self._commits.remove(reference, image_id)

    # container lifecycle

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        """Creates and starts the instance's container; its resident helper starts in the
        background as soon as the container runs (while the launch inspects and checks it, so
        that the first command finds it ready). Helpers of containers the launch removed again
        are forgotten."""
        running: list[str] = []

        def on_running(container_id: str) -> None:
            running.append(container_id)
            self._scripts.prepare(container_id)

        try:
            facts = self._containers.launch(spec, on_running)
        except BaseException:
            for container_id in running:
                self._scripts.forget(container_id)
            raise
        for container_id in running:
            if container_id != facts.container_id:  # kept alive by its own entrypoint instead
                self._scripts.forget(container_id)
        return facts

    def describe(self, container_id: str) -> ContainerFacts:
        """Address, host name and os-release of a running container."""
        return self._containers.describe(container_id)

    def capacity(self) -> ContainerResources:
        """The CPUs and memory of the engine's machine (as `docker info` says)."""
        with engine_errors():
            info = self._api.info()
        return ContainerResources(cpus=int(info["NCPU"]), memory_bytes=int(info["MemTotal"]))

    def update_resources(self, container_id: str, resources: ContainerResources) -> None:
        """Sets the container's CPU quota and memory limit (from its next start when stopped)."""
        self._containers.update_resources(container_id, resources)

    def stop(self, container_id: str) -> None:
        """Stops the container; its filesystem stays."""
        self._scripts.forget(container_id)
        self._containers.stop(container_id)

    def start(self, container_id: str) -> None:
        """Starts a stopped container again (and its resident helper, in the background)."""
        self._containers.start(container_id)
        self._scripts.prepare(container_id)

    def unpause(self, container_id: str) -> None:
        """Resumes a paused container (with a resident helper, unless it has one)."""
        self._containers.unpause(container_id)
        self._scripts.prepare(container_id)

    def restart(self, container_id: str) -> None:
        """Restarts the container, as a reboot would; scripts running in it end with
        ContainerRestarted."""
        self._scripts.forget(container_id)
        self._containers.restart(container_id)
        self._scripts.prepare(container_id)

    def remove(self, container_id: str) -> None:
        """Removes the container; one that is already gone is fine."""
        self._scripts.forget(container_id)
        self._containers.remove(container_id)

    # inventory

    def container_states(self) -> dict[str, str]:
        """The state of this LocalStack's instance containers (this run's and earlier runs'),
        by id."""
        return self._inventory.container_states()

    def container_states_of(self, container_ids: Collection[str]) -> dict[str, str]:
        """The states of these of this LocalStack's instance containers, by id."""
        return self._inventory.container_states(container_ids)

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many."""
        return self._inventory.remove_containers(keep)

    def remove_orphans(self) -> int:
        """Removes instance containers other LocalStacks left behind when their process ended
        (unless they keep them); returns how many."""
        return self._inventory.remove_orphans()

    def foreign_instances(self) -> list[ForeignContainer]:
        """Containers named ``localstack-ec2.<instance-id>`` that this LocalStack did not start."""
        return self._inventory.foreign_instances()

    # scripts

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        """Writes the script into the container, runs it with sh and collects its output."""
        return self._scripts.run_script(container_id, job)

    def kill_script(self, container_id: str, job: ScriptJob) -> bool:
        """SIGKILLs the script's process group (or, without setsid, the script's shell)."""
        return self._scripts.kill_script(container_id, job)

    def run_detached(self, container_id: str, scripts: list[str], log_path: str) -> None:
        """Starts the scripts one after the other in the background, output appended to the log."""
        self._scripts.run_detached(container_id, scripts, log_path)

    # task containers (TaskContainers)

    def run_task(
        self, task: ContainerTask, stop: threading.Event, deadline: float | None
    ) -> ScriptResult:
        """Runs the task in a container of its own, removed when this returns."""
        return self._tasks.run_task(task, stop, deadline)

    def remove_tasks(self, this_run: bool = False) -> int:
        """Removes task containers earlier runs (with `this_run`, this one too) or an ended
        LocalStack's process left behind."""
        return self._tasks.remove_tasks(this_run)

    # Session Manager (SessionEngine): interactive execs and the instance's ports

    def open_exec(
        self,
        container_id: str,
        command: list[str],
        tty: bool,
        user: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> tuple[str, DockerExecChannel]:
        """Starts `command` attached (stdin, and a TTY when asked); its exec id and channel."""
        return self._sessions.open_exec(container_id, command, tty, user, environment)

    def resize_exec(self, exec_id: str, rows: int, cols: int) -> None:
        """Tells an interactive exec's TTY its new window size."""
        self._sessions.resize_exec(exec_id, rows, cols)

    def exec_exit_code(self, exec_id: str) -> int | None:
        """The exit code of an exec, None while it runs."""
        return self._sessions.exec_exit_code(exec_id)

    def run_quiet(self, container_id: str, command: list[str]) -> None:
        """Runs a short command in the container and waits for it (cleanups)."""
        self._sessions.run_quiet(container_id, command)

    def connect_port(
        self, container_id: str, host: str, port: int, timeout: float
    ) -> socket.socket:
        """A TCP connection to `port` of the instance, or of `host` as the instance sees it."""
        return self._sessions.connect_port(container_id, host, port, timeout)

    # the metadata service's route (imds_network)

    def metadata_networks(self) -> "MetadataNetworks":
        """This LocalStack's IMDS networks and responder (see imds_network)."""
        from localstack_ssm_docker.engine.docker.imds_network import MetadataNetworks

        return MetadataNetworks(self._api, self.owner)
