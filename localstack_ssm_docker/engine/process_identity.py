"""Which process started a container, written so that another process on the same machine can
tell, without any network probe, whether that process still runs.

An identity is ``<boot id>/<pid namespace>/<pid>/<start time>``: the kernel's boot id and the
pid namespace say whether the pid is one this process can look up at all (same machine, same
boot, same namespace); the start time (clock ticks since boot, from /proc/<pid>/stat) tells a
pid the kernel gave meanwhile to another process from the one that was labelled. Anything else
(another host, a LocalStack in a container of its own, an identity we cannot read) is "cannot
tell", which callers must treat as alive: a live LocalStack's containers are never taken for a
dead one's.
"""

import os
from pathlib import Path

_PROC = Path("/proc")


def _boot_id(proc: Path) -> str | None:
    try:
        return (proc / "sys/kernel/random/boot_id").read_text().strip() or None
    except OSError:
        return None


def _pid_namespace(proc: Path, pid: str) -> str | None:
    try:
        return os.readlink(proc / pid / "ns/pid")
    except OSError:
        return None


def _start_time(proc: Path, pid: str) -> str | None:
    """The process's start time; None when there is no such process, or only its zombie."""
    try:
        stat = (proc / pid / "stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    # after "pid (comm)" come state (field 3) ... starttime (field 22)
    if len(fields) <= 19 or fields[0] in ("Z", "X"):
        return None
    return fields[19]


def this_process(proc: Path = _PROC) -> str:
    """This process's identity ("" when /proc cannot tell it: such a label is never judged)."""
    pid = str(os.getpid())
    parts = (_boot_id(proc), _pid_namespace(proc, "self"), pid, _start_time(proc, pid))
    return "/".join(parts) if all(parts) else ""  # type: ignore[arg-type]


def is_gone(identity: str, proc: Path = _PROC) -> bool:
    """True only when the process certainly no longer runs: same boot and pid namespace as this
    process, this process sees every process there (no ``hidepid``: pid 1 is visible), and
    there is no process with that pid and start time. False when it runs, or when this process
    cannot tell."""
    parts = identity.split("/")
    if len(parts) != 4 or not all(parts):
        return False
    boot_id, namespace, pid, started = parts
    if not pid.isdigit() or boot_id != _boot_id(proc):
        return False
    if namespace != _pid_namespace(proc, "self") or _start_time(proc, "1") is None:
        return False
    try:
        (proc / pid / "stat").read_bytes()
    except FileNotFoundError:
        return True
    except OSError:
        return False  # there, but not ours to read: cannot tell
    return _start_time(proc, pid) != started
