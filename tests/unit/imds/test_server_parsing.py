import io

import pytest

from localstack_ssm_docker.imds.http import Response
from localstack_ssm_docker.imds.server import (
    BadRequest,
    caller_from_proc,
    read_preamble,
    read_request,
    render,
)


def test_caller_from_proc_tcp6_mapped_and_tcp():
    assert caller_from_proc("0000000000000000FFFF000002A9FEA9:8BA4") == "169.254.169.2"
    assert caller_from_proc("0100007F:1F90") == "127.0.0.1"
    assert caller_from_proc("20010DB8000000000000000000000001:0050") is None
    assert caller_from_proc("zz") is None
    assert caller_from_proc("") is None


def test_preamble_needs_the_secret():
    line = b"LSIMDS s3cret 0000000000000000FFFF000002A9FEA9:8BA4\n"
    assert read_preamble(line, "s3cret") == ("LSIMDS", "169.254.169.2")
    assert read_preamble(line, "other") is None
    assert read_preamble(b"GET / HTTP/1.0\r\n", "s3cret") is None
    assert read_preamble(b"", "s3cret") is None


def test_preamble_names_the_port_the_caller_reached():
    line = b"LSDNS s3cret 02A9FEA9:0035\n"
    assert read_preamble(line, "s3cret") == ("LSDNS", "169.254.169.2")
    assert read_preamble(b"LS-DNS s3cret 02A9FEA9:0035\n", "s3cret") is None
    assert read_preamble(b"LSDNS s3cret 20010DB8000000000000000000000001:0035\n", "s3cret") is None


def test_read_request():
    request = read_request(
        io.BytesIO(b"GET /latest/ HTTP/1.1\r\nHost: x\r\nX-Aws-Ec2-Metadata-Token: t\r\n\r\n")
    )
    assert request.method == "GET" and request.target == "/latest/"
    assert request.headers["x-aws-ec2-metadata-token"] == "t"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"\r\n", 400),
        (b"GET /\r\n\r\n", 400),
        (b"get / HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/2\r\n\r\n", 400),
        (b"GET x HTTP/1.1\r\n\r\n", 400),
        (b"GET /\x00 HTTP/1.1\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nbad header\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\n", 400),
        (b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"A: b\r\n" * 200 + b"\r\n", 431),
        (b"\xff\xfe / HTTP/1.1\r\n\r\n", 400),
    ],
)
def test_malformed_requests(raw, status):
    with pytest.raises(BadRequest) as caught:
        read_request(io.BytesIO(raw))
    assert caught.value.status == status


def test_render_closes_and_counts():
    data = render(Response(200, b"abc", (("X-A", "1"),)), head_only=False)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Content-Length: 3\r\n" in data and b"Connection: close\r\n" in data
    assert data.endswith(b"\r\n\r\nabc")
    assert render(Response(200, b"abc"), head_only=True).endswith(b"\r\n\r\n")


def test_registry_names_match_what_proc_net_shows():
    from localstack_ssm_docker.engine.docker.imds_network import registry_names

    assert registry_names("169.254.169.2") == ("0000000000000000FFFF000002A9FEA9", "02A9FEA9")
    assert caller_from_proc(registry_names("169.254.169.77")[0] + ":80") == "169.254.169.77"
