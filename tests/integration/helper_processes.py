"""How a test tells which way a command ran in an instance: through a resident helper (a process
of the helper's in its ancestry) or through an exec of its own."""

import docker

HELPER_MARK = ".localstack-ssm-helper"
"""In the command line of every resident helper (the directory it keeps scripts in transit)."""

_HEAD, _TAIL = HELPER_MARK[:10], HELPER_MARK[10:]
RUN_BY = (
    f'm={_HEAD}; m="${{m}}{_TAIL}"; p=$$; while [ "$p" -gt 0 ]; do '
    "if tr '\\000' ' ' < /proc/$p/cmdline | grep -qF \"$m\"; then echo helper; exit 0; fi; "
    "p=$(cut -d' ' -f4 /proc/$p/stat); done; echo exec"
)
"""A command line that prints `helper` when a resident helper started the script, else `exec`
(the mark is put together when it runs: the script's own command line must not contain it)."""


def helpers(container) -> set[str]:
    """The command lines of the resident helpers' main loops in the container (started by an
    exec: no parent in the container); each names a directory of its own, so a helper started
    later is told apart even where a restarted container gives it the same pid. Empty while
    the container is not running (being restarted)."""
    try:
        output = container.exec_run(["ps", "-o", "pid,ppid,args"]).output.decode()
    except docker.errors.APIError:
        return set()
    rows = [line.split(None, 2) for line in output.splitlines()[1:]]
    return {r[2] for r in rows if len(r) > 2 and HELPER_MARK in r[2] and r[1] == "0"}
