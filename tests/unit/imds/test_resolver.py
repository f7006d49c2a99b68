import io
import socket
import struct
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest

from localstack_ssm_docker.imds.resolver import Zone, answer
from localstack_ssm_docker.imds.resolver_stream import NEXT_QUERY_SECONDS, serve
from localstack_ssm_docker.imds.upstream_dns import DEFAULT_SERVERS, UdpUpstream, nameservers

ZONE = Zone("localhost.localstack.cloud", "169.254.169.253")


def query(name: str, rdtype: str = "A", **kwargs) -> dns.message.QueryMessage:
    return dns.message.make_query(name, rdtype, **kwargs)


def parsed(response: bytes | None) -> dns.message.Message:
    assert response
    return dns.message.from_wire(response)


@pytest.mark.parametrize(
    "name",
    [
        "localhost.localstack.cloud",
        "localhost.localstack.cloud.",
        "LocalHost.LOCALSTACK.cloud",
        "mybucket.s3.localhost.localstack.cloud",
        "a.b.c.localhost.localstack.cloud",
    ],
)
def test_the_zone_and_every_name_under_it_get_the_address(name):
    sent = query(name)
    response = parsed(answer(sent.to_wire(), ZONE))
    assert response.id == sent.id
    assert response.rcode() == dns.rcode.NOERROR
    assert response.flags & dns.flags.AA
    assert response.flags & dns.flags.RD
    assert response.question == sent.question
    [rrset] = response.answer
    assert rrset.name == sent.question[0].name
    assert rrset.rdtype == dns.rdatatype.A
    assert [r.address for r in rrset] == ["169.254.169.253"]
    assert rrset.ttl == 60


def test_the_question_is_echoed_byte_for_byte():
    wire = query("MyBucket.S3.LocalHost.LocalStack.Cloud").to_wire()
    response = answer(wire, ZONE)
    assert response is not None
    end = wire.index(b"\x00\x00\x01\x00\x01", 12) + 5
    assert response[12:end] == wire[12:end]


def test_other_types_in_the_zone_get_no_data():
    response = parsed(answer(query("localhost.localstack.cloud", "AAAA").to_wire(), ZONE))
    assert response.rcode() == dns.rcode.NOERROR
    assert response.answer == []


def test_any_gets_the_address():
    response = parsed(answer(query("localhost.localstack.cloud", "ANY").to_wire(), ZONE))
    assert [r.address for r in response.answer[0]] == ["169.254.169.253"]


def test_an_edns_query_gets_an_answer_without_edns():
    response = parsed(answer(query("localhost.localstack.cloud", use_edns=0).to_wire(), ZONE))
    assert response.edns == -1
    assert [r.address for r in response.answer[0]] == ["169.254.169.253"]


@pytest.mark.parametrize(
    "name", ["example.com", "localstack.cloud", "notlocalhost.localstack.cloud", "cloud"]
)
def test_other_names_are_not_answered_here(name):
    assert answer(query(name).to_wire(), ZONE) is None


def test_a_truncated_question_gets_formerr():
    wire = query("localhost.localstack.cloud").to_wire()
    response = parsed(answer(wire[:20], ZONE))
    assert response.rcode() == dns.rcode.FORMERR
    assert response.id == struct.unpack("!H", wire[:2])[0]


def test_a_compressed_name_in_the_question_gets_formerr():
    header = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0)
    response = parsed(answer(header + b"\xc0\x0c\x00\x01\x00\x01", ZONE))
    assert response.rcode() == dns.rcode.FORMERR


def test_two_questions_get_formerr():
    wire = bytearray(query("localhost.localstack.cloud").to_wire())
    wire[4:6] = struct.pack("!H", 2)
    assert parsed(answer(bytes(wire), ZONE)).rcode() == dns.rcode.FORMERR


def test_a_name_over_255_bytes_gets_formerr():
    labels = b"".join(b"\x3f" + b"a" * 63 for _ in range(4))
    header = struct.pack("!HHHHHH", 9, 0, 1, 0, 0, 0)
    response = parsed(answer(header + labels + b"\x00\x00\x01\x00\x01", ZONE))
    assert response.rcode() == dns.rcode.FORMERR


def test_a_non_standard_opcode_gets_notimp():
    wire = bytearray(query("localhost.localstack.cloud").to_wire())
    wire[2] |= 2 << 3  # opcode STATUS
    assert parsed(answer(bytes(wire), ZONE)).rcode() == dns.rcode.NOTIMP


def test_a_response_or_a_fragment_gets_nothing():
    sent = query("localhost.localstack.cloud")
    sent.flags |= dns.flags.QR
    assert answer(sent.to_wire(), ZONE) == b""
    assert answer(b"\x00\x01\x02", ZONE) == b""


def framed(*messages: bytes) -> bytes:
    return b"".join(struct.pack("!H", len(m)) + m for m in messages)


def unframed(data: bytes) -> list[bytes]:
    messages = []
    while data:
        (length,) = struct.unpack_from("!H", data)
        messages.append(data[2 : 2 + length])
        data = data[2 + length :]
    return messages


def test_a_stream_gets_answers_in_order_ours_and_upstreams():
    ours = query("localhost.localstack.cloud")
    other = query("example.com")
    upstream = dns.message.make_response(other)
    forwarded: list[bytes] = []

    def forward(wire: bytes) -> bytes:
        forwarded.append(wire)
        return upstream.to_wire()

    out = io.BytesIO()
    waits: list[float] = []
    stream = io.BytesIO(framed(ours.to_wire(), other.to_wire()))
    served = serve(stream, out, ZONE, forward, waits.append)
    assert served == 2
    assert waits == [NEXT_QUERY_SECONDS] * 2  # after each answer
    assert forwarded == [other.to_wire()]
    first, second = (dns.message.from_wire(m) for m in unframed(out.getvalue()))
    assert first.id == ours.id and first.answer
    assert second.id == other.id and second.rcode() == dns.rcode.NOERROR


def test_a_query_upstream_does_not_answer_gets_servfail():
    other = query("example.com")
    out = io.BytesIO()
    assert serve(io.BytesIO(framed(other.to_wire())), out, ZONE, lambda _: None, no_wait) == 1
    [response] = (dns.message.from_wire(m) for m in unframed(out.getvalue()))
    assert response.id == other.id
    assert response.rcode() == dns.rcode.SERVFAIL


def test_a_stream_ending_mid_message_ends_without_an_answer():
    wire = framed(query("localhost.localstack.cloud").to_wire())
    out = io.BytesIO()
    assert serve(io.BytesIO(wire[:-3]), out, ZONE, lambda _: None, no_wait) == 0
    assert out.getvalue() == b""


def test_a_stream_with_a_response_in_it_is_ended():
    sent = query("localhost.localstack.cloud")
    sent.flags |= dns.flags.QR
    out = io.BytesIO()
    then = query("localhost.localstack.cloud").to_wire()
    assert serve(io.BytesIO(framed(sent.to_wire(), then)), out, ZONE, lambda _: None, no_wait) == 0
    assert out.getvalue() == b""


def no_wait(_seconds: float) -> None:
    """Reads of an in-memory stream never wait."""


class LateNextQuery(io.BytesIO):
    """A stream whose reads time out, as a socket's do once `wait_next` bounded them, after the
    bytes it holds."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if not data:
            raise TimeoutError
        return data


def test_a_stream_ends_when_no_next_query_comes_in_time():
    sent = query("localhost.localstack.cloud")
    out = io.BytesIO()
    waits: list[float] = []
    stream = LateNextQuery(framed(sent.to_wire()))
    assert serve(stream, out, ZONE, lambda _: None, waits.append) == 1
    [response] = (dns.message.from_wire(m) for m in unframed(out.getvalue()))
    assert response.id == sent.id and response.answer
    assert waits == [NEXT_QUERY_SECONDS]


def test_nameservers_are_read_in_order():
    text = (
        "# generated\nsearch example.internal\nnameserver 127.0.0.53\n"
        "nameserver  10.0.0.2 # second\n;nameserver 10.9.9.9\nnameserver fe80::1%eth0\n"
        "nameserver not-an-address\noptions edns0\n"
    )
    assert nameservers(text) == ("127.0.0.53", "10.0.0.2", "fe80::1%eth0")


def test_no_nameserver_means_the_local_one():
    assert nameservers("search example.internal\n") == DEFAULT_SERVERS == ("127.0.0.1",)


def test_upstream_returns_the_response_with_the_querys_id():
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    sent = query("example.com")
    reply = dns.message.make_response(sent)

    def serve_once():
        data, peer = server.recvfrom(512)
        stray = dns.message.make_response(dns.message.from_wire(data))
        stray.id = (sent.id + 1) % 65536
        server.sendto(stray.to_wire(), peer)  # not the answer: skipped
        server.sendto(reply.to_wire(), peer)

    thread = threading.Thread(target=serve_once)
    thread.start()
    try:
        upstream = UdpUpstream(("127.0.0.1",), timeout=5.0, port=server.getsockname()[1])
        assert upstream(sent.to_wire()) == reply.to_wire()
    finally:
        thread.join()
        server.close()


def test_upstream_that_never_answers_gives_none():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        upstream = UdpUpstream(("127.0.0.1",), timeout=0.2, port=silent.getsockname()[1])
        assert upstream(query("example.com").to_wire()) is None
    finally:
        silent.close()
