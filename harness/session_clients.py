"""AWS's own Session Manager client for tests and benchmarks: the AWS CLI (this venv's awscli)
with AWS's session-manager-plugin on PATH, run directly or inside tmux for a real terminal."""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

PLUGIN = "session-manager-plugin"
_REPO = Path(__file__).resolve().parent.parent


def plugin_dir() -> Path:
    """The folder of the plugin build: $SESSION_MANAGER_PLUGIN_DIR, or shared/tools beside the
    clone (CI: ../shared/tools) or beside one of its parent folders."""
    named = os.environ.get("SESSION_MANAGER_PLUGIN_DIR")
    candidates = [Path(named)] if named else []
    candidates += [p / "shared/tools/session-manager-plugin" for p in _REPO.parents]
    for candidate in candidates:
        if (candidate / PLUGIN).is_file():
            return candidate
    found = shutil.which(PLUGIN)
    if found:
        return Path(found).parent
    raise FileNotFoundError("session-manager-plugin not found (set SESSION_MANAGER_PLUGIN_DIR)")


def cli_env(account: str = "000000000000", region: str = "us-east-1") -> dict[str, str]:
    """The environment of a user's shell: plugin and this venv's `aws` on PATH, test keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=os.pathsep.join([str(plugin_dir()), str(Path(sys.executable).parent), env["PATH"]]),
        AWS_ACCESS_KEY_ID=account,
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_PAGER="",
    )
    return env


def start_session_args(
    endpoint: str, target: str, document: str | None = None, parameters: str | None = None
) -> list[str]:
    """`aws ssm start-session` as a user types it."""
    args = [
        str(Path(sys.executable).parent / "aws"),
        "--endpoint-url",
        endpoint,
        "ssm",
        "start-session",
        "--target",
        target,
    ]
    if document:
        args += ["--document-name", document]
    if parameters:
        args += ["--parameters", parameters]
    return args


def ssh_options(endpoint: str, key: Path) -> list[str]:
    """OpenSSH client options for instances, as a user puts them in ~/.ssh/config: the
    AWS-StartSSHSession ProxyCommand, no host key checks (every instance is new), `key` only."""
    proxy = shlex.join(start_session_args(endpoint, "%h", "AWS-StartSSHSession", "portNumber=%p"))
    return [
        "-F",
        "/dev/null",
        "-o",
        f"ProxyCommand={proxy}",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "LogLevel=ERROR",
        "-i",
        str(key),
    ]


def run_cli(args: list[str], timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, env=cli_env(), capture_output=True, text=True, timeout=timeout, **kwargs
    )


class Tmux:
    """A detached tmux server of its own (a private socket) with one window running `command`."""

    def __init__(self, command: list[str], width: int = 120, height: int = 40):
        self.socket = f"ssm-test-{uuid.uuid4().hex[:8]}"
        self.target = "main"
        env = cli_env()
        names = (
            "PATH",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_DEFAULT_REGION",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_PAGER",
        )
        prefix = ["env", *[f"{k}={env[k]}" for k in names]]
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.target,
            "-x",
            str(width),
            "-y",
            str(height),
            " ".join(_quote(a) for a in [*prefix, *command]) + "; echo CLIENT-EXITED-$?; sleep 600",
        )

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout

    def send(self, text: str, enter: bool = True) -> None:
        self._tmux("send-keys", "-t", self.target, "-l", text)
        if enter:
            self._tmux("send-keys", "-t", self.target, "Enter")

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", self.target)

    def wait_for(self, text: str, deadline: float = 90) -> str:
        end = time.monotonic() + deadline
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} not on screen within {deadline} s:\n{screen}")
            time.sleep(0.05)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def session_id_of(text: str) -> str:
    """The SessionId the CLI printed ("Starting session with SessionId: ...")."""
    line = next(x for x in text.splitlines() if "Starting session with SessionId:" in x)
    return line.rsplit(":", 1)[1].strip()


def _wait[T](probe: Callable[[], T], until: Callable[[T], bool], deadline: float) -> T:
    end = time.monotonic() + deadline
    while not until(value := probe()):
        if time.monotonic() > end:
            raise AssertionError(f"not met within {deadline} s; last value: {value!r}")
        time.sleep(0.05)
    return value


class PortSession:
    """`aws ssm start-session` with a port forwarding document, in the background."""

    def __init__(self, endpoint: str, target: str, document: str, parameters: str, log: Path):
        self.log = log
        self._sink = log.open("w")
        self.process = subprocess.Popen(
            start_session_args(endpoint, target, document, parameters),
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's process group: Ctrl-C reaches the plugin
        )
        try:
            self.text = _wait(self.log.read_text, lambda t: "Waiting for connections" in t, 60)
        except BaseException:
            self.close()  # no client left behind when it never got ready
            raise
        self.session_id = session_id_of(self.text)

    def interrupt(self) -> int:
        """Ctrl-C, as a user ends port forwarding (the whole process group gets it)."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(30)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._sink.close()


def free_port() -> int:
    """A free loopback port, for the plugin's local side."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
