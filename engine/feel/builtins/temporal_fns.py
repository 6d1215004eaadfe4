"""Temporal built-ins: ``now``, ``today``, calendar properties, ``is``."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from engine.feel import ops
from engine.feel.builtins.registry import CURRENT_ENV, builtin, is_int
from engine.feel.values import DaysTimeDuration, YearsMonthsDuration

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = list(calendar.month_name)[1:]


def _date(value: Any) -> dt.date:
    if not isinstance(value, dt.date):
        raise TypeError("not a date")
    return value


def _now() -> dt.datetime:
    millis = CURRENT_ENV.get().clock.now_ms()
    return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)


@builtin("now", env=True)
def now() -> Any:
    return _now()


@builtin("today", env=True)
def today() -> Any:
    return _now().date()


@builtin("day of week", "date")
def day_of_week(date: Any) -> Any:
    return _DAYS[_date(date).weekday()]


@builtin("day of year", "date")
def day_of_year(date: Any) -> Any:
    return Decimal(_date(date).timetuple().tm_yday)


@builtin("week of year", "date")
def week_of_year(date: Any) -> Any:
    return Decimal(_date(date).isocalendar()[1])


@builtin("month of year", "date")
def month_of_year(date: Any) -> Any:
    return _MONTHS[_date(date).month - 1]


@builtin("last day of month", "date")
def last_day_of_month(date: Any) -> Any:
    value = _date(date)
    last = calendar.monthrange(value.year, value.month)[1]
    return dt.date(value.year, value.month, last)


@builtin("is", "value1, value2")
def is_(value1: Any, value2: Any) -> Any:
    if ops.type_name(value1) != ops.type_name(value2):
        return False
    if isinstance(value1, (dt.datetime, dt.time)):
        return value1 == value2 and value1.tzinfo == value2.tzinfo
    return ops.equal(value1, value2) is True


@builtin("cycle", "interval")
def cycle(interval: Any) -> Any:
    """Zeebe's timer cycle: ``cycle(duration("PT1H"))`` is ``"R/PT1H"``."""
    if not isinstance(interval, (DaysTimeDuration, YearsMonthsDuration)):
        return None
    return f"R/{interval}"


@builtin("cycle", "repetitions, interval")
def cycle_times(repetitions: Any, interval: Any) -> Any:
    """``cycle(3, duration("PT1H"))`` is ``"R3/PT1H"``."""
    if not is_int(repetitions) or not isinstance(interval, (DaysTimeDuration, YearsMonthsDuration)):
        return None
    return f"R{int(repetitions)}/{interval}"
