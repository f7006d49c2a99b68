"""Ansible's controller as a user runs it against LocalStack at its name: the real
`ansible-playbook` of this venv with examples/ansible's configuration, AWS's
session-manager-plugin, and `http://localhost.localstack.cloud:4566` for every AWS call.

A user's machine resolves that name to 127.0.0.1 by public DNS, and LocalStack listens on 4566.
Here there is no public DNS and the test's LocalStack has a port of its own, so the controller
runs in a private mount namespace whose /etc/hosts (a bind mount, seen by this process tree
only) names a loopback address of its own; LocalStack listens there on 4566 as well
(`gateway_listen`). The host's resolution stays as it is for everyone else."""

import os
import random
import signal
import socket
import subprocess
import sys
from pathlib import Path

from harness.session_clients import PLUGIN, cli_env, plugin_dir

NAME = "localhost.localstack.cloud"
PORT = 4566
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ansible"
_HOSTS = Path("/etc/hosts")
_BIND_AND_RUN = 'mount --bind "$0" /etc/hosts && exec "$@"'


def loopback_address() -> str:
    """An address of 127.0.0.0/8 on which port 4566 is free (Linux answers on all of them)."""
    for _ in range(50):
        address = (
            f"127.{random.randint(100, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )
        with socket.socket() as s:
            try:
                s.bind((address, PORT))
            except OSError:
                continue
            return address
    raise RuntimeError(f"no loopback address with port {PORT} free")


def gateway_listen(port: int, address: str) -> str:
    """LocalStack's GATEWAY_LISTEN: its own loopback port (the harness's endpoint) and 4566 at
    the controller's address for the name."""
    return f"127.0.0.1:{port},{address}:{PORT}"


class Controller:
    """`ansible-playbook` runs of examples/ansible that resolve NAME to `address`."""

    def __init__(self, workdir: Path, address: str, example: Path = EXAMPLE):
        self.example = example
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.hosts = workdir / "hosts"
        self.hosts.write_text(f"{_HOSTS.read_text()}\n{address} {NAME}\n")

    def env(self) -> dict[str, str]:
        env = cli_env()
        env.update(
            ANSIBLE_CONFIG=str(self.example / "ansible.cfg"),
            ANSIBLE_HOME=str(self.workdir / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-tmp"),
            ANSIBLE_NOCOLOR="1",
            AWS_SESSION_MANAGER_PLUGIN=str(plugin_dir() / PLUGIN),
        )
        return env

    def command(self, *args: str) -> list[str]:
        """`ansible-playbook args...` in a mount namespace of its own with the hosts file."""
        playbook = str(Path(sys.executable).parent / "ansible-playbook")
        return [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            _BIND_AND_RUN,
            str(self.hosts),
            playbook,
            *args,
        ]

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """One playbook run to its end; its output (stdout and stderr together)."""
        return subprocess.run(
            self.command(*args),
            cwd=self.example,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )

    def start(self, log: Path, *args: str) -> subprocess.Popen:
        """A playbook run in the background, in a process group of its own (a terminal's: Ctrl-C
        reaches Ansible and every plugin it started)."""
        with log.open("w") as sink:
            return subprocess.Popen(
                self.command(*args),
                cwd=self.example,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


def interrupt(process: subprocess.Popen, timeout: float = 60) -> int:
    """Ctrl-C to the run's process group; its exit code."""
    os.killpg(process.pid, signal.SIGINT)
    return process.wait(timeout)
