"""A real LocalStack (host mode, this venv, the extension installed) in a child process."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

STARTUP_DEADLINE = 120
SHUTDOWN_DEADLINE = 60
DEFAULT_ACCOUNT = "000000000000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    """One LocalStack runtime on a free loopback port; `stop()` shuts it down as SIGTERM does."""

    def __init__(
        self,
        workdir: Path,
        env: dict[str, str] | None = None,
        port: int | None = None,
        ready_poll: float = 0.2,
        python: str = sys.executable,
        cwd: Path | None = None,
    ):
        """`python` runs LocalStack: this venv's (the extension installed) unless told another;
        `cwd` is its working directory, which `python -m` puts on its path (with what it holds:
        the checkout's egg-info names our entry points)."""
        self.port = port or _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"localstack-{self.port}-{time.monotonic_ns()}.log"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("PROVIDER_OVERRIDE_")}
        child_env.update(
            GATEWAY_LISTEN=f"127.0.0.1:{self.port}",
            DNS_ADDRESS="0",
            SKIP_SSL_CERT_DOWNLOAD="1",
            DISABLE_EVENTS="1",
            LOCALSTACK_VOLUME_DIR=str(workdir / "volume"),
        )
        child_env.update(env or {})  # the caller's settings win (e.g. a GATEWAY_LISTEN of more)
        workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [python, "-m", "localstack.runtime.main"],
            env=child_env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready(ready_poll)

    def _wait_ready(self, poll: float) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"LocalStack exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(poll)
        self.stop()
        raise RuntimeError(f"LocalStack not ready in {STARTUP_DEADLINE} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def client(
        self,
        service: str,
        region: str = "us-east-1",
        account: str = DEFAULT_ACCOUNT,
        validate: bool = True,
    ):
        """A boto3 client against this LocalStack; the access key id selects the account.

        With `validate` off, botocore sends what it would refuse (to test the server's checks).
        """
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=account,
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, parameter_validation=validate),
        )

    def loaded_providers(self) -> set[str]:
        """Names of the service provider plugins LocalStack has loaded (``ssm:docker``, ...)."""
        with urllib.request.urlopen(f"{self.endpoint}/_localstack/plugins", timeout=10) as r:
            plugins = json.load(r)["localstack.aws.provider"]
        return {p["name"] for p in plugins if p["is_loaded"]}

    def kill(self) -> None:
        """Ends the process at once (SIGKILL), as a crash would: no shutdown hooks run."""
        self.process.kill()
        self.process.wait()
        self._log.close()

    def stop(self) -> int:
        """Sends SIGTERM and waits for the process to end; returns its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(SHUTDOWN_DEADLINE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode
