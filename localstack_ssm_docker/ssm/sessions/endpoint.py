"""The data channel's WebSocket endpoint, served by LocalStack's own gateway.

StartSession hands out ``ws://<the host the client called>/v1/data-channel/<session-id>``, so the
client reaches it wherever it reached the API (host mode, LocalStack in a container, a proxy).
The route sits on LocalStack's edge router, which sees WebSocket upgrades (rolo's
WebSocketRequest) before any AWS service parsing. Each connection runs on the gateway's worker
thread: it checks the token of the plugin's OpenDataChannel text frame, then feeds binary frames
to the session until the socket closes. A socket that drops leaves the session waiting for
ResumeSession; a channel this side closes (an invalid frame, an internal error) ends the session
first, so that a client that sees the close sees the session ended.
"""

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable

from localstack.http import Response, Router
from localstack.http.websocket import (
    WebSocket,
    WebSocketDisconnectedError,
    WebSocketProtocolError,
    WebSocketRequest,
)
from rolo.websocket.adapter import CreateConnection

from localstack_ssm_docker.ssm.sessions.codec import FrameError
from localstack_ssm_docker.ssm.sessions.manager import SessionManager
from localstack_ssm_docker.ssm.sessions.messages import reader_for
from localstack_ssm_docker.ssm.sessions.outbox import Outbox

LOG = logging.getLogger(__name__)

PATH = "/v1/data-channel/<session_id>"
OPEN_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.1
POLICY_VIOLATION = 1008
UNSUPPORTED_DATA = 1003
INTERNAL_ERROR = 1011
INVALID_FRAME_MESSAGE = "The data channel received an invalid frame."


def install_route(router: Router) -> None:
    """Adds the endpoint to `router` (LocalStack's gateway router), once."""
    if any(rule.rule == PATH for rule in router.url_map.iter_rules()):
        return
    router.add(PATH, endpoint=data_channel)


def data_channel(request, session_id: str) -> Response:
    """The route: a WebSocket upgrade runs the session; any other request is refused."""
    if not isinstance(request, WebSocketRequest):
        body = {"message": "The data channel accepts WebSocket connections only."}
        return Response(json.dumps(body), status=400, mimetype="application/json")
    from localstack_ssm_docker.ssm.sessions.runtime import session_manager

    serve(session_manager(), request, session_id)
    return Response(status=101)


def serve(manager: SessionManager, request: WebSocketRequest, session_id: str) -> None:
    """One client connection, from the upgrade to the socket's end."""
    try:
        websocket = _accept(request)
    except Exception as e:  # the client went away during the upgrade
        LOG.debug("data channel upgrade for %s failed: %s", session_id, e)
        return
    send, close = _io(websocket)
    messages = reader_for(websocket)
    try:
        opening = messages.next(OPEN_TIMEOUT_SECONDS)
    except WebSocketDisconnectedError:
        return
    live = manager.claim(session_id, _token(opening))
    if live is None:
        LOG.info("SSM session %s: data channel refused (invalid or used token)", session_id)
        close(POLICY_VIOLATION, "invalid token")
        return
    connection = manager.attach(live, send, close)
    last_tick = time.monotonic()
    try:
        while not live.ended.is_set():
            data = messages.next(POLL_SECONDS)
            if data is not None:
                LOG.debug("SSM session %s: %d-byte message", session_id, len(data))
            if isinstance(data, bytes):
                try:
                    manager.receive(live, data)
                except FrameError as e:
                    LOG.info("SSM session %s: closing the data channel: %s", session_id, e)
                    manager.end(
                        live,
                        INVALID_FRAME_MESSAGE,
                        drain=False,
                        close=(UNSUPPORTED_DATA, "invalid frame"),
                    )
                    return
            now = time.monotonic()
            if now - last_tick >= POLL_SECONDS:
                manager.tick(live)
                last_tick = now
    except WebSocketDisconnectedError:
        pass
    except Exception:
        LOG.exception("SSM session %s: data channel failed", session_id)
        manager.end(live, "", drain=False, close=(INTERNAL_ERROR, "internal error"))
        return
    if not live.ended.is_set():
        manager.detach(live, connection)


def _accept(request: WebSocketRequest) -> WebSocket:
    """Completes the upgrade. Under Twisted the 101 response is written on the reactor thread:
    rolo's accept writes it from the worker thread, and a transport written from two threads
    sometimes never flushed the frames that followed (about one session in five under load,
    seen as a client that never answered the handshake)."""
    adapter = request.socket
    try:
        from rolo.serving.twisted import TwistedWebSocketAdapter
        from twisted.internet import reactor, threads
    except ImportError:
        return request.accept(timeout=OPEN_TIMEOUT_SECONDS)
    if not isinstance(adapter, TwistedWebSocketAdapter):
        return request.accept(timeout=OPEN_TIMEOUT_SECONDS)
    event = adapter.receive(OPEN_TIMEOUT_SECONDS)
    if not isinstance(event, CreateConnection):
        raise WebSocketProtocolError(f"unexpected {type(event).__name__} before the upgrade")
    threads.blockingCallFromThread(reactor, adapter.accept)
    request._upgraded = True  # what WebSocketRequest.accept records
    return WebSocket(request, adapter)


def _token(opening: str | bytes | None) -> str:
    """The TokenValue of the plugin's OpenDataChannel frame ("" when it is not one)."""
    if not isinstance(opening, str):
        return ""
    try:
        content = json.loads(opening)
    except ValueError:
        return ""
    token = content.get("TokenValue") if isinstance(content, dict) else None
    return token if isinstance(token, str) else ""


def _io(
    websocket: WebSocket,
) -> tuple[Callable[[bytes], None], Callable[[int, str | None], None]]:
    """send and close for the socket, callable from any thread. Under Twisted both run on the
    reactor thread, in call order, as its transport requires, batched by an Outbox;
    elsewhere under a lock."""
    try:
        from rolo.serving.twisted import TwistedWebSocketAdapter
        from twisted.internet import reactor

        twisted = isinstance(websocket.socket, TwistedWebSocketAdapter)
    except ImportError:
        twisted = False
    lock = threading.Lock()

    def send_now(data: bytes) -> None:
        with lock, contextlib.suppress(Exception):
            websocket.send(data)

    def close_now(code: int, reason: str | None) -> None:
        with lock, contextlib.suppress(Exception):
            websocket.close(code, reason)

    if not twisted:
        return send_now, close_now
    outbox = Outbox(reactor.callFromThread, send_now, close_now)  # type: ignore[attr-defined]
    return outbox.send, outbox.close
