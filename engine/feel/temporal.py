"""Parsing and printing FEEL temporal values, and the calendar arithmetic they need.

Dates and times are the standard library's; a zone id (``@Europe/Paris``) is a ``ZoneInfo``
tzinfo, ``Z`` is ``timezone.utc``, an offset is a fixed ``timezone``. Text that is not a valid
temporal value parses to ``None`` (FEEL's null), as feel-scala does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.feel.values import DaysTimeDuration, YearsMonthsDuration

_DATE = re.compile(r"(-?(?:[1-9]\d{4,8}|\d{4}))-(\d\d)-(\d\d)")
# A zone id follows `@` (FEEL) or, after an offset, sits in brackets (Java's ZonedDateTime text).
_TIME = re.compile(
    r"(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(Z|[+-]\d\d:\d\d(?::\d\d)?)?"
    r"(?:@([A-Za-z0-9_+\-/]+)|\[([A-Za-z0-9_+\-/]+)\])?"
)
# Java's Duration/Period parsers also take a sign per component (`PT-5M`, `P-1Y-2M`).
_YM = re.compile(r"(-)?P(?:(-?\d+)Y)?(?:(-?\d+)M)?")
_DT = re.compile(r"(-)?P(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d*)?)S)?)?")


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD``; None when invalid or out of Python's year range."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _tz(offset: str | None, zone: str | None) -> dt.tzinfo | bool | None:
    """The tzinfo for an offset and/or zone id; False when invalid."""
    if zone is not None:
        if offset is not None:
            return False  # an offset and a zone id together are ambiguous: invalid
        try:
            return ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return False
    if offset is None:
        return None
    if offset == "Z":
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    parts = [int(p) for p in offset[1:].split(":")]
    delta = dt.timedelta(
        hours=parts[0], minutes=parts[1], seconds=parts[2] if len(parts) > 2 else 0
    )
    if delta > dt.timedelta(hours=18):
        return False
    return dt.timezone(sign * delta)


def parse_time(text: str) -> dt.time | None:
    """``[T]HH:MM[:SS[.f]]`` with an optional offset, ``@zone`` or ``offset[zone]``."""
    match = _TIME.fullmatch(text[1:] if text.startswith("T") else text)
    if match is None:
        return None
    # `+02:00[Europe/Berlin]`: the zone id wins, as in Java's ZonedDateTime.parse.
    tz = _tz(match[5], match[6]) if match[7] is None else _tz(None, match[7])
    if isinstance(tz, bool):
        return None
    micro = int((match[4] or "0")[:6].ljust(6, "0"))
    try:
        return dt.time(int(match[1]), int(match[2]), int(match[3] or 0), micro, tzinfo=tz)
    except ValueError:
        return None


def parse_date_time(text: str) -> dt.datetime | None:
    """``date`` ``T`` ``time``, or a date alone (midnight, local)."""
    if "T" not in text:
        date = parse_date(text)
        return None if date is None else dt.datetime(date.year, date.month, date.day)
    date_text, _, time_text = text.partition("T")
    if time_text.startswith("T"):
        return None
    date = parse_date(date_text)
    midnight = time_text.startswith("24:00:00") and not time_text[8:9].isdigit()
    if midnight:
        # 24:00:00 is the end of the day: midnight of the next one.
        time_text = "00:00:00" + time_text[8:]
    time = parse_time(time_text)
    if date is None or time is None:
        return None
    result = dt.datetime.combine(date, time)
    return result + dt.timedelta(days=1) if midnight else result


def parse_duration(text: str) -> DaysTimeDuration | YearsMonthsDuration | None:
    """An ISO-8601 duration; years-months if it only has Y/M parts, else days-time."""
    ym = _YM.fullmatch(text)
    if ym is not None and (ym[2] or ym[3]):
        months = int(ym[2] or 0) * 12 + int(ym[3] or 0)
        return YearsMonthsDuration(-months if ym[1] else months)
    dtm = _DT.fullmatch(text)
    if dtm is None or not any(dtm[i] for i in range(2, 6)) or text.endswith("T"):
        return None
    total = DaysTimeDuration.of(
        int(dtm[2] or 0), int(dtm[3] or 0), int(dtm[4] or 0), Decimal(dtm[5] or 0)
    ).seconds
    return DaysTimeDuration(-total if dtm[1] else total)


def parse_temporal(text: str) -> object:
    """The value of an ``@"..."`` literal: date, time, date-time or duration."""
    if text.startswith(("P", "-P")):
        return parse_duration(text)
    if "T" in text:
        return parse_date_time(text)
    if _DATE.fullmatch(text):
        return parse_date(text)
    return parse_time(text)


# --- printing --------------------------------------------------------------------------------


def _fraction(micro: int) -> str:
    return f".{micro:06d}".rstrip("0") if micro else ""


def _offset(tz: dt.tzinfo | None, at: dt.datetime | None) -> str:
    if tz is None:
        return ""
    if tz is dt.UTC:
        return "Z"
    delta = tz.utcoffset(at)
    if delta is None:
        return ""
    if not delta:
        return "Z"
    sign = "-" if delta < dt.timedelta(0) else "+"
    seconds = abs(int(delta.total_seconds()))
    text = f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


def format_time(value: dt.time, *, feel: bool = True) -> str:
    """Java's ``LocalTime.toString`` (seconds dropped when zero) plus the offset or zone."""
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second or value.microsecond or feel:
        text += f":{value.second:02d}{_fraction(value.microsecond)}"
    if isinstance(value.tzinfo, ZoneInfo):
        return f"{text}@{value.tzinfo.key}"
    return text + _offset(value.tzinfo, None)


def format_date_time(value: dt.datetime, *, feel: bool = True) -> str:
    """ISO date-time; in FEEL text a zone id is kept as ``@zone``, in JSON the offset is used."""
    time = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"
    text = f"{value.date().isoformat()}T{time}"
    if feel and isinstance(value.tzinfo, ZoneInfo):
        return f"{text}@{value.tzinfo.key}"
    return text + _offset(value.tzinfo, value)


# --- calendar arithmetic ---------------------------------------------------------------------


def add_months(value: dt.date, months: int) -> dt.date:
    """Shift by months, clamping the day as Java's ``plusMonths`` does (Jan 31 + 1M = Feb 28)."""
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (Java's ``Period.between(...).toTotalMonths``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def is_zoned(value: dt.datetime | dt.time) -> bool:
    """Whether a date-time or time carries an offset or zone."""
    return value.tzinfo is not None
