"""The signals an execution receives (SendAutomationSignal) until a step takes them.

A signal is accepted only while the execution waits for its type (an aws:approve step for
Approve/Reject, aws:pause for Resume, Interactive mode for StartStep, a running Interactive step
for StopStep); any other is refused at once, so a signal is never kept for later.
"""

import threading
from collections.abc import Callable

from localstack_ssm_docker.ssm.automation.control import Signal


class SignalBox:
    """One execution's mailbox: a waiter names the types it takes; `post` hands one over."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._accepting: frozenset[str] = frozenset()
        self._signals: list[Signal] = []

    def post(self, signal: Signal) -> bool:
        """Hands `signal` to the waiter; False when nothing waits for its type."""
        with self._condition:
            if signal.signal_type not in self._accepting:
                return False
            self._signals.append(signal)
            self._condition.notify_all()
            return True

    def wait(self, accepted: frozenset[str], stop: Callable[[], bool]) -> Signal | None:
        """The next signal of an `accepted` type, or None once `stop()` is true (call `wake`
        after making it true)."""
        with self._condition:
            self._accepting = accepted
            try:
                while not self._signals:
                    if stop():
                        return None
                    self._condition.wait()
                return self._signals.pop(0)
            finally:
                self._accepting = frozenset()
                self._signals.clear()

    def wake(self) -> None:
        """Makes a waiter check its `stop` again."""
        with self._condition:
            self._condition.notify_all()
