from localstack_ssm_docker.ssm.integrations.log_writer import (
    LOG_BATCH_MAX_EVENTS,
    log_batches,
    write_log_stream,
)


class RecordingLogs:
    """The two Logs calls the writer makes, recorded."""

    def __init__(self):
        self.calls: list[tuple] = []

    def create_log_stream(self, **kwargs):
        self.calls.append(("create_log_stream", kwargs))

    def put_log_events(self, **kwargs):
        self.calls.append(
            (
                "put_log_events",
                kwargs["logGroupName"],
                kwargs["logStreamName"],
                len(kwargs["logEvents"]),
            )
        )


def test_the_stream_is_created_then_filled_batch_by_batch():
    logs = RecordingLogs()
    write_log_stream(logs, "g", "s", "x\n" * (LOG_BATCH_MAX_EVENTS + 1))
    assert logs.calls == [
        ("create_log_stream", {"logGroupName": "g", "logStreamName": "s"}),
        ("put_log_events", "g", "s", LOG_BATCH_MAX_EVENTS),
        ("put_log_events", "g", "s", 1),
    ]


def test_log_events_are_lines_in_batches_that_fit():
    batches = log_batches("one\ntwo\n")
    assert [e["message"] for e in batches[0]] == ["one", "two"]
    big = log_batches("x" * 2000 + "\n" + "y" * 10)
    assert sum(len(e["message"]) for b in big for e in b) == 2010
    many = log_batches("\n".join(["z" * 200] * 10_000))
    assert len(many) > 1
    assert all(sum(len(e["message"]) + 26 for e in b) <= 1_048_576 for b in many)


MESSAGE_MAX = 262_144 - 26  # an event's size: its message's UTF-8 bytes + 26, at most 256 KiB


def _sizes(batch: list[dict]) -> list[int]:
    return [len(event["message"].encode()) + 26 for event in batch]


def test_a_line_of_the_largest_event_is_one_event_and_one_byte_more_is_two():
    (batch,) = log_batches("x" * MESSAGE_MAX)
    assert _sizes(batch) == [262_144]
    (batch,) = log_batches("x" * (MESSAGE_MAX + 1))
    assert _sizes(batch) == [262_144, 27]


def test_a_long_line_of_multibyte_characters_is_split_between_characters():
    line = "€" * (MESSAGE_MAX // 3) + "a€"  # 3 bytes each: the limit falls inside the last "€"
    (batch,) = log_batches(line)
    assert all(size <= 262_144 for size in _sizes(batch))
    assert "".join(event["message"] for event in batch) == line
    assert len(batch) == 2


def test_a_batch_holds_up_to_one_mebibyte():
    (batch,) = log_batches("\n".join(["x" * MESSAGE_MAX] * 4))  # 4 x 262,144 = 1,048,576
    assert sum(_sizes(batch)) == 1_048_576
    first, second = log_batches("\n".join(["x" * MESSAGE_MAX] * 4 + ["y"]))
    assert (sum(_sizes(first)), _sizes(second)) == (1_048_576, [27])


def test_a_batch_holds_up_to_ten_thousand_events():
    (batch,) = log_batches("\n".join(["z"] * 10_000))
    assert len(batch) == 10_000
    first, second = log_batches("\n".join(["z"] * 10_001))
    assert (len(first), len(second)) == (10_000, 1)
