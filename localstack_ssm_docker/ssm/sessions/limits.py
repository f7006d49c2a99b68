"""Session preferences that end a session by time: idleSessionTimeout and maxSessionDuration
(minutes, as SSM-SessionManagerRunShell's inputs hold them). Pure: the manager's watcher asks
`expired` once a second."""

from dataclasses import dataclass

IDLE_MESSAGE = "Your session timed out due to inactivity and has been terminated."
DURATION_MESSAGE = "Your session has been terminated as it reached the maximum session duration."
DEFAULT_IDLE_MINUTES = 20


@dataclass(frozen=True)
class Limits:
    idle_seconds: float | None
    max_seconds: float | None


def limits_from(inputs: dict) -> Limits:
    """The limits the preferences set; an unset or invalid value means none (idle: 20 min)."""
    idle = _minutes(inputs.get("idleSessionTimeout"), 1, 60)
    maximum = _minutes(inputs.get("maxSessionDuration"), 1, 1440)
    if idle is None and not str(inputs.get("idleSessionTimeout") or "").strip():
        idle = DEFAULT_IDLE_MINUTES * 60.0
    return Limits(idle, maximum)


def _minutes(value, low: int, high: int) -> float | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60.0 if low <= minutes <= high else None


def expired(limits: Limits, started: float, last_input: float, now: float) -> str | None:
    """Why the session must end now (the message the client shows), or None."""
    if limits.max_seconds is not None and now - started >= limits.max_seconds:
        return DURATION_MESSAGE
    if limits.idle_seconds is not None and now - last_input >= limits.idle_seconds:
        return IDLE_MESSAGE
    return None
