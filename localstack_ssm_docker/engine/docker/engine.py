"""The only code that talks to the Docker engine: the Docker implementation of ContainerEngine."""

import contextlib
import io
import logging
import posixpath
import re
import tarfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import docker
import requests
import urllib3
from docker import APIClient
from docker.errors import APIError, DockerException, NotFound

from localstack_ssm_docker.engine.docker.exec_stream import STDERR, STDOUT, exec_output
from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    ContainerRestarted,
    ContainerStopped,
    EngineError,
    EngineUnavailable,
)
from localstack_ssm_docker.engine.values import (
    CONTAINER_NAME_PREFIX,
    AmiImage,
    ContainerFacts,
    ContainerSpec,
    ForeignContainer,
    ScriptJob,
    ScriptResult,
)

if TYPE_CHECKING:
    from localstack_ssm_docker.engine.docker.imds_network import MetadataNetworks

LOG = logging.getLogger(__name__)

LABEL_RUN_ID = "localstack-ssm-docker.run-id"
LABEL_OWNER = "localstack-ssm-docker.owner"
LABEL_BOOT = "localstack-ssm-docker.boot"
_INSTANCE_NAME = re.compile(r"^localstack-ec2\.(i-[0-9a-zA-Z]+)$")
AMI_REPOSITORY_PREFIX = "localstack-ec2/"
_AMI_TAG = re.compile(r"^localstack-ec2/(?P<name>[^:]+):(?P<ami>ami-[0-9a-z]+)$")
_API_VERSION = "1.41"
_POOL_SIZE = 64
# Scripts up to this size travel inside the exec call itself; larger ones are copied in first.
_INLINE_SCRIPT_LIMIT = 96 * 1024
# Writes the script into the container (when given as $3), then runs it as the SSM agent does:
# `sh -c <script file>` from the working directory, in a process group of its own (a new session,
# where setsid exists) whose id goes to $d/pid, so that a timeout or cancel can kill all of it.
_BOOTSTRAP = (
    'd=$1; wd=$2; mkdir -p "$d" || exit 1; '
    'if [ "$#" -ge 3 ]; then printf "%s" "$3" > "$d/_script.sh" || exit 1; fi; '
    'chmod 700 "$d/_script.sh" || exit 1; '
    'cd "${wd:-$d}" || exit 1; '
    'if command -v setsid >/dev/null 2>&1; then setsid sh -c "$d/_script.sh" & '
    'else sh -c "$d/_script.sh" & fi; '
    'echo $! > "$d/pid"; wait $! 2>/dev/null'
)
# Writes each script ($3...) to $1/part-NNN and runs them in order in the background, appending
# their output to the log ($2), as cloud-init runs user data.
_DETACHED = (
    'd=$1; log=$2; shift 2; mkdir -p "$d" "$(dirname "$log")" || exit 1; n=0; '
    'for s in "$@"; do n=$((n+1)); f="$d/part-$(printf %03d $n)"; '
    'printf "%s" "$s" > "$f" && chmod 700 "$f"; done; '
    'for f in "$d"/part-*; do sh -c "$f" >> "$log" 2>&1; done'
)
# Builtins only (no fork): it must work in a container at its pids limit, as under a fork bomb.
_KILL = 'read p < "$1/pid" 2>/dev/null && { kill -9 -"$p" 2>/dev/null || kill -9 "$p"; }'
_CONFLICT = 409


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Translates docker-py's exceptions into the engine interface's, by type."""
    try:
        yield
    except NotFound as e:
        raise ContainerGone(str(e)) from e
    except requests.exceptions.ConnectionError as e:
        raise EngineUnavailable(f"the Docker engine is unavailable: {e}") from e
    except APIError as e:
        if e.status_code == _CONFLICT:
            raise ContainerNotRunning(str(e)) from e
        raise EngineError(str(e)) from e
    except DockerException as e:
        raise EngineUnavailable(f"the Docker engine is unavailable: {e}") from e


class DockerEngine:
    """Instance containers and script execution on one Docker engine, one connection pool."""

    def __init__(
        self,
        api: APIClient,
        stream_api: APIClient,
        run_id: str | None = None,
        ami_mappings: dict[str, str] | None = None,
        owner: str = "",
    ):
        self._ami_mappings = ami_mappings or {}
        self.owner = owner or uuid.uuid4().hex[:12]
        self._api = api
        self._stream_api = stream_api
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._restarts: Counter[str] = Counter()
        self._os_releases: dict[str, dict[str, str]] = {}
        self._keep_alive_images: set[str] = set()
        self._killed_scripts: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls, ami_mappings: dict[str, str] | None = None, owner: str = ""
    ) -> "DockerEngine":
        """An engine for the Docker host the environment names (DOCKER_HOST or the socket)."""
        with _engine_errors():
            control = docker.from_env(version=_API_VERSION, max_pool_size=_POOL_SIZE)
            # exec streams last as long as the script: no read timeout on that client
            streams = docker.from_env(version=_API_VERSION, max_pool_size=_POOL_SIZE, timeout=None)
        return cls(control.api, streams.api, ami_mappings=ami_mappings, owner=owner)

    def ami_images(self) -> dict[str, AmiImage]:
        """All local images tagged as AMIs, and the images configured for AMI ids, by AMI id.

        An image labelled ``localstack-ssm-docker.boot=image`` boots with its own entrypoint.
        """
        with _engine_errors():
            images = self._api.images(filters={"reference": f"{AMI_REPOSITORY_PREFIX}*"})
        found: dict[str, AmiImage] = {}
        for image in images:
            for tag in image.get("RepoTags") or []:
                if match := _AMI_TAG.match(tag):
                    found[match["ami"]] = _ami(match["ami"], match["name"], tag, image)
        for ami_id, reference in self._ami_mappings.items():
            try:
                with _engine_errors():
                    image = self._api.inspect_image(reference)
            except ContainerGone:
                continue
            found.setdefault(ami_id, _ami(ami_id, reference.split(":")[0], reference, image))
        return found

    def launch(self, spec: ContainerSpec) -> ContainerFacts:
        """Creates and starts the instance's container, kept alive by a tiny init whatever the
        image's entrypoint; an image that boots itself, or has no `sleep`, keeps its own."""
        if not spec.boots_itself:
            try:
                return self._create_and_start(spec, keep_alive=True)
            except _KeepAliveFailed:
                LOG.info(
                    "%s cannot be kept alive with sleep: booting its own entrypoint", spec.image
                )
        return self._create_and_start(spec, keep_alive=False)

    def _create_and_start(self, spec: ContainerSpec, keep_alive: bool) -> ContainerFacts:
        options = spec.options
        host_config = self._api.create_host_config(
            init=keep_alive,
            privileged=options.privileged,
            binds=options.volumes or None,
            extra_hosts=options.extra_hosts or None,
            dns=options.dns or None,
            network_mode=options.network,
            ulimits=[docker.types.Ulimit(name=n, soft=s, hard=h) for n, s, h in options.ulimits]
            or None,
            pids_limit=options.pids_limit,
            # like a machine after a power cut: back when the engine restarts, unless stopped
            restart_policy={"Name": "unless-stopped"},
        )
        with _engine_errors():
            created = self._api.create_container(
                spec.image,
                name=spec.name,
                hostname=spec.hostname,
                labels={**spec.labels, LABEL_RUN_ID: self.run_id, LABEL_OWNER: self.owner},
                environment=options.environment or None,
                user=options.user,
                entrypoint=["sleep", "infinity"] if keep_alive else None,
                command=[] if keep_alive else None,
                detach=True,
                host_config=host_config,
            )
        container_id = created["Id"]
        try:
            with _engine_errors():
                for network in spec.networks:  # joined before it runs: never without the route
                    self._api.connect_container_to_network(container_id, network)
            try:
                with _engine_errors():
                    self._api.start(container_id)
            except (ContainerGone, ContainerNotRunning, EngineUnavailable):
                raise
            except EngineError as e:
                if keep_alive:
                    raise _KeepAliveFailed(str(e)) from e
                raise
            with _engine_errors():
                details = self._api.inspect_container(container_id)
            if keep_alive and not details["State"].get("Running"):
                raise _KeepAliveFailed(f"exited with {details['State'].get('ExitCode')}")
            if keep_alive:
                self._check_keep_alive(details["Image"], container_id)
            return ContainerFacts(
                container_id=container_id,
                ip_address=_ip_address(details),
                hostname=details["Config"].get("Hostname") or spec.hostname,
                os_release=self._image_os_release(details["Image"], container_id),
            )
        except BaseException:
            self.remove(container_id)
            raise

    def _check_keep_alive(self, image_id: str, container_id: str) -> None:
        """Once per image: `sleep` exists in it (else the keep-alive exits, maybe only after the
        first inspect saw it running)."""
        with self._lock:
            if image_id in self._keep_alive_images:
                return
        try:
            with _engine_errors():
                exec_id = self._api.exec_create(container_id, ["sleep", "0"])
                self._api.exec_start(exec_id["Id"])
                exit_code = self._api.exec_inspect(exec_id["Id"]).get("ExitCode")
        except (ContainerNotRunning, ContainerGone) as e:
            raise _KeepAliveFailed(str(e)) from e
        if exit_code != 0:
            raise _KeepAliveFailed(f"`sleep 0` exited with {exit_code}")
        with self._lock:
            self._keep_alive_images.add(image_id)

    def _image_os_release(self, image_id: str, container_id: str) -> dict[str, str]:
        """The os-release of a new container, read once per image (all its containers share it)."""
        with self._lock:
            known = self._os_releases.get(image_id)
        if known is None:
            known = self._os_release(container_id)
            with self._lock:
                self._os_releases[image_id] = known
        return known

    def _os_release(self, container_id: str) -> dict[str, str]:
        """The container's /etc/os-release as a dict (empty when it has none)."""
        content = self._read_file(container_id, "/etc/os-release")
        return parse_os_release(content) if content is not None else {}

    def _read_file(self, container_id: str, path: str, hops: int = 5) -> str | None:
        """A text file of the container, following symbolic links."""
        try:
            with _engine_errors():
                chunks, _ = self._api.get_archive(container_id, path)
                data = b"".join(chunks)
        except ContainerGone:
            return None
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            member = archive.next()
            if member is None:
                return None
            if member.issym() and hops > 0:
                target = posixpath.join(posixpath.dirname(path), member.linkname)
                return self._read_file(container_id, posixpath.normpath(target), hops - 1)
            extracted = archive.extractfile(member) if member.isfile() else None
            return extracted.read().decode("utf-8", "replace") if extracted else None

    def stop(self, container_id: str) -> None:
        """Stops the container; its filesystem stays."""
        self._on_container(lambda: self._api.stop(container_id, timeout=5))

    def start(self, container_id: str) -> None:
        """Starts a stopped container again."""
        self._on_container(lambda: self._api.start(container_id))

    def unpause(self, container_id: str) -> None:
        """Resumes a paused container."""
        self._on_container(lambda: self._api.unpause(container_id))

    def restart(self, container_id: str) -> None:
        """Restarts the container, as a reboot would; scripts running in it end with
        ContainerRestarted."""
        self._restarts[container_id] += 1
        self._on_container(lambda: self._api.restart(container_id, timeout=5))

    def remove(self, container_id: str) -> None:
        """Removes the container; one that is already gone is fine."""
        with contextlib.suppress(ContainerGone):
            self._on_container(lambda: self._api.remove_container(container_id, force=True))

    @staticmethod
    def _on_container(action: Callable[[], Any]) -> None:
        with _engine_errors():
            action()

    def container_states(self) -> dict[str, str]:
        """The state ("running", "paused", "exited", ...) of this LocalStack's instance containers
        (labelled with its owner key: this run's and, after a restart, earlier runs'), by id."""
        with _engine_errors():
            containers = self._api.containers(
                all=True, filters={"label": f"{LABEL_OWNER}={self.owner}"}
            )
        return {c["Id"]: c["State"] for c in containers}

    def remove_containers(self, keep: frozenset[str] = frozenset()) -> int:
        """Removes this LocalStack's instance containers but those in `keep`; returns how many."""
        doomed = [c for c in self.container_states() if c not in keep]
        for container_id in doomed:
            self.remove(container_id)
        return len(doomed)

    def foreign_instances(self) -> list[ForeignContainer]:
        """Containers named ``localstack-ec2.<instance-id>`` that this LocalStack did not start."""
        with _engine_errors():
            containers = self._api.containers(all=True, filters={"name": CONTAINER_NAME_PREFIX})
        found = []
        for container in containers:
            if (container.get("Labels") or {}).get(LABEL_OWNER) == self.owner:
                continue
            for name in container.get("Names") or []:
                if match := _INSTANCE_NAME.match(name.lstrip("/")):
                    found.append(
                        ForeignContainer(
                            container["Id"], match[1], container["State"], container["Created"]
                        )
                    )
        return found

    def describe(self, container_id: str) -> ContainerFacts:
        """Address, host name and os-release of a running container."""
        with _engine_errors():
            details = self._api.inspect_container(container_id)
        return ContainerFacts(
            container_id=container_id,
            ip_address=_ip_address(details),
            hostname=details["Config"].get("Hostname") or "",
            os_release=self._os_release(container_id),
        )

    def run_script(self, container_id: str, job: ScriptJob) -> ScriptResult:
        """Writes the script into the container, runs it with sh and collects its output."""
        script = job.script.encode()
        restarts = self._restarts[container_id]
        command = ["sh", "-c", _BOOTSTRAP, "sh", job.script_dir, job.working_directory]
        if len(script) <= _INLINE_SCRIPT_LIMIT:
            command.append(job.script)
        else:
            self._copy_script(container_id, job.script_dir, script)
        with _engine_errors():
            exec_id = self._api.exec_create(container_id, command, environment=job.environment)
            stdout, stderr = _BoundedBuffer(job.output_limit), _BoundedBuffer(job.output_limit)
            for stream_id, chunk in exec_output(self._stream_api, exec_id["Id"]):
                if stream_id == STDOUT:
                    stdout.write(chunk)
                elif stream_id == STDERR:
                    stderr.write(chunk)
            exit_code = self._api.exec_inspect(exec_id["Id"]).get("ExitCode")
        if self._restarts[container_id] != restarts:
            raise ContainerRestarted(f"container {container_id[:12]} restarted during the script")
        with self._lock:
            killed_by_us = (container_id, job.script_dir) in self._killed_scripts
            self._killed_scripts.discard((container_id, job.script_dir))
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

    def _raise_if_stopped(self, container_id: str, so_far: ScriptResult) -> None:
        """ContainerStopped (with the output so far) when the container stops (killed, stopped,
        removed) within a short grace: that, not the script, is why the script was killed."""
        try:
            with _engine_errors():
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
        command = ["sh", "-c", _DETACHED, "sh", "/var/lib/cloud/instance/scripts", log_path]
        with _engine_errors():
            exec_id = self._api.exec_create(container_id, [*command, *scripts])
            self._api.exec_start(exec_id["Id"], detach=True)

    def kill_script(self, container_id: str, script_dir: str) -> bool:
        """SIGKILLs the script's process group (or, without setsid, the script's shell)."""
        with self._lock:
            self._killed_scripts.add((container_id, script_dir))
        with _engine_errors():
            exec_id = self._api.exec_create(container_id, ["sh", "-c", _KILL, "sh", script_dir])
            self._api.exec_start(exec_id["Id"])
            return self._api.exec_inspect(exec_id["Id"]).get("ExitCode") == 0

    def _copy_script(self, container_id: str, script_dir: str, script: bytes) -> None:
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w") as tar:
            info = tarfile.TarInfo(posixpath.join(script_dir.lstrip("/"), "_script.sh"))
            info.size = len(script)
            info.mode = 0o700
            tar.addfile(info, io.BytesIO(script))
        with _engine_errors():
            self._api.put_archive(container_id, "/", archive.getvalue())

    def metadata_networks(self) -> "MetadataNetworks":
        """This LocalStack's IMDS networks and responder (see imds_network)."""
        from localstack_ssm_docker.engine.docker.imds_network import MetadataNetworks

        return MetadataNetworks(self._api, self.owner)


def _ami(ami_id: str, name: str, reference: str, image: dict) -> AmiImage:
    labels = image.get("Labels") or (image.get("Config") or {}).get("Labels") or {}
    return AmiImage(
        ami_id=ami_id,
        name=name,
        tag=reference,
        created=str(image.get("Created", "")),
        boots_itself=labels.get(LABEL_BOOT) == "image",
    )


_KILLED_OR_UNKNOWN = (None, 137)
"""Exec exit codes after which, unless we killed the script, the container's state is checked."""
_STOP_GRACE_SECONDS = 1.0
"""How long a container killed from outside may take to be seen stopped after its scripts died."""


class _StillRunning(Exception):
    """The container was still running when the grace ran out."""


class _KeepAliveFailed(Exception):
    """The container could not be kept alive with `sleep infinity` (the image has no sleep)."""


def _ip_address(details: dict) -> str:
    """The container's address: on the default bridge, or on the first network it is on."""
    settings = details.get("NetworkSettings") or {}
    if settings.get("IPAddress"):
        return settings["IPAddress"]
    for network in (settings.get("Networks") or {}).values():
        if network.get("IPAddress") and not network["IPAddress"].startswith("169.254."):
            return network["IPAddress"]
    return ""


class _BoundedBuffer:
    """Keeps the first `limit` bytes written and counts them all."""

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


def parse_os_release(content: str) -> dict[str, str]:
    """Parses os-release(5) KEY=value lines, removing shell quotes."""
    values: dict[str, str] = {}
    for line in content.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key] = value.strip().strip("'\"")
    return values
