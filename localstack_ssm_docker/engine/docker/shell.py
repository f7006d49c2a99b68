"""The POSIX sh snippets that run inside instance containers, and the exec commands built from
them.

They rely only on a POSIX `sh` in the image (busybox and dash included), so any Linux image can
be an instance. Pure: nothing here runs them; :mod:`.scripts` does, always inside the container.
"""

import posixpath

from localstack_ssm_docker.engine.values import ScriptJob

INLINE_SCRIPT_LIMIT = 96 * 1024
"""Scripts up to this size travel inside the exec call itself; larger ones are copied in first."""
SCRIPT_FILE = "_script.sh"
"""The script's file name in its job's script directory."""
USER_DATA_DIR = "/var/lib/cloud/instance/scripts"
"""Where user data scripts are written, as cloud-init does."""

# Writes the script into the container (when given as $3), then runs it as the SSM agent does:
# `sh -c <script file>` from the working directory, in a process group of its own (a new session,
# where setsid exists) whose id goes to $d/pid, so that a timeout or cancel can kill all of it.
BOOTSTRAP = (
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
DETACHED = (
    'd=$1; log=$2; shift 2; mkdir -p "$d" "$(dirname "$log")" || exit 1; n=0; '
    'for s in "$@"; do n=$((n+1)); f="$d/part-$(printf %03d $n)"; '
    'printf "%s" "$s" > "$f" && chmod 700 "$f"; done; '
    'for f in "$d"/part-*; do sh -c "$f" >> "$log" 2>&1; done'
)
# Builtins only (no fork): it must work in a container at its pids limit, as under a fork bomb.
KILL = 'read p < "$1/pid" 2>/dev/null && { kill -9 -"$p" 2>/dev/null || kill -9 "$p"; }'


def fits_inline(script: bytes) -> bool:
    """Whether the script can travel as an argument of the exec (else it is copied in first)."""
    return len(script) <= INLINE_SCRIPT_LIMIT


def script_path(job: ScriptJob) -> str:
    """Where BOOTSTRAP expects the script when it is copied in rather than passed inline."""
    return posixpath.join(job.script_dir, SCRIPT_FILE)


def bootstrap_command(job: ScriptJob, inline: bool) -> list[str]:
    """The exec command that runs the job (its script passed as an argument when `inline`)."""
    command = ["sh", "-c", BOOTSTRAP, "sh", job.script_dir, job.working_directory]
    return [*command, job.script] if inline else command


def detached_command(scripts: list[str], log_path: str) -> list[str]:
    """The exec command that runs the scripts in order, output appended to the log."""
    return ["sh", "-c", DETACHED, "sh", USER_DATA_DIR, log_path, *scripts]


def kill_command(script_dir: str) -> list[str]:
    """The exec command that SIGKILLs the process group of the script in `script_dir`."""
    return ["sh", "-c", KILL, "sh", script_dir]
