"""State Manager schedule expressions: parsed and checked as AWS does, and their next run time.

Pure (no clock of its own): the scheduler asks ``next_run(after)`` with the time it is given, so
unit tests walk days of schedules in fake time. Times are POSIX seconds; cron is evaluated in UTC,
as State Manager does. Forms: ``rate(N minute[s]|hour[s]|day[s])`` (at least 30 minutes),
``cron(min hour day-of-month month day-of-week [year])`` (AWS's fields, ``?``, ``L``, ``#``, runs at
least 30 minutes apart) and ``at(yyyy-mm-ddThh:mm:ss)`` (once).
"""

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from localstack.aws.api.ssm import InvalidSchedule

MIN_INTERVAL_MINUTES = 30
MAX_OFFSET_DAYS = 6
_SEARCH_DAYS = 366 * 5

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}


def invalid(expression: str) -> InvalidSchedule:
    """AWS's error for an expression it cannot use."""
    return InvalidSchedule(f"Schedule expression {expression} is invalid.")


@dataclass(frozen=True)
class Rate:
    """Every `seconds`, counted from the association's creation (or last run)."""

    seconds: int

    def next_run(self, after: float, anchor: float) -> float:
        """The first run strictly after `after` on the grid anchor + k * seconds."""
        if after < anchor:
            return anchor
        steps = int((after - anchor) // self.seconds) + 1
        return anchor + steps * self.seconds


@dataclass(frozen=True)
class At:
    """Once, at `when`."""

    when: float

    def next_run(self, after: float, anchor: float) -> float | None:
        return self.when if self.when > after else None


@dataclass(frozen=True)
class Cron:
    """AWS's six cron fields (the year may be left out), UTC."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: str
    months: frozenset[int]
    days_of_week: str
    years: frozenset[int] | None
    offset_days: int = 0

    def next_run(self, after: float, anchor: float) -> float | None:
        """The first firing strictly after `after` (with the schedule offset added)."""
        shifted = datetime.fromtimestamp(after, UTC) - timedelta(days=self.offset_days)
        start = shifted.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        for _ in range(_SEARCH_DAYS):
            if self._day_matches(day.year, day.month, day.day):
                first_minute = start.hour * 60 + start.minute if day == start.date() else 0
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        if hour * 60 + minute >= first_minute:
                            fire = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                            return (fire + timedelta(days=self.offset_days)).timestamp()
            day += timedelta(days=1)
        return None

    def _day_matches(self, year: int, month: int, day: int) -> bool:
        if self.years is not None and year not in self.years:
            return False
        if month not in self.months:
            return False
        return _day_of_month_matches(self.days_of_month, year, month, day) and (
            _day_of_week_matches(self.days_of_week, year, month, day)
        )


type Schedule = Rate | Cron | At


def parse_schedule(expression: str, offset_days: int | None = None) -> Schedule:
    """The schedule of an expression; InvalidSchedule (AWS's code) when AWS would refuse it."""
    text = expression.strip()
    if offset_days is not None and not text.startswith("cron("):
        raise InvalidSchedule("ScheduleOffset can be used only with cron expressions.")
    if match := _RATE.match(text):
        return _rate(expression, int(match.group(1)), match.group(2))
    if match := _AT.match(text):
        try:
            when = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            raise invalid(expression) from None
        return At(when.timestamp())
    if match := _CRON.match(text):
        if offset_days is not None and not 1 <= offset_days <= MAX_OFFSET_DAYS:
            raise InvalidSchedule(f"ScheduleOffset must be between 1 and {MAX_OFFSET_DAYS} days.")
        return _cron(expression, match.group(1).split(), offset_days or 0)
    raise invalid(expression)


def _rate(expression: str, value: int, unit: str) -> Rate:
    singular = unit.rstrip("s")
    if value < 1 or (value == 1) != (singular == unit):
        raise invalid(expression)
    seconds = value * _UNIT_SECONDS[singular]
    if seconds < MIN_INTERVAL_MINUTES * 60:
        raise InvalidSchedule(
            f"Schedule expression {expression} is invalid. The minimum rate is "
            f"{MIN_INTERVAL_MINUTES} minutes."
        )
    return Rate(seconds)


def _cron(expression: str, fields: list[str], offset_days: int) -> Cron:
    if len(fields) not in (5, 6):
        raise invalid(expression)
    minute, hour, dom, month, dow = fields[:5]
    year = fields[5] if len(fields) == 6 else "*"
    if dom not in ("*", "?") and dow not in ("*", "?"):  # both days given: AWS needs a `?`
        raise invalid(expression)
    try:
        cron = Cron(
            minutes=_values(minute, 0, 59, {}),
            hours=_values(hour, 0, 23, {}),
            days_of_month=_check_day_of_month(dom),
            months=_values(month, 1, 12, _MONTHS),
            days_of_week=_check_day_of_week(dow),
            years=None if year in ("*", "?") else _values(year, 1970, 2199, {}),
            offset_days=offset_days,
        )
    except ValueError:
        raise invalid(expression) from None
    _check_interval(expression, cron)
    return cron


def _values(field: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    """The values a cron field allows: *, ?, n, a-b, lists, steps (*/n, a/n, a-b/n), names."""
    found: set[int] = set()
    for part in field.split(","):
        part, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(field)
        if part in ("*", "?"):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = _number(a, names), _number(b, names)
        else:
            first = _number(part, names)
            last = high if step_text else first
        if not low <= first <= last <= high:
            raise ValueError(field)
        found.update(range(first, last + 1, step))
    return frozenset(found)


def _number(text: str, names: dict[str, int]) -> int:
    upper = text.upper()
    if upper in names:
        return names[upper]
    if not text.isdecimal():
        raise ValueError(text)
    return int(text)


def _check_day_of_month(field: str) -> str:
    if field.endswith("W") and not field[:-1].isdecimal():
        raise ValueError(field)  # W takes one day
    if field not in ("?", "*", "L"):
        _values(field.removesuffix("W"), 1, 31, {})
    return field


def _check_day_of_week(field: str) -> str:
    if field in ("?", "*"):
        return field
    if "#" in field:
        day, nth = field.split("#", 1)
        _values(day, 1, 7, _DAYS)
        if not nth.isdecimal() or not 1 <= int(nth) <= 5:
            raise ValueError(field)
        return field
    _values(field.removesuffix("L") or "7", 1, 7, _DAYS)
    return field


def _day_of_month_matches(field: str, year: int, month: int, day: int) -> bool:
    last = calendar.monthrange(year, month)[1]
    if field in ("?", "*"):
        return True
    if field == "L":
        return day == last
    if field.endswith("W"):  # nearest weekday to the given day, within the month
        target = min(int(field[:-1]), last)
        weekday = calendar.weekday(year, month, target)
        if weekday == 5:
            target = target - 1 if target > 1 else target + 2
        elif weekday == 6:
            target = target + 1 if target < last else target - 2
        return day == target
    return day in _values(field, 1, 31, {})


def _day_of_week_matches(field: str, year: int, month: int, day: int) -> bool:
    if field in ("?", "*"):
        return True
    aws_day = (calendar.weekday(year, month, day) + 1) % 7 + 1  # Monday=0 → 2; Sunday → 1
    if "#" in field:
        name, nth = field.split("#", 1)
        return aws_day == _number(name, _DAYS) and (day - 1) // 7 + 1 == int(nth)
    if field.endswith("L"):
        wanted = _number(field[:-1], _DAYS) if field[:-1] else 7
        return aws_day == wanted and day + 7 > calendar.monthrange(year, month)[1]
    return aws_day in _values(field, 1, 7, _DAYS)


def _check_interval(expression: str, cron: Cron) -> None:
    """AWS refuses crons that can fire less than 30 minutes apart within a day."""
    times = sorted(h * 60 + m for h in cron.hours for m in cron.minutes)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    if len(cron.hours) == 24:
        gaps.append(times[0] + 1440 - times[-1])
    if gaps and min(gaps) < MIN_INTERVAL_MINUTES:
        raise InvalidSchedule(
            f"Schedule expression {expression} is invalid. The minimum interval between runs is "
            f"{MIN_INTERVAL_MINUTES} minutes."
        )
