"""Timer values as Zeebe reads them: ISO-8601 durations, dates, repeating intervals and cron.

The parser uses these to reject bad static timer definitions at deployment; the runtime uses the
same functions to schedule timers (for FEEL timer expressions it converts the result to its
ISO-8601 text first, as Zeebe serialises it, and parses that).

Semantics follow Zeebe's ``Interval``, ``RepeatingInterval``, ``TimeDateTimer`` and ``CronTimer``:

* a duration is a period part (years, months, weeks, days: calendar arithmetic in the engine's
  time zone) plus an exact part (hours, minutes, seconds);
* a date needs an offset (``Z`` or ``+08:00``), optionally followed by a region in brackets;
* a cycle is ``R<n>/<duration>``, ``R/<duration>`` (forever) or ``R<n>/<start date>/<duration>``,
  or a Spring cron expression with six fields (second first) or a macro such as ``@daily``.

All times are epoch milliseconds. ``tz`` defaults to the machine's local zone, which is what
Zeebe uses (``ZoneId.systemDefault()``) for calendar arithmetic and cron.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

__all__ = [
    "INFINITE",
    "CronCycle",
    "IsoDuration",
    "RepeatingInterval",
    "TimerCycle",
    "TimerValueError",
    "parse_cycle",
    "parse_date",
    "parse_duration",
]

#: repetitions of ``R/<duration>``: repeat forever (Zeebe's ``RepeatingInterval.INFINITE``)
INFINITE = -1


class TimerValueError(ValueError):
    """A timer text that Zeebe would not accept; the message says which part is wrong."""


_NUM = r"([-+]?\d+)"
_DURATION_RE = re.compile(
    rf"^([-+]?)P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(T(?:{_NUM}H)?(?:{_NUM}M)?(?:([-+]?\d+)(?:[.,](\d{{0,9}}))?S)?)?$",
    re.IGNORECASE,
)
_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:?\d{2}(?::?\d{2})?)(?:\[([^\]]+)\])?$",
    re.IGNORECASE,
)
# Spring's macros (CronExpression.parse), expanded to its six-field form.
_CRON_MACROS = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}


@dataclass(frozen=True)
class IsoDuration:
    """An ISO-8601 duration split as Zeebe's ``Interval``: calendar part plus exact milliseconds."""

    years: int = 0
    months: int = 0
    days: int = 0
    millis: int = 0

    @property
    def is_calendar_based(self) -> bool:
        return bool(self.years or self.months or self.days)

    def add_to(self, epoch_ms: int, tz: tzinfo | None = None) -> int:
        """The instant this duration after ``epoch_ms`` (calendar part in ``tz``)."""
        if not self.is_calendar_based:
            return epoch_ms + self.millis
        seconds, ms = divmod(epoch_ms, 1000)
        # fromtimestamp(tz=None) gives local wall-clock time and timestamp() maps it back with the
        # local rules, so the calendar part is DST-aware in either case.
        start = datetime.fromtimestamp(seconds, tz)
        total_months = start.month - 1 + self.years * 12 + self.months
        year, month0 = divmod(total_months, 12)
        day = min(start.day, calendar.monthrange(start.year + year, month0 + 1)[1])
        moved = start.replace(year=start.year + year, month=month0 + 1, day=day)
        moved = moved + timedelta(days=self.days)
        return int(moved.timestamp()) * 1000 + ms + self.millis

    def __str__(self) -> str:
        period = "".join(
            f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if v
        )
        time = ""
        if self.millis:
            sign = "-" if self.millis < 0 else ""
            hours, rest = divmod(abs(self.millis), 3_600_000)
            minutes, rest = divmod(rest, 60_000)
            seconds, ms = divmod(rest, 1000)
            time = "T" + "".join(f"{sign}{v}{u}" for v, u in ((hours, "H"), (minutes, "M")) if v)
            if seconds or ms:
                time += f"{sign}{seconds}.{ms:03d}S" if ms else f"{sign}{seconds}S"
        return "P" + (period + time if period or time else "T0S")


def parse_duration(text: str) -> IsoDuration:
    """Parse an ISO-8601 duration such as ``PT15M``, ``P1DT12H`` or ``P1Y2M``."""
    match = _DURATION_RE.match(text.strip())
    if match is None:
        raise TimerValueError(f"'{text}' is not an ISO-8601 duration (e.g. 'PT15M', 'P1DT2H')")
    sign_text, y, mo, w, d, time_part, h, mi, s, frac = match.groups()
    if all(v is None for v in (y, mo, w, d, time_part)) or (
        time_part is not None and all(v is None for v in (h, mi, s))
    ):
        raise TimerValueError(f"'{text}' is not an ISO-8601 duration (e.g. 'PT15M', 'P1DT2H')")
    sign = -1 if sign_text == "-" else 1

    def num(value: str | None) -> int:
        return int(value) if value else 0

    seconds = num(s)
    fraction_ms = int((frac or "").ljust(3, "0")[:3])
    if s is not None and s.startswith("-"):
        fraction_ms = -fraction_ms
    millis = (num(h) * 3600 + num(mi) * 60 + seconds) * 1000 + fraction_ms
    return IsoDuration(
        years=sign * num(y),
        months=sign * num(mo),
        days=sign * (num(w) * 7 + num(d)),
        millis=sign * millis,
    )


def parse_date(text: str) -> int:
    """Parse an ISO-8601 date-time with an offset (``2026-01-01T10:00:00Z``) to epoch ms."""
    match = _DATE_RE.match(text.strip())
    if match is None:
        raise TimerValueError(
            f"'{text}' is not an ISO-8601 date-time with offset (e.g. '2026-01-01T10:00:00Z')"
        )
    year, month, day, hour, minute, second, frac, offset, zone = match.groups()
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise TimerValueError(f"'{text}' names an unknown time zone '{zone}'") from exc
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=_offset(offset),
        )
    except ValueError as exc:
        raise TimerValueError(f"'{text}' is not a valid date-time: {exc}") from exc
    millis = int((frac or "").ljust(3, "0")[:3])
    return int(moment.timestamp()) * 1000 + millis


def _offset(text: str) -> tzinfo:
    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes, seconds = int(digits[0:2]), int(digits[2:4]), int(digits[4:6] or 0)
    if hours > 18 or minutes > 59 or seconds > 59:
        raise TimerValueError(f"'{text}' is not a valid offset")
    delta = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return timezone(-delta if text[0] == "-" else delta)


@dataclass(frozen=True)
class RepeatingInterval:
    """``R<n>/[<start>/]<duration>``; ``repetitions`` is :data:`INFINITE` for ``R/…``."""

    repetitions: int
    interval: IsoDuration
    start_ms: int | None = None

    def first_due(self, now_ms: int, tz: tzinfo | None = None) -> int:
        """When the first occurrence is due, scheduling at ``now_ms``."""
        if self.start_ms is not None:
            # A start in the past means the timer is overdue: Zeebe fires it at once.
            return max(self.start_ms, now_ms)
        return self.interval.add_to(now_ms, tz)

    def next_due(self, last_due_ms: int, now_ms: int, tz: tzinfo | None = None) -> int:
        """The occurrence after the one due at ``last_due_ms``, never at or before ``now_ms``.

        Missed occurrences (engine down for several intervals) are not replayed one by one: like
        Zeebe, an overdue natural occurrence is re-anchored one interval after ``now_ms``.
        """
        natural = self.interval.add_to(last_due_ms, tz)
        return natural if natural > now_ms else self.interval.add_to(now_ms, tz)


@dataclass(frozen=True)
class CronCycle:
    """A Spring cron expression (six fields, seconds first); repeats forever."""

    expression: str
    repetitions: int = INFINITE

    def first_due(self, now_ms: int, tz: tzinfo | None = None) -> int | None:
        """The first execution strictly after ``now_ms``; None if there is none."""
        return self._after(now_ms, tz)

    def next_due(self, last_due_ms: int, now_ms: int, tz: tzinfo | None = None) -> int | None:
        """The execution after both the last one and ``now_ms`` (missed ones are skipped)."""
        return self._after(max(last_due_ms, now_ms), tz)

    def _after(self, epoch_ms: int, tz: tzinfo | None) -> int | None:
        # Without tz this is naive local wall-clock time; timestamp() maps the result back with
        # the local (DST-aware) rules.
        start = datetime.fromtimestamp(epoch_ms / 1000, tz)
        try:
            it = croniter(self.expression, start, second_at_beginning=True, day_or=False)
            nxt = it.get_next(datetime)
        except (ValueError, KeyError, OverflowError):
            return None
        return int(nxt.timestamp() * 1000)


TimerCycle = RepeatingInterval | CronCycle


def parse_cycle(text: str) -> TimerCycle:
    """Parse a ``timeCycle``: ``R3/PT10S``, ``R/P1D``, ``R2/2026-01-01T10:00:00Z/PT1H`` or cron."""
    text = text.strip()
    if text.startswith("R"):
        return _parse_repeating(text)
    return _parse_cron(text)


def _parse_repeating(text: str) -> RepeatingInterval:
    slash = text.find("/")
    if slash == -1:
        raise TimerValueError(f"'{text}' has no interval after the repetitions (e.g. 'R3/PT10S')")
    if slash == 1:
        repetitions = INFINITE
    else:
        try:
            repetitions = int(text[1:slash])
        except ValueError as exc:
            raise TimerValueError(f"'{text}': cannot parse the repetitions count") from exc
    rest = text[slash + 1 :]
    start_ms: int | None = None
    last = rest.rfind("/")
    if last > 0:
        start_ms = parse_date(rest[:last])
    return RepeatingInterval(repetitions, parse_duration(rest[last + 1 :]), start_ms)


def _parse_cron(text: str) -> CronCycle:
    expression = _CRON_MACROS.get(text.lower(), text)
    fields = expression.split()
    if len(fields) != 6 or not croniter.is_valid(expression, second_at_beginning=True):
        raise TimerValueError(
            f"'{text}' is neither a repeating interval (e.g. 'R3/PT10S') nor a cron expression "
            "with six fields, seconds first (e.g. '0 0 9 * * MON-FRI')"
        )
    return CronCycle(" ".join(fields))
