"""DNS over a byte stream (RFC 1035 section 4.2.2: each message after its two-byte length), as
the responder relays instances' queries to us: each query is answered by :mod:`.resolver` or
sent upstream, in order, until the caller ends the stream, sends something that is not DNS, or
sends no next query soon after an answer (NEXT_QUERY_SECONDS).

A query upstream did not answer gets SERVFAIL, so the caller's resolver moves on at once.
"""

import io
import struct
from collections.abc import Callable

from localstack_ssm_docker.imds.resolver import HEADER, Zone, answer

type Forward = Callable[[bytes], bytes | None]
"""A query -> upstream's response to it, or None when upstream did not answer."""

NEXT_QUERY_SECONDS = 0.2
"""After an answer, the stream ends unless the next query comes within this. The responder does
not pass on a caller's half-close, and Docker's embedded DNS, which forwards every instance's
queries, leaves each of its connections open after the one answer it waited for: without this
bound each stream would hold its relay (processes in the responder, a slot here) until the read
timeout, seconds per lookup. A client sending several queries on one stream sends them together
(glibc's A and AAAA), well within it."""

_LENGTH = struct.Struct("!H")
SERVFAIL = 2
_QR_RA = 0x8080
_KEPT_FLAGS = 0x7900
"""Opcode and RD, kept from the query in a response."""


def serve(
    rfile: io.BufferedIOBase,
    wfile: io.BufferedIOBase,
    zone: Zone,
    forward: Forward,
    wait_next: Callable[[float], None],
) -> int:
    """Answers queries from `rfile` on `wfile` until the stream ends, or the next query is later
    than `wait_next` (given NEXT_QUERY_SECONDS after each answer) lets reads wait; the number
    answered."""
    answered = 0
    try:
        while (query := read_message(rfile)) is not None:
            response = answer(query, zone)
            if response is None:
                response = forward(query) or servfail(query)
            if not response:
                return answered
            wfile.write(_LENGTH.pack(len(response)) + response)
            wfile.flush()
            answered += 1
            wait_next(NEXT_QUERY_SECONDS)
    except TimeoutError:
        pass
    return answered


def read_message(rfile: io.BufferedIOBase) -> bytes | None:
    """The next message, or None at the end of the stream (or in the middle of a message)."""
    head = rfile.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    message = rfile.read(length)
    return message if len(message) == length else None


def servfail(query: bytes) -> bytes:
    """SERVFAIL for a query, without its question (b"" for bytes too short for a header)."""
    if len(query) < HEADER.size:
        return b""
    ident, flags = struct.unpack_from("!HH", query)
    return HEADER.pack(ident, _QR_RA | (flags & _KEPT_FLAGS) | SERVFAIL, 0, 0, 0, 0)
