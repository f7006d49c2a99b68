from datetime import UTC, datetime

import pytest
from localstack.aws.api.ssm import InvalidSchedule

from localstack_ssm_docker.ssm.associations.schedule_expressions import (
    At,
    Cron,
    Rate,
    parse_schedule,
)


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def iso(epoch: float | None) -> str:
    assert epoch is not None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(30 minutes)", 1800),
        ("rate(1 hour)", 3600),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("rate(7 days)", 7 * 86400),
    ],
)
def test_rates(expression, seconds):
    assert parse_schedule(expression) == Rate(seconds)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(29 minutes)",
        "rate(1 minute)",
        "rate(0 hours)",
        "rate(1 hours)",  # AWS wants the singular for 1
        "rate(2 hour)",
        "rate(5 weeks)",
        "cron(* * * * ? *)",  # every minute
        "cron(0/15 * * * ? *)",
        "cron(0,20 * * * ? *)",
        "cron(0 2 1 * MON *)",  # both days given
        "cron(60 2 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 2 * 13 ? *)",
        "cron(0 2 ? * FOO *)",
        "cron(0 2 ? *)",
        "at(2026-13-01T00:00:00)",
        "every day",
        "",
    ],
)
def test_invalid_expressions_are_invalid_schedule(expression):
    with pytest.raises(InvalidSchedule):
        parse_schedule(expression)


def test_offset_only_with_cron():
    with pytest.raises(InvalidSchedule):
        parse_schedule("rate(1 day)", 2)
    with pytest.raises(InvalidSchedule):
        parse_schedule("cron(0 2 ? * SUN *)", 7)
    assert isinstance(parse_schedule("cron(0 2 ? * SUN *)", 2), Cron)


def test_rate_runs_on_its_grid_from_the_anchor():
    rate = Rate(1800)
    anchor = ts("2026-01-01T00:00:00")
    assert rate.next_run(anchor, anchor) == anchor + 1800
    assert rate.next_run(anchor + 1799, anchor) == anchor + 1800
    assert rate.next_run(anchor + 1800, anchor) == anchor + 3600


def test_at_runs_once():
    at = parse_schedule("at(2026-03-01T12:30:00)")
    assert at == At(ts("2026-03-01T12:30:00"))
    assert at.next_run(ts("2026-01-01T00:00:00"), 0) == ts("2026-03-01T12:30:00")
    assert at.next_run(ts("2026-03-01T12:30:00"), 0) is None


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 2 ? * * *)", "2026-01-01T01:59:00", "2026-01-01T02:00"),
        ("cron(0 2 ? * * *)", "2026-01-01T02:00:00", "2026-01-02T02:00"),
        ("cron(30 */6 * * ? *)", "2026-01-01T06:31:00", "2026-01-01T12:30"),
        ("cron(0/30 * * * ? *)", "2026-01-01T00:10:00", "2026-01-01T00:30"),
        ("cron(15 10 ? * MON-FRI *)", "2026-01-02T11:00:00", "2026-01-05T10:15"),  # Fri → Mon
        ("cron(0 9 ? * SUN *)", "2026-01-01T00:00:00", "2026-01-04T09:00"),
        ("cron(0 9 ? * 1 *)", "2026-01-01T00:00:00", "2026-01-04T09:00"),  # 1 = Sunday
        ("cron(0 3 L * ? *)", "2026-02-01T00:00:00", "2026-02-28T03:00"),
        ("cron(0 3 ? * MON#2 *)", "2026-01-01T00:00:00", "2026-01-12T03:00"),
        ("cron(0 3 ? * 6L *)", "2026-01-01T00:00:00", "2026-01-30T03:00"),  # last Friday
        ("cron(0 12 1 JAN,JUL ? *)", "2026-01-02T00:00:00", "2026-07-01T12:00"),
        ("cron(0 12 29 2 ? *)", "2026-01-01T00:00:00", "2028-02-29T12:00"),
        ("cron(0 12 1 1 ? 2027)", "2026-01-01T00:00:00", "2027-01-01T12:00"),
        ("cron(0 2 15W * ? *)", "2026-08-01T00:00:00", "2026-08-14T02:00"),  # 15th is a Sat
        ("cron(0 2 * * *)", "2026-01-01T03:00:00", "2026-01-02T02:00"),  # five fields
    ],
)
def test_cron_next_run(expression, after, expected):
    assert iso(parse_schedule(expression).next_run(ts(after), 0)) == expected


def test_cron_with_schedule_offset_runs_days_later():
    cron = parse_schedule("cron(0 2 ? * TUE#2 *)", 3)  # the second Tuesday, plus 3 days
    assert iso(cron.next_run(ts("2026-01-01T00:00:00"), 0)) == "2026-01-16T02:00"
    assert iso(cron.next_run(ts("2026-01-16T02:00:00"), 0)) == "2026-02-13T02:00"


def test_cron_with_no_future_run():
    assert parse_schedule("cron(0 12 1 1 ? 2027)").next_run(ts("2027-06-01T00:00:00"), 0) is None
