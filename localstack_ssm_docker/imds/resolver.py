"""What the instances' resolver answers: LocalStack's names, and nothing else of its own.

Instances resolve through 169.254.169.253 (AWS's resolver address). A query for LocalStack's name
(``localhost.localstack.cloud``) or any name under it (``<bucket>.s3.localhost.localstack.cloud``)
is answered here with the address instances reach LocalStack at; every other query goes upstream
unchanged (:func:`answer` returns None), so instances resolve other names as LocalStack does.
Everything here is a pure function of the query's bytes: no socket, no clock.

The question is echoed byte for byte (a resolver that randomises the case of the name checks it),
answers are authoritative, and EDNS is not spoken (a response without OPT tells the client so,
RFC 6891 section 7).
"""

import ipaddress
import struct
from dataclasses import dataclass

HEADER = struct.Struct("!HHHHHH")
"""ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (RFC 1035 section 4.1.1)."""
_QUESTION_TAIL = struct.Struct("!HH")
_ANSWER_HEAD = struct.Struct("!HHHIH")
_NAME_AT_QUESTION = 0xC000 | HEADER.size
"""A compression pointer to the question's name, which starts right after the header."""

TYPE_A = 1
TYPE_ANY = 255
CLASS_IN = 1
CLASS_ANY = 255
NOERROR = 0
FORMERR = 1
NOTIMP = 4
_QR = 0x8000
_OPCODE = 0x7800
_AA = 0x0400
_RD = 0x0100
_RA = 0x0080
_MAX_LABEL = 63
_MAX_NAME = 255


@dataclass(frozen=True)
class Zone:
    """The names answered here (`name` and every name under it), their address and TTL."""

    name: str
    address: str
    ttl: int = 60

    def holds(self, name: str) -> bool:
        """Whether `name` (dotted, any case, no trailing dot) is the zone's name or under it."""
        name, own = name.lower(), self.name.lower()
        return name == own or name.endswith("." + own)


@dataclass(frozen=True)
class Question:
    """A query's one question: its name (as sent), type and class, and where it ends."""

    name: str
    qtype: int
    qclass: int
    end: int


class Malformed(Exception):
    """The bytes after the header are not one well-formed question."""


def answer(query: bytes, zone: Zone) -> bytes | None:
    """The response to `query`, or None when it is not ours to answer (it goes upstream as it
    is). Queries for the zone get its address (A, ANY) or no data (any other type); a query
    that is malformed or not a standard query gets FORMERR or NOTIMP; bytes too short for a
    header, or a response, get nothing (b"")."""
    if len(query) < HEADER.size:
        return b""
    ident, flags, qdcount, _, _, _ = HEADER.unpack_from(query)
    if flags & _QR:
        return b""
    if flags & _OPCODE:
        return _response(ident, flags, NOTIMP)
    if qdcount != 1:
        return _response(ident, flags, FORMERR)
    try:
        question = parse_question(query)
    except Malformed:
        return _response(ident, flags, FORMERR)
    if not zone.holds(question.name):
        return None
    echoed = query[HEADER.size : question.end]
    records = b""
    if question.qclass in (CLASS_IN, CLASS_ANY) and question.qtype in (TYPE_A, TYPE_ANY):
        address = ipaddress.IPv4Address(zone.address).packed
        records = _ANSWER_HEAD.pack(_NAME_AT_QUESTION, TYPE_A, CLASS_IN, zone.ttl, 4) + address
    return _response(ident, flags, NOERROR, echoed, 1 if records else 0) + records


def parse_question(query: bytes) -> Question:
    """The question right after the header. Names in a question are never compressed (a
    pointer there is malformed, and cannot loop)."""
    labels: list[str] = []
    at, length = HEADER.size, 0
    while True:
        if at >= len(query):
            raise Malformed("name runs past the end")
        size = query[at]
        at += 1
        if size == 0:
            break
        if size > _MAX_LABEL:
            raise Malformed("compressed or reserved label in a question")
        label = query[at : at + size]
        if len(label) != size:
            raise Malformed("label runs past the end")
        length += size + 1
        if length + 1 > _MAX_NAME:
            raise Malformed("name longer than 255 bytes")
        labels.append(label.decode("latin-1"))
        at += size
    if at + _QUESTION_TAIL.size > len(query):
        raise Malformed("question has no type and class")
    qtype, qclass = _QUESTION_TAIL.unpack_from(query, at)
    return Question(".".join(labels), qtype, qclass, at + _QUESTION_TAIL.size)


def _response(
    ident: int, query_flags: int, rcode: int, question: bytes = b"", answers: int = 0
) -> bytes:
    """A response header (and the echoed question, when there is one to echo)."""
    flags = _QR | (query_flags & (_OPCODE | _RD)) | _RA | rcode
    if question and rcode == NOERROR:
        flags |= _AA
    return HEADER.pack(ident, flags, 1 if question else 0, answers, 0, 0) + question
