from localstack_ssm_docker.engine.docker.engine import _BoundedBuffer, parse_os_release


def test_os_release_values_lose_their_quotes():
    content = "# comment\nNAME=\"Amazon Linux\"\nVERSION_ID='2023'\nID=amzn\n\nBROKEN\n"
    assert parse_os_release(content) == {"NAME": "Amazon Linux", "VERSION_ID": "2023", "ID": "amzn"}


def test_bounded_buffer_keeps_the_head_and_counts_everything():
    buffer = _BoundedBuffer(5)
    for chunk in (b"abc", None, b"defgh", b"ij"):
        buffer.write(chunk)
    assert (buffer.value(), buffer.size) == (b"abcde", 10)
