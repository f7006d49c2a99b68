from dataclasses import replace

from localstack_ssm_docker.ssm.integrations.output_sink import log_batches
from localstack_ssm_docker.ssm.run.output_names import log_group_of, plugin_key_prefix, s3_url
from tests.unit.builders import command


def test_key_prefix_as_aws_lays_it_out():
    with_prefix = replace(command(), output_s3_key_prefix="runs/2026")
    assert plugin_key_prefix(with_prefix, "i-12345678", "aws:runShellScript") == (
        f"runs/2026/{with_prefix.command_id}/i-12345678/awsrunShellScript"
    )
    assert plugin_key_prefix(command(), "i-12345678", "aws:runShellScript").startswith("c" * 36)


def test_url_and_log_group():
    assert s3_url("eu-west-1", "b", "k/stdout") == "https://s3.eu-west-1.amazonaws.com/b/k/stdout"
    assert log_group_of(command()) == "/aws/ssm/AWS-RunShellScript"
    named = replace(command(), cloudwatch_output_config={"CloudWatchLogGroupName": "mine"})
    assert log_group_of(named) == "mine"


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
