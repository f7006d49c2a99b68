"""A pool of daemon threads: work in flight never keeps the LocalStack process from exiting."""

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

LOG = logging.getLogger(__name__)


class Pool(Protocol):
    """Where Run Command's roles hand work off (a WorkerPool; a test's runs it when told)."""

    def submit(self, fn: Callable, *args) -> None: ...

    def shutdown(self) -> None: ...


class WorkerPool:
    """Runs submitted calls on up to `size` daemon threads, started as work needs them."""

    def __init__(self, size: int, name: str):
        self._size = size
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Callable, tuple] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        self._closed = False

    def submit(self, fn: Callable, *args) -> None:
        """Queues `fn(*args)`; dropped once the pool is shut down."""
        with self._lock:
            if self._closed:
                return
            if self._idle > 0:
                self._idle -= 1  # an idle thread takes it
            elif self._threads < self._size:
                self._threads += 1
                name = f"{self._name}-{self._threads}"
                threading.Thread(target=self._work, name=name, daemon=True).start()
        self._queue.put((fn, args))

    def shutdown(self) -> None:
        """Takes no more work; idle threads end, busy ones end after their call."""
        with self._lock:
            self._closed = True
            threads = self._threads
        for _ in range(threads):
            self._queue.put(None)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            fn, args = item
            try:
                fn(*args)
            except Exception:
                LOG.exception("work of %s failed", self._name)
            with self._lock:
                self._idle += 1
