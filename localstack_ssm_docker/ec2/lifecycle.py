"""The one owner of the instance containers' lifecycle in a LocalStack process.

EC2 and SSM both serve Docker-backed instances. LocalStack loads either provider first (lazily, on
its first request, or not at all) and stops its services in an order of its own: EC2 before SSM.
So neither provider recovers or shuts down the InstanceManager itself. The first of them to start
asks this object, which recovers the instances once, before either serves, and has their shutdown
run once every service has stopped: SSM's executor has ended the invocations still running by
then, while their containers were still there.
"""

import threading
from collections.abc import Callable
from typing import Protocol

type AfterServicesStop = Callable[[Callable[[], None]], None]
"""Registers a callable to run once LocalStack has stopped every service (LocalStack's
``ON_AFTER_SERVICE_SHUTDOWN_HANDLERS.register``)."""


class Recoverable(Protocol):
    """What this lifecycle drives: the InstanceManager."""

    def recover(self) -> None: ...

    def shutdown(self) -> None: ...


class InstanceLifecycle:
    """Recovers the instances when the first service that serves them starts, and shuts them
    down after every service has stopped; each once."""

    def __init__(self, instances: Recoverable, after_services_stop: AfterServicesStop):
        self._instances = instances
        self._after_services_stop = after_services_stop
        self._lock = threading.Lock()
        self._started = False
        self._after_shutdown: list[Callable[[], None]] = []

    def after_shutdown(self, action: Callable[[], None]) -> None:
        """Runs `action` once the instances are shut down (the metadata route goes after the
        containers on it)."""
        with self._lock:
            self._after_shutdown.append(action)

    def start(self) -> None:
        """Called by each provider before it serves; returns once the instances are recovered
        (a second caller waits for the first's recovery)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            self._after_services_stop(self._shutdown)
            self._instances.recover()

    def _shutdown(self) -> None:
        self._instances.shutdown()
        with self._lock:
            actions = list(self._after_shutdown)
        for action in actions:
            action()
