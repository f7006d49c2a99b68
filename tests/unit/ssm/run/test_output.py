from localstack_ssm_docker.ssm.run.output import (
    ERROR_TITLE,
    ERROR_TRUNCATED,
    INLINE_TRUNCATED_SUFFIX,
    OUTPUT_TRUNCATED,
    inline,
    plugin_output,
)


def test_inline_keeps_short_output_whole():
    assert inline(b"hello\n", 6, 24000) == "hello\n"


def test_inline_cuts_at_limit_with_marker():
    data = b"x" * 30000
    text = inline(data[:24000], 30000, 24000)
    assert len(text) == 24000
    assert text == "x" * 23980 + INLINE_TRUNCATED_SUFFIX


def test_inline_appends_note_on_its_own_line():
    assert inline(b"oops", 4, 8000, "failed") == "oops\nfailed"
    assert inline(b"oops\n", 5, 8000, "failed") == "oops\nfailed"
    assert inline(b"", 0, 8000, "failed") == "failed"


def test_inline_replaces_invalid_utf8():
    assert inline(b"\xff ok", 4, 100) == "\ufffd ok"


def test_plugin_output_with_both_streams_short():
    assert plugin_output("out", "err") == "out" + ERROR_TITLE + "err"
    assert plugin_output("out", "") == "out"
    assert plugin_output("", "err") == ERROR_TITLE + "err"


def test_plugin_output_cuts_long_stdout_only():
    text = plugin_output("o" * 5000, "")
    assert len(text) == 2500
    assert text.endswith(OUTPUT_TRUNCATED)


def test_plugin_output_cuts_long_stderr_keeping_short_stdout():
    text = plugin_output("out", "e" * 5000)
    assert text.startswith("out" + ERROR_TITLE + "eee")
    assert text.endswith(ERROR_TRUNCATED)
    assert len(text) == 2500


def test_plugin_output_cuts_both_halves():
    text = plugin_output("o" * 5000, "e" * 5000)
    head, _, tail = text.partition(ERROR_TITLE)
    assert head.endswith(OUTPUT_TRUNCATED) and tail.endswith(ERROR_TRUNCATED)
    assert len(head) - len(OUTPUT_TRUNCATED) == len(tail) - len(ERROR_TRUNCATED)
    assert len(text) <= 2500
