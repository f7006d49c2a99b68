"""The reconciler's thread: a pass every `interval` seconds, or at once when a request changed a
group (`poke`). One thread: passes never overlap, and a slow launch delays the next pass only."""

import logging
import threading
from collections.abc import Callable

LOG = logging.getLogger(__name__)


class ReconcileLoop:
    def __init__(self, reconcile: Callable[[], None], interval: float):
        self._reconcile = reconcile
        self._interval = interval
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="autoscaling-reconciler", daemon=True
            )
            self._thread.start()

    def poke(self) -> None:
        """A group changed: the next pass starts without waiting for the interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        self._wake.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.clear()
            try:
                self._reconcile()
            except Exception:
                LOG.exception("Auto Scaling pass failed")
            self._wake.wait(self._interval)
