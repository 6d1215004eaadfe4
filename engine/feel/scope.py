"""Evaluation scopes and member access (``a.b``) on FEEL values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

from engine.clock import Clock, SystemClock
from engine.feel.values import DaysTimeDuration, Range, YearsMonthsDuration

MISSING: Final = object()
"""Marks a name that no scope defines (evaluates to null, as in Zeebe)."""

INPUT = "?"
"""The scope key of the unary-test input value."""


@dataclass(frozen=True)
class Env:
    """What an evaluation needs besides variables: the clock for ``now()`` and ``today()``."""

    clock: Clock
    expression: str = ""


DEFAULT_ENV = Env(SystemClock())


class Scope:
    """A chain of variable mappings; inner scopes shadow outer ones."""

    __slots__ = ("env", "parent", "vars")

    def __init__(self, variables: Mapping[str, Any], parent: Scope | None, env: Env) -> None:
        self.vars = variables
        self.parent = parent
        self.env = env

    def lookup(self, name: str) -> Any:
        """The value bound to ``name``, or :data:`MISSING`."""
        scope: Scope | None = self
        while scope is not None:
            value = scope.vars.get(name, MISSING)
            if value is not MISSING:
                return value
            scope = scope.parent
        return MISSING

    def child(self, variables: Mapping[str, Any]) -> Scope:
        """A nested scope."""
        return Scope(variables, self, self.env)


def _offset(value: dt.datetime | dt.time) -> Any:
    delta = value.utcoffset()
    return None if delta is None else DaysTimeDuration.from_timedelta(delta)


def _zone(value: dt.datetime | dt.time) -> Any:
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is dt.UTC:
        return "Z"
    return None


_DATE_PROPS: dict[str, Callable[[Any], Any]] = {
    "year": lambda v: Decimal(v.year),
    "month": lambda v: Decimal(v.month),
    "day": lambda v: Decimal(v.day),
    "weekday": lambda v: Decimal(v.isoweekday()),
}
_TIME_PROPS: dict[str, Callable[[Any], Any]] = {
    "hour": lambda v: Decimal(v.hour),
    "minute": lambda v: Decimal(v.minute),
    "second": lambda v: Decimal(v.second),
    "time offset": _offset,
    "timezone": _zone,
}
_DATETIME_PROPS = {**_DATE_PROPS, **_TIME_PROPS}
_DTD_PROPS: dict[str, Callable[[Any], Any]] = {
    "days": lambda v: Decimal(v.days),
    "hours": lambda v: Decimal(v.hours),
    "minutes": lambda v: Decimal(v.minutes),
    "seconds": lambda v: Decimal(v.whole_seconds),
}
_YMD_PROPS: dict[str, Callable[[Any], Any]] = {
    "years": lambda v: Decimal(v.years),
    "months": lambda v: Decimal(v.months_part),
}
_RANGE_PROPS: dict[str, Callable[[Any], Any]] = {
    "start": lambda v: v.start,
    "end": lambda v: v.end,
    "start included": lambda v: v.start_included,
    "end included": lambda v: v.end_included,
}


def member(value: Any, name: str) -> Any:
    """``value.name``: a context entry, a property, or the member of each item of a list."""
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, list):
        return [member(item, name) for item in value]
    props: dict[str, Callable[[Any], Any]] | None
    if isinstance(value, dt.datetime):
        props = _DATETIME_PROPS
    elif isinstance(value, dt.date):
        props = _DATE_PROPS
    elif isinstance(value, dt.time):
        props = _TIME_PROPS
    elif isinstance(value, DaysTimeDuration):
        props = _DTD_PROPS
    elif isinstance(value, YearsMonthsDuration):
        props = _YMD_PROPS
    elif isinstance(value, Range):
        props = _RANGE_PROPS
    else:
        return None
    getter = props.get(name)
    return None if getter is None else getter(value)
