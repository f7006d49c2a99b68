"""A TCP relay that makes this LocalStack reachable from instances: LocalStack in host mode
listens on loopback, which inside a container is the container itself. The relay listens on the
host's address on the instances' bridge and passes bytes both ways to LocalStack's gateway."""

import contextlib
import logging
import socket
import threading

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
            with caller, socket.create_connection(self._target, timeout=10) as upstream:
                upstream.settimeout(None)
                back = threading.Thread(target=_pump, args=(upstream, caller), daemon=True)
                back.start()
                _pump(caller, upstream, end_sink=False)
                back.join()
        except OSError as e:
            LOG.debug("endpoint relay: %s", e)
        finally:
            self._slots.release()


def _pump(source: socket.socket, sink: socket.socket, end_sink: bool = True) -> None:
    """Copies until `source` ends. A caller's half-close is not passed on (LocalStack's server
    drops a request whose client half-closed, as `printf ... | nc` does); LocalStack's end of
    the connection ends the caller's completely."""
    try:
        while chunk := source.recv(_BUFFER):
            sink.sendall(chunk)
    except OSError:
        pass
    if end_sink:
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
