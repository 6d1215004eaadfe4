"""Conversion built-ins: ``string``, ``number`` and the temporal constructors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from engine.feel.builtins.registry import builtin, is_int, number, text
from engine.feel.temporal import (
    format_date_time,
    format_time,
    months_between,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_time,
)
from engine.feel.values import DaysTimeDuration, FeelFunction, Range, YearsMonthsDuration


def format_number(value: Decimal) -> str:
    """A number as FEEL prints it: plain notation, no exponent."""
    return format(value, "f")


def to_string(value: Any) -> str | None:
    """``string(from)``: the FEEL text of any value."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return format_date_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, DaysTimeDuration):
        return "P0D" if value.seconds == 0 else str(value)  # feel-scala's zero duration
    if isinstance(value, YearsMonthsDuration):
        return "P0Y" if value.months == 0 else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_nested(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}:{_nested(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Range):
        opening = "[" if value.start_included else "("
        closing = "]" if value.end_included else ")"
        return f"{opening}{_nested(value.start)}..{_nested(value.end)}{closing}"
    if isinstance(value, FeelFunction):
        return f"function({', '.join(value.params)})"
    return str(value)


def _nested(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return to_string(value) or "null"


@builtin("string", "from")
def string(from_: Any) -> Any:
    return to_string(from_)


_SEPARATORS = {" ", ",", "."}


@builtin("number", "from, grouping separator, decimal separator", required=1)
def number_(from_: Any, grouping: Any, decimal: Any) -> Any:
    value = text(from_)
    if grouping is not None:
        if text(grouping) not in _SEPARATORS:
            return None
        value = value.replace(grouping, "")
    if decimal is not None:
        if text(decimal) not in {",", "."} or decimal == grouping:
            return None
        value = value.replace(decimal, ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value):
        return None
    return Decimal(value)


@builtin("date", "from")
def date_from(from_: Any) -> Any:
    if isinstance(from_, dt.datetime):
        return from_.date()
    if isinstance(from_, dt.date):
        return from_
    return parse_date(text(from_))


@builtin("date", "year, month, day")
def date_parts(year: Any, month: Any, day: Any) -> Any:
    if not (is_int(year) and is_int(month) and is_int(day)):
        return None
    return dt.date(int(year), int(month), int(day))


@builtin("date and time", "from")
def date_time_from(from_: Any) -> Any:
    if isinstance(from_, dt.datetime):
        return from_
    if isinstance(from_, dt.date):
        return dt.datetime(from_.year, from_.month, from_.day)
    return parse_date_time(text(from_))


@builtin("date and time", "date, time")
def date_time_parts(date: Any, time: Any) -> Any:
    if isinstance(date, dt.datetime) and isinstance(time, str):
        return date_time_in_zone(date, time)
    if not isinstance(date, dt.date) or not isinstance(time, dt.time):
        return None
    day = date.date() if isinstance(date, dt.datetime) else date
    return dt.datetime.combine(day, time)


@builtin("date and time", "date, timezone")
def date_time_in_zone(date: Any, timezone: Any) -> Any:
    """Camunda's extension: the same instant in another zone; a local date-time gets the zone
    (its wall-clock time kept), as feel-scala's ``atZone`` does."""
    if not isinstance(date, dt.datetime):
        return None
    zone = _zone(text(timezone))
    if date.tzinfo is None:
        return date.replace(tzinfo=zone)
    return date.astimezone(zone)


def _zone(name: str) -> dt.tzinfo:
    """Java's ``ZoneId.of``: ``Z``, an offset (``+01:00``) or a region id."""
    if name == "Z":
        return dt.UTC
    offset = parse_time("00:00" + name) if name[:1] in "+-" else None
    if offset is not None and offset.tzinfo is not None:
        return offset.tzinfo
    return ZoneInfo(name)


@builtin("time", "from")
def time_from(from_: Any) -> Any:
    if isinstance(from_, dt.datetime):
        return from_.timetz()
    if isinstance(from_, dt.time):
        return from_
    if isinstance(from_, dt.date):
        return dt.time(0, 0, 0, tzinfo=dt.UTC)
    return parse_time(text(from_))


@builtin("time", "hour, minute, second, offset", required=3)
def time_parts(hour: Any, minute: Any, second: Any, offset: Any) -> Any:
    seconds = number(second)
    micro = int((seconds - int(seconds)) * 1_000_000)
    tz: dt.tzinfo | None = None
    if offset is not None:
        if not isinstance(offset, DaysTimeDuration):
            return None
        tz = dt.timezone(offset.to_timedelta())
    return dt.time(int(number(hour)), int(number(minute)), int(seconds), micro, tzinfo=tz)


@builtin("duration", "from")
def duration(from_: Any) -> Any:
    return parse_duration(text(from_))


@builtin("years and months duration", "from, to")
def years_and_months_duration(from_: Any, to: Any) -> Any:
    if not isinstance(from_, dt.date) or not isinstance(to, dt.date):
        return None
    # Only the dates count, as in feel-scala (Period.between of the local dates).
    start = from_.date() if isinstance(from_, dt.datetime) else from_
    end = to.date() if isinstance(to, dt.datetime) else to
    return YearsMonthsDuration(months_between(start, end))
