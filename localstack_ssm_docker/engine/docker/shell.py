"""The POSIX sh snippets that run inside instance containers, and the exec commands built from
them.

They rely only on a POSIX `sh` in the image (busybox and dash included), so any Linux image can
be an instance. Pure: nothing here runs them; :mod:`.scripts` does, always inside the container.
"""

import posixpath
import re
import shlex

from localstack_ssm_docker.engine.values import ScriptJob

INLINE_SCRIPT_LIMIT = 96 * 1024
"""Scripts up to this size travel inside the exec call itself; larger ones are copied in first."""
SCRIPT_FILE = "_script.sh"
"""The script's file name in its job's script directory."""
USER_DATA_DIR = "/var/lib/cloud/instance/scripts"
"""Where user data scripts are written, as cloud-init does."""
BOOT_STATE_DIR = "/run/localstack-ec2"
"""A tmpfs in containers whose image has a boot hook: empty at every start of the container."""
BOOT_HOOK_DONE = f"{BOOT_STATE_DIR}/boot-hook-done"
"""Made once this boot's hook has ended: user data waits for it."""

# The keep-alive of a container whose image has a boot hook ($1): the hook at every start of the
# container (a first boot, a reboot, a start, the engine's own restart), then `sleep infinity`.
BOOT_WITH_HOOK = f'"$1"; : > {BOOT_HOOK_DONE}; exec sleep infinity'

SCRIPT_OOM_SCORE_RAISE = 100
"""How much higher a script's oom_score_adj is than that of the shell that started it and waits
for it (the resident helper, or the exec of BOOTSTRAP), in thousandths of the memory limit: when
an instance runs out of memory, the kernel kills the script's largest process (as on EC2) and
not the process that reports how the script ended, even when memory is held where no process
counts it (tmpfs). Raising is all a container may do (lowering needs CAP_SYS_RESOURCE)."""
# Raises the oom_score_adj of the (sub)shell it runs in by SCRIPT_OOM_SCORE_RAISE; builtins
# only, and nothing where /proc/self/oom_score_adj cannot be written (already at 1000).
_RAISE_OOM_SCORE = (
    "{ read o < /proc/self/oom_score_adj && "
    f"echo $((o+{SCRIPT_OOM_SCORE_RAISE})) > /proc/self/oom_score_adj; }} 2>/dev/null; "
)
# Writes the script into the container (when given as $4), then runs it as the SSM agent does:
# `sh -c <script file>` from the working directory, in a process group of its own (a new session,
# where setsid exists) whose id goes to $d/pid with the run's attempt ($3), so that a timeout or
# cancel can kill all of it, and a kill meant for an earlier run of that script kills nothing.
BOOTSTRAP = (
    'd=$1; wd=$2; a=$3; mkdir -p "$d" || exit 1; '
    'if [ "$#" -ge 4 ]; then printf "%s" "$4" > "$d/_script.sh" || exit 1; fi; '
    'chmod 700 "$d/_script.sh" || exit 1; '
    'cd "${wd:-$d}" || exit 1; '
    "S=; if command -v setsid >/dev/null 2>&1; then S=setsid; fi; "
    f'({_RAISE_OOM_SCORE}exec $S sh -c "$d/_script.sh") & '
    'echo "$! $a" > "$d/pid"; wait $! 2>/dev/null'
)
# Writes each script ($3...) to $1/part-NNN and runs them in order in the background, appending
# their output to the log ($2), as cloud-init runs user data: after this boot's boot hook ended,
# where the image has one (BOOT_STATE_DIR exists only then).
DETACHED = (
    'd=$1; log=$2; shift 2; mkdir -p "$d" "$(dirname "$log")" || exit 1; n=0; '
    'for s in "$@"; do n=$((n+1)); f="$d/part-$(printf %03d $n)"; '
    'printf "%s" "$s" > "$f" && chmod 700 "$f"; done; '
    f"if [ -d {BOOT_STATE_DIR} ]; then while [ ! -e {BOOT_HOOK_DONE} ]; do "
    "sleep 0.1 2>/dev/null || sleep 1; done; fi; "
    'for f in "$d"/part-*; do sh -c "$f" >> "$log" 2>&1; done'
)
# Kills the run whose attempt is $2, and only it. Builtins only (no fork): it must work in a
# container at its pids limit, as under a fork bomb.
KILL = (
    'read p a < "$1/pid" 2>/dev/null && [ "$a" = "$2" ] && '
    '{ kill -9 -"$p" 2>/dev/null || kill -9 "$p"; }'
)


def fits_inline(script: bytes) -> bool:
    """Whether the script can travel as an argument of the exec (else it is copied in first)."""
    return len(script) <= INLINE_SCRIPT_LIMIT


def script_path(job: ScriptJob) -> str:
    """Where BOOTSTRAP expects the script when it is copied in rather than passed inline."""
    return posixpath.join(job.script_dir, SCRIPT_FILE)


def bootstrap_command(job: ScriptJob, inline: bool) -> list[str]:
    """The exec command that runs the job (its script passed as an argument when `inline`)."""
    command = ["sh", "-c", BOOTSTRAP, "sh", job.script_dir, job.working_directory, job.attempt]
    return [*command, job.script] if inline else command


def detached_command(scripts: list[str], log_path: str) -> list[str]:
    """The exec command that runs the scripts in order, output appended to the log."""
    return ["sh", "-c", DETACHED, "sh", USER_DATA_DIR, log_path, *scripts]


def boot_with_hook_command(hook: str) -> list[str]:
    """The entrypoint that runs the image's boot hook at every start, then keeps it alive."""
    return ["sh", "-c", BOOT_WITH_HOOK, "sh", hook]


def kill_command(job: ScriptJob) -> list[str]:
    """The exec command that SIGKILLs the process group of the job's run of its script (and
    does nothing once another run of that script has started)."""
    return ["sh", "-c", KILL, "sh", job.script_dir, job.attempt]


# The resident helper: a `sh` started through one exec, reading jobs from its stdin. A job is
# five lines (token, script directory, working directory, attempt, an `export ...` line of
# shell-quoted variables) then the script's lines until a line equal to the token. The job runs in
# a subshell as BOOTSTRAP runs a script (own session, pid and attempt in $d/pid, the same kill),
# its output copied through two `cat`s to the helper's stdout and stderr, which end when every
# writer of the script's streams has ended (as an exec's stream does). The helper writes
# "<token> +" on stdout as soon as it has read the token line (so the rest of the job is sent only
# to a helper known to be reading: one frozen in a paused container never gets a job it would run
# once resumed), then "<token> <exit code>" on stdout and "<token>" on stderr after the script's
# output. A job whose stdin ends before its closing token line never runs (the helper ends, 4).
# Builtins only in the loop itself (an image without `cat` or `mv` gets no helper: it ends before
# its first job). Arguments: $1, a directory of its own for the scripts in transit; $2, the
# seconds after which an idle helper ends where `read -t` exists (busybox, bash; default
# RESIDENT_IDLE_SECONDS, 0 for never: the helper kept for the instance's life); $3, a line it
# writes once it is ready for jobs (none when empty).
RESIDENT_IDLE_SECONDS = 20
RESIDENT_HELPER = (
    f'H=$1; I=${{2:-{RESIDENT_IDLE_SECONDS}}}; R=${{3:-}}; mkdir -p "$H" || exit 3; '
    "command -v cat >/dev/null 2>&1 && command -v mv >/dev/null 2>&1 || exit 3; S=; T=; "
    "if command -v setsid >/dev/null 2>&1; then S=setsid; fi; "
    'if [ "$I" -gt 0 ] && printf \'x\\n\' | (read -r -t 1 x) 2>/dev/null; then T="-t $I"; fi; '
    "run() { "
    f'({_RAISE_OOM_SCORE}cd "${{wd:-$d}}" || exit 1; exec $S sh -c "$d/_script.sh") </dev/null & '
    'echo "$! $a" > "$d/pid"; wait $! 2>/dev/null; echo "$t $?" > "$d/rc"; }; '
    "job() { "
    "rc=1; "
    'if mkdir -p "$d" && mv -f "$H/$t" "$d/_script.sh" && chmod 700 "$d/_script.sh"; then '
    'eval "$e"; { { run 2>&1 1>&3 3>&- | cat >&2; } 3>&1 | cat; }; '
    'read -r x rc < "$d/rc" || rc=; fi; '
    'printf \'%s %s\\n\' "$t" "$rc"; printf \'%s\\n\' "$t" >&2; }; '
    '[ -z "$R" ] || printf \'%s\\n\' "$R"; '
    "while IFS= read -r $T t && printf '%s +\\n' \"$t\" && IFS= read -r d && IFS= read -r wd "
    "&& IFS= read -r a && IFS= read -r e; do "
    'k=; while IFS= read -r l; do [ "$l" = "$t" ] && { k=1; break; }; printf \'%s\\n\' "$l"; '
    'done > "$H/$t"; [ -n "$k" ] || exit 4; '
    "(job) </dev/null; done"
)
# After a helper ended mid-job: waits while the job's script still runs (its pid's command line
# names the script, so a pid reused after a restart does not count) and prints the line the job
# recorded ("<token> <exit code>"), if it could.
RECOVER = (
    'd=$1; while read p a < "$d/pid" 2>/dev/null && '
    'grep -q "$d/_script.sh" "/proc/$p/cmdline" 2>/dev/null; do sleep 1; done; '
    'read -r line < "$d/rc" 2>/dev/null && echo "$line"'
)
RESIDENT_SCRIPT_LIMIT = 16 * 1024
"""Scripts up to this size go to the resident helper (which reads them a byte at a time)."""
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def resident_helper_command(
    helper_dir: str, idle_seconds: int = RESIDENT_IDLE_SECONDS, ready: str = ""
) -> list[str]:
    """The exec command that starts a resident helper: it ends after `idle_seconds` without a
    job (0: never), and writes the line `ready` once it reads jobs (when not empty)."""
    command = ["sh", "-c", RESIDENT_HELPER, "sh", helper_dir]
    if (idle_seconds, ready) == (RESIDENT_IDLE_SECONDS, ""):
        return command
    return [*command, str(idle_seconds), ready]


def recover_command(script_dir: str) -> list[str]:
    """The exec command that waits for a script whose helper ended and prints its exit code."""
    return ["sh", "-c", RECOVER, "sh", script_dir]


def resident_job(job: ScriptJob, token: str) -> bytes | None:
    """The job as the resident helper reads it; None when it cannot travel that way (a script
    too large or with NUL bytes, a newline in a path or variable, an odd variable name)."""
    script = job.script
    fields = [job.script_dir, job.working_directory, job.attempt, *job.environment.values()]
    if (
        len(script.encode()) > RESIDENT_SCRIPT_LIMIT
        or "\0" in script
        or any("\n" in f or "\0" in f for f in fields)
        or not all(_NAME.fullmatch(name) for name in job.environment)
    ):
        return None
    exports = " ".join(f"export {k}={shlex.quote(v)};" for k, v in job.environment.items())
    lines = script.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    text = "\n".join(
        [token, job.script_dir, job.working_directory, job.attempt, exports, *lines, token]
    )
    return (text + "\n").encode()
