"""FEEL value types that Python has no native equivalent for.

Numbers are :class:`decimal.Decimal`, strings ``str``, booleans ``bool``, null ``None``, dates
``datetime.date``, times ``datetime.time``, date-times ``datetime.datetime`` (naive = local),
lists ``list`` and contexts ``dict``. Durations, ranges and functions are defined here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

_MICRO = Decimal("0.000001")


@dataclass(frozen=True, order=True)
class DaysTimeDuration:
    """A days-and-time duration (``P1DT2H``); ``seconds`` is the signed total in seconds."""

    seconds: Decimal

    @staticmethod
    def of(
        days: int = 0, hours: int = 0, minutes: int = 0, seconds: Decimal | int = 0
    ) -> DaysTimeDuration:
        """Build a duration from its components."""
        return DaysTimeDuration(Decimal(((days * 24 + hours) * 60 + minutes) * 60) + seconds)

    @staticmethod
    def from_timedelta(delta: dt.timedelta) -> DaysTimeDuration:
        """Convert a Python ``timedelta``."""
        total = Decimal(delta.days * 86400 + delta.seconds)
        if delta.microseconds:
            total += Decimal(delta.microseconds) * _MICRO
        return DaysTimeDuration(total)

    def to_timedelta(self) -> dt.timedelta:
        """This duration as a ``timedelta`` (microsecond precision)."""
        micro = int((self.seconds / _MICRO).to_integral_value(ROUND_DOWN))
        return dt.timedelta(microseconds=micro)

    def _part(self, unit: int, modulo: int | None) -> int:
        # Java's Duration truncates towards zero, so do we (-P1DT2H has days -1, hours -2).
        whole = int(self.seconds.to_integral_value(ROUND_DOWN))
        value = abs(whole) // unit
        if modulo is not None:
            value %= modulo
        return -value if whole < 0 else value

    @property
    def days(self) -> int:
        """Whole days."""
        return self._part(86400, None)

    @property
    def hours(self) -> int:
        """Hours within the day."""
        return self._part(3600, 24)

    @property
    def minutes(self) -> int:
        """Minutes within the hour."""
        return self._part(60, 60)

    @property
    def whole_seconds(self) -> int:
        """Seconds within the minute."""
        return self._part(1, 60)

    def __str__(self) -> str:
        if self.seconds == 0:
            return "PT0S"
        sign = "-" if self.seconds < 0 else ""
        rest = abs(self.seconds)
        days, rest = divmod(rest, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        text = f"{sign}P"
        if days:
            text += f"{int(days)}D"
        if hours or minutes or secs:
            text += "T"
            if hours:
                text += f"{int(hours)}H"
            if minutes:
                text += f"{int(minutes)}M"
            if secs:
                text += f"{_plain(secs)}S"
        return text


@dataclass(frozen=True, order=True)
class YearsMonthsDuration:
    """A years-and-months duration (``P1Y2M``); ``months`` is the signed total in months."""

    months: int

    @property
    def years(self) -> int:
        """Whole years (truncated towards zero)."""
        return int(self.months / 12)

    @property
    def months_part(self) -> int:
        """Months within the year."""
        return self.months - self.years * 12

    def __str__(self) -> str:
        if self.months == 0:
            return "P0M"
        sign = "-" if self.months < 0 else ""
        years, months = divmod(abs(self.months), 12)
        text = f"{sign}P"
        if years:
            text += f"{years}Y"
        if months:
            text += f"{months}M"
        return text


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Range:
    """A FEEL range; ``None`` as an endpoint means unbounded (``< 10`` is ``(null..10)``)."""

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True


FunctionBody = Callable[[list[Any]], Any]


@dataclass(frozen=True)
class FeelFunction:
    """A function value callable from FEEL: user-defined, a business knowledge model, a built-in.

    ``body`` receives the arguments in parameter order. A named invocation maps arguments by
    parameter name; parameters not given are null. A positional invocation with fewer arguments
    than parameters fills the rest with null; with more, the call evaluates to null, unless
    ``varargs`` is set, in which case the surplus is passed as a list in the last parameter.
    """

    params: tuple[str, ...]
    body: FunctionBody = field(compare=False)
    name: str = "anonymous"
    varargs: bool = False
    required: int | None = None  # how many leading parameters are required; None: all

    def invoke_positional(self, args: Sequence[Any]) -> Any:
        """Call with positional arguments; null when the arity does not fit."""
        params = len(self.params)
        if self.varargs:
            fixed = params - 1
            if len(args) < (self.required if self.required is not None else fixed):
                return None
            head = list(args[:fixed]) + [None] * max(0, fixed - len(args))
            return self.body([*head, list(args[fixed:])])
        required = self.required if self.required is not None else params
        if not required <= len(args) <= params:
            return None
        return self.body(list(args) + [None] * (params - len(args)))

    def invoke_named(self, args: Mapping[str, Any]) -> Any:
        """Call with named arguments; null when a name is unknown."""
        if any(name not in self.params for name in args):
            return None
        return self.body([args.get(name) for name in self.params])
