"""The metadata endpoint's listener: bytes in, :mod:`.http` answers out, whatever arrives.

Behind the on-link responder, each connection starts with one preamble line the responder adds,
``<tag> <secret> <caller address as in /proc/net/tcp[6]>``: the secret proves the line came from
our responder (an instance that reaches this listener directly cannot forge its caller address).
The tag says which of the responder's ports the caller reached: ``LSIMDS`` (the metadata
service, answered here) or another tag the listener was given a stream handler for (DNS,
LocalStack's gateway), which then has the connection. In fallback mode (no responder) the caller
is the connection's peer address and every connection is a metadata request.

Every read is bounded in size and time; every answer closes the connection.
"""

import contextlib
import hmac
import io
import logging
import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from email.utils import formatdate

from localstack_ssm_docker.engine.values import METADATA_TAG
from localstack_ssm_docker.imds.http import Request, Response, error

LOG = logging.getLogger(__name__)

_READ_TIMEOUT_SECONDS = 5.0
_MAX_LINE = 8192
_MAX_HEADERS = 100
_MAX_BODY = 64 * 1024
_MAX_CONNECTIONS = 64
_MAX_STREAMS = 256

Answer = Callable[[str, Request], Response | None]
"""(caller address, request) -> the response, or None to close without answering."""
type Stream = Callable[[socket.socket, io.BufferedIOBase, io.BufferedIOBase], None]
"""Serves one connection after its preamble: (the connection, its reader, which may hold bytes
already received, its writer)."""


class BadRequest(Exception):
    """The bytes are not an HTTP request we answer; carries the status to send."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def caller_from_proc(text: str) -> str | None:
    """``0100007F:1F90`` (/proc/net/tcp) or its 32-digit IPv4-mapped tcp6 form as a dotted quad."""
    address = text.split(":", 1)[0]
    if len(address) == 32:
        if address[:24].upper() != "0000000000000000FFFF0000":
            return None
        address = address[24:]
    if len(address) != 8:
        return None
    try:
        raw = bytes.fromhex(address)
    except ValueError:
        return None
    return ".".join(str(b) for b in reversed(raw))


def read_preamble(line: bytes, secret: str) -> tuple[str, str] | None:
    """The tag and the caller's address from a genuine preamble line, else None."""
    parts = line.decode("ascii", "replace").strip().split(" ")
    if len(parts) != 3 or not parts[0].isalpha():
        return None
    if not hmac.compare_digest(parts[1].encode(), secret.encode()):
        return None
    caller = caller_from_proc(parts[2])
    return (parts[0], caller) if caller else None


def read_request(rfile) -> Request:
    """One HTTP/1.x request head (and any Content-Length body, discarded)."""
    line = rfile.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise BadRequest(414)
    try:
        method, target, version = line.decode("ascii").rstrip("\r\n").split(" ")
    except (UnicodeDecodeError, ValueError) as e:
        raise BadRequest(400) from e
    if not method.isalpha() or not method.isupper() or not version.startswith("HTTP/1."):
        raise BadRequest(400)
    if not target.startswith("/") or not target.isprintable():
        raise BadRequest(400)
    headers: dict[str, str] = {}
    for _ in range(_MAX_HEADERS + 1):
        raw = rfile.readline(_MAX_LINE + 1)
        if len(raw) > _MAX_LINE:
            raise BadRequest(431)
        if raw in (b"\r\n", b"\n"):
            break
        if not raw:
            raise BadRequest(400)
        name, colon, value = raw.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip() or " " in name:
            raise BadRequest(400)
        headers[name.lower()] = value.strip()
    else:
        raise BadRequest(431)
    length = headers.get("content-length", "0")
    if not length.isdigit():
        raise BadRequest(400)
    if int(length) > _MAX_BODY:
        raise BadRequest(413)
    rfile.read(int(length))
    return Request(method, target, headers)


def render(response: Response, head_only: bool) -> bytes:
    """The response's bytes; the connection closes after them."""
    lines = [
        f"HTTP/1.1 {response.status} {response.reason}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        f"Date: {formatdate(usegmt=True)}",
        "Server: EC2ws",
        "Connection: close",
        *(f"{name}: {value}" for name, value in response.headers),
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    return head if head_only else head + response.body


class _Handler(socketserver.StreamRequestHandler):
    server: "_Listener"

    def handle(self) -> None:
        self.connection.settimeout(_READ_TIMEOUT_SECONDS)
        if not self.server.slots.acquire(blocking=False):
            return
        stream = None
        try:
            stream = self._serve()
        except (TimeoutError, OSError):
            pass
        finally:
            self.server.slots.release()
        if stream is not None:
            self._stream(stream)

    def _serve(self) -> Stream | None:
        """Answers a metadata request; for another genuine tag, the stream handler that has the
        connection next (None when there is none)."""
        secret = self.server.secret
        caller, tag = str(self.client_address[0]), METADATA_TAG
        if secret is not None:
            found = read_preamble(self.rfile.readline(512), secret)
            if found is None:
                return None
            tag, caller = found
        if tag != METADATA_TAG:
            return self.server.streams.get(tag)
        try:
            request = read_request(self.rfile)
        except BadRequest as e:
            self.wfile.write(render(error(e.status), head_only=False))
            return None
        except TimeoutError:  # an incomplete request: a clear answer, not a hang
            self.wfile.write(render(error(408), head_only=False))
            return None
        try:
            response = self.server.answer(caller, request)
        except Exception:
            LOG.exception("IMDS request %s %s failed", request.method, request.target[:200])
            response = error(404)
        if response is not None:
            self.wfile.write(render(response, head_only=request.method == "HEAD"))
        return None

    def _stream(self, stream: Stream) -> None:
        """Runs a stream handler on a slot of the streams' own: a long transfer to LocalStack
        takes none of the metadata service's."""
        if not self.server.stream_slots.acquire(blocking=False):
            return
        try:
            stream(self.connection, self.rfile, self.wfile)
        except (TimeoutError, OSError):
            pass
        except Exception:
            LOG.exception("IMDS stream failed")
        finally:
            self.server.stream_slots.release()


class _Listener(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        answer: Answer,
        secret: str | None,
        streams: Mapping[str, Stream],
    ):
        self.answer = answer
        self.secret = secret
        self.streams = streams
        self.slots = threading.BoundedSemaphore(_MAX_CONNECTIONS)
        self.stream_slots = threading.BoundedSemaphore(_MAX_STREAMS)
        super().__init__(address, _Handler)


class MetadataListener:
    """Serves IMDS on one address in a background thread until stopped. Without a `port`, the
    system picks a free one as the socket binds: the socket that found it free is the one that
    listens, so no other program can take it in between. The thread blocks in accept (no
    polling while idle); stop shuts the socket down, which ends the accept."""

    def __init__(
        self,
        host: str,
        answer: Answer,
        secret: str | None,
        port: int = 0,
        streams: Mapping[str, Stream] | None = None,
    ):
        self._server = _Listener((host, port), answer, secret, streams or {})
        self._thread = threading.Thread(target=self._accept, name="imds-listener", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._server.socket.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                caller, address = self._server.get_request()
            except OSError:
                return  # stopped
            self._server.process_request(caller, address)  # a thread of its own
