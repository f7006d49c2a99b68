"""The floors ours is compared with: the same command run straight through Docker.

The main floor is the Engine API on a warm connection (exec_create / exec_start / exec_inspect, as
docker-py does): the fastest way there is to run a command in a container from outside it. The
output is read with the extension's own reader of the exec stream, because docker-py's
`exec_start` loses output that arrives with the response headers on a busy machine (see
localstack_ssm_docker/engine/docker/exec_stream.py): the same calls, without the loss. The
Docker CLI (`docker exec`, a new process and connection each time) is kept as a second column.
"""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import docker

from localstack_ssm_docker.engine.docker.exec_stream import STDOUT, exec_output

SCRIPT = "cat /proc/uptime"


def _check(output: bytes) -> None:
    if not output.strip():
        raise RuntimeError(f"unexpected output: {output!r}")


class EngineApiFloor:
    """Exec through the Engine API on one warm docker-py client (a pool as large as the fan-out)."""

    def __init__(self, pool_size: int = 64):
        self._api = docker.from_env(version="1.41", max_pool_size=pool_size).api

    def exec(self, container: str) -> None:
        """Runs SCRIPT in the container, waits for it, checks its output and exit code."""
        exec_id = self._api.exec_create(container, ["sh", "-c", SCRIPT])["Id"]
        output = b"".join(
            chunk for stream, chunk in exec_output(self._api, exec_id) if stream == STDOUT
        )
        if self._api.exec_inspect(exec_id).get("ExitCode") != 0:
            raise RuntimeError(f"exec in {container} failed: {output!r}")
        _check(output)

    def exec_parallel(self, containers: list[str]) -> None:
        """One exec per container, all at once."""
        with ThreadPoolExecutor(max_workers=len(containers)) as pool:
            list(pool.map(self.exec, containers))

    def close(self) -> None:
        self._api.close()


def cli_exec(container: str) -> None:
    """`docker exec` of SCRIPT."""
    done = subprocess.run(
        ["docker", "exec", container, "sh", "-c", SCRIPT], capture_output=True, check=True
    )
    _check(done.stdout)


def cli_exec_parallel(containers: list[str]) -> None:
    """One `docker exec` per container, all at once."""
    with ThreadPoolExecutor(max_workers=len(containers)) as pool:
        list(pool.map(cli_exec, containers))
