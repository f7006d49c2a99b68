"""LocalStack in a container, started the way a user starts it (`make run-docker`, LocalStack's
CLI, Compose): what the deployment tests drive, with the same client API as LocalStack (host mode).
"""

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import boto3
from botocore.config import Config

STARTUP_DEADLINE = 180
DEFAULT_ACCOUNT = "000000000000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def docker(*args: str, check: bool = True, timeout: float = 120) -> str:
    """Runs the Docker CLI; its stdout."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def client(endpoint: str, service: str, region: str = "us-east-1", account: str = DEFAULT_ACCOUNT):
    """A boto3 client against a LocalStack endpoint; the access key id selects the account."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


class ContainerLocalStack:
    """A LocalStack container (found by name) whose gateway is published on a loopback port."""

    def __init__(self, container: str, port: int):
        self.container = container
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"

    def client(self, service: str, region: str = "us-east-1", account: str = DEFAULT_ACCOUNT):
        return client(self.endpoint, service, region, account)

    def state(self) -> dict:
        """`docker inspect`'s State of the container ({} when it does not exist)."""
        out = docker("inspect", "--format", "{{json .State}}", self.container, check=False)
        return json.loads(out) if out.strip() else {}

    def address(self, network: str = "bridge") -> str:
        """The container's address on a network."""
        return docker(
            "inspect",
            "--format",
            f'{{{{(index .NetworkSettings.Networks "{network}").IPAddress}}}}',
            self.container,
        ).strip()

    def logs(self) -> str:
        done = subprocess.run(
            ["docker", "logs", self.container], capture_output=True, text=True, check=False
        )
        return done.stdout + done.stderr

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.logs().splitlines()[-lines:])

    def wait_ready(self, alive: Callable[[], bool] | None = None) -> None:
        """Until the health endpoint answers; fails with the log when the container ends first."""
        deadline = time.monotonic() + STARTUP_DEADLINE
        while time.monotonic() < deadline:
            if alive is not None and not alive():
                raise RuntimeError(f"{self.container} ended at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(
            f"{self.container} not ready in {STARTUP_DEADLINE} s:\n{self.log_tail()}"
        )

    def running(self) -> bool:
        return bool(self.state().get("Running"))

    def restart(self) -> None:
        """`docker restart`, then waits for LocalStack to answer again."""
        docker("restart", "--time", "30", self.container, timeout=120)
        self.wait_ready(self.running)
