"""How the SSM agent and service cut command output down to the sizes the API returns."""

STDOUT_LIMIT = 24000
STDERR_LIMIT = 8000
INLINE_TRUNCATED_SUFFIX = "--output truncated--"
PLUGIN_OUTPUT_CAPACITY = 2500
ERROR_TITLE = "\n----------ERROR-------\n"
OUTPUT_TRUNCATED = "\n---Output truncated---"
ERROR_TRUNCATED = "\n---Error truncated----"


def inline(data: bytes, total_size: int, limit: int, note: str = "") -> str:
    """Text of a captured stream as GetCommandInvocation returns it.

    `note` (the agent's closing line on stderr) is appended on a line of its own. A stream of
    `limit` bytes or more becomes its first ``limit - 20`` bytes plus ``--output truncated--``
    (the agent's rule for StandardOutputContent, applied to stderr too).
    """
    if note:
        extra = (b"\n" if data and not data.endswith(b"\n") else b"") + note.encode()
        data, total_size = data + extra, total_size + len(extra)
    if total_size >= limit:
        head = data[: limit - len(INLINE_TRUNCATED_SUFFIX)]
        return head.decode("utf-8", "ignore") + INLINE_TRUNCATED_SUFFIX
    return data.decode("utf-8", "replace")


def plugin_output(stdout: str, stderr: str, capacity: int = PLUGIN_OUTPUT_CAPACITY) -> str:
    """CommandPlugins[].Output: stdout, then an error title and stderr, within `capacity` chars.

    When both do not fit, the longer side(s) are cut and marked, as the agent does.
    """
    title = ERROR_TITLE if stderr else ""
    room = capacity - len(title)
    if len(stdout) + len(stderr) < room:
        return stdout + title + stderr
    half = room // 2
    if len(stdout) > half and len(stderr) > half:
        keep = (room - len(OUTPUT_TRUNCATED) - len(ERROR_TRUNCATED)) // 2
        return stdout[:keep] + OUTPUT_TRUNCATED + title + stderr[:keep] + ERROR_TRUNCATED
    if len(stdout) < half:
        keep = room - len(ERROR_TRUNCATED) - len(stdout)
        return stdout + title + stderr[:keep] + ERROR_TRUNCATED
    keep = room - len(OUTPUT_TRUNCATED) - len(stderr)
    return stdout[:keep] + OUTPUT_TRUNCATED + title + stderr


def cut(text: str, limit: int) -> str:
    """Text cut to the inline limit with the same rule as `inline`."""
    data = text.encode()
    return inline(data, len(data), limit)
