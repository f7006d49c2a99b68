"""Waiting for a resource inside a step: polls that end when the step is cancelled or times out.

Polls sleep on the step's `cancelled` Event, so StopAutomationExecution and `timeoutSeconds`
end a wait at once instead of after the next poll.
"""

import time
from collections.abc import Callable

from localstack_ssm_docker.ssm.automation.actions.base import StepContext, StepFailed

CANCELLED = "Step was cancelled before the resource reached the state it waits for."
TIMED_OUT = "Step timed out while waiting for the resource."


class Interrupted(StepFailed):
    """The step was cancelled or timed out while waiting; what it started must be undone."""


def until[T](
    context: StepContext, probe: Callable[[], T | None], interval: float, first_wait: bool = False
) -> T:
    """Calls `probe` every `interval` seconds until it returns something other than None."""
    if first_wait:
        _pause(context, interval)
    while True:
        found = probe()
        if found is not None:
            return found
        _pause(context, interval)


def _pause(context: StepContext, interval: float) -> None:
    pause = interval
    if context.deadline is not None:
        left = context.deadline - time.monotonic()
        if left <= 0:
            raise Interrupted(TIMED_OUT)
        pause = min(pause, left)
    if context.cancelled.wait(pause):
        raise Interrupted(CANCELLED)
