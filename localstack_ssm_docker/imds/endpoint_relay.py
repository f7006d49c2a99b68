"""A TCP relay that makes this LocalStack reachable from instances: LocalStack in host mode
listens on loopback, which inside a container is the container itself. The relay listens on the
host's address on the instances' bridge and passes bytes both ways to LocalStack's gateway."""

import contextlib
import logging
import socket
import threading
from collections.abc import Callable

LOG = logging.getLogger(__name__)

_BUFFER = 64 * 1024
_MAX_CONNECTIONS = 256


class EndpointRelay:
    """Accepts on (host, port) and connects each caller to `target`."""

    def __init__(self, host: str, port: int, target: tuple[str, int]):
        self._target = target
        self._listener = socket.create_server((host, port), reuse_port=False)
        self._slots = threading.BoundedSemaphore(_MAX_CONNECTIONS)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="imds-endpoint", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._listener.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                caller, _ = self._listener.accept()
            except OSError:
                return
            if not self._slots.acquire(blocking=False):
                caller.close()
                continue
            threading.Thread(target=self._relay, args=(caller,), daemon=True).start()

    def _relay(self, caller: socket.socket) -> None:
        try:
            with caller:
                relay(caller, caller.recv, self._target)
        finally:
            self._slots.release()


def relay(caller: socket.socket, read: Callable[[int], bytes], target: tuple[str, int]) -> None:
    """Connects to `target` and passes bytes both ways until LocalStack ends the connection;
    what the caller sends is taken from `read` (the socket's own recv, or a reader that holds
    bytes already received), LocalStack's answers go to `caller`."""
    try:
        with socket.create_connection(target, timeout=10) as upstream:
            upstream.settimeout(None)
            caller.settimeout(None)
            back = threading.Thread(target=_pump, args=(upstream.recv, caller), daemon=True)
            back.start()
            _pump(read, upstream, end_sink=False)
            back.join()
    except OSError as e:
        LOG.debug("endpoint relay: %s", e)


def _pump(read: Callable[[int], bytes], sink: socket.socket, end_sink: bool = True) -> None:
    """Copies until `read` ends. A caller's half-close is not passed on (LocalStack's server
    drops a request whose client half-closed, as `printf ... | nc` does); LocalStack's end of
    the connection ends the caller's completely."""
    try:
        while chunk := read(_BUFFER):
            sink.sendall(chunk)
    except OSError:
        pass
    if end_sink:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
