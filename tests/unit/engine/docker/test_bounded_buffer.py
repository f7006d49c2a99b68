from localstack_ssm_docker.engine.docker.bounded_buffer import BoundedBuffer


def test_bounded_buffer_keeps_the_head_and_counts_everything():
    buffer = BoundedBuffer(5)
    for chunk in (b"abc", None, b"defgh", b"ij"):
        buffer.write(chunk)
    assert (buffer.value(), buffer.size) == (b"abcde", 10)


def test_a_zero_limit_keeps_nothing_but_counts():
    buffer = BoundedBuffer(0)
    buffer.write(b"output")
    assert (buffer.value(), buffer.size) == (b"", 6)
