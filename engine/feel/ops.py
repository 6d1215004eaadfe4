"""FEEL operators on values: equality, ordering and arithmetic, with feel-scala's null rules.

Every operation on operands of unsuitable types yields ``None`` (null) instead of raising.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any

from engine.feel.temporal import add_months
from engine.feel.values import DaysTimeDuration, FeelFunction, Range, YearsMonthsDuration

DECIMAL = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=6144, Emin=-6143)
"""DMN's number precision: IEEE 754-2008 decimal128 (34 digits, half-even)."""

_ARITH_ERRORS = (InvalidOperation, ArithmeticError, ValueError, OverflowError, TypeError)


def type_name(value: Any) -> str:
    """The FEEL type of a value (``instance of`` names)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, DaysTimeDuration):
        return "days and time duration"
    if isinstance(value, YearsMonthsDuration):
        return "years and months duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "context"
    if isinstance(value, Range):
        return "range"
    if isinstance(value, FeelFunction):
        return "function"
    if isinstance(value, (int, float)):
        return "number"
    return "unknown"


def _kind(value: Any) -> str:
    """A finer type than :func:`type_name`: local and zoned temporal values never compare."""
    name = type_name(value)
    if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
        return "zoned " + name
    return name


def _same_zoned(x: dt.datetime | dt.time, y: dt.datetime | dt.time) -> bool:
    """Zoned values are equal with the same local value and offset, as Java's ``equals`` that
    feel-scala's ``=`` uses (10:00+01:00 is not 09:00Z, though both are the same instant); the
    zone id does not count (DMN TCK 0068: ``+02:00`` equals ``@Europe/Paris`` in summer)."""
    return bool(x.replace(tzinfo=None) == y.replace(tzinfo=None)) and bool(
        x.utcoffset() == y.utcoffset()
    )


def equal(x: Any, y: Any) -> bool | None:
    """FEEL ``=``: null when the types differ (except against null)."""
    if x is None or y is None:
        return x is None and y is None
    kind = _kind(x)
    if kind != _kind(y):
        return None
    # Inside lists and contexts, items that are not comparable are simply unequal (feel-scala's
    # ValComparator: `[1] = [true]` is false, not null).
    if kind == "list":
        return len(x) == len(y) and all(equal(a, b) is True for a, b in zip(x, y, strict=True))
    if kind == "context":
        return x.keys() == y.keys() and all(equal(a, y[key]) is True for key, a in x.items())
    if kind == "function":
        return None
    if kind in ("zoned time", "zoned date and time"):
        return _same_zoned(x, y)
    return bool(x == y)


def compare(x: Any, y: Any) -> int | None:
    """-1/0/1 for ordered values of the same type; None when not comparable."""
    if x is None or y is None or isinstance(x, bool) or isinstance(y, bool):
        return None
    kind = _kind(x)
    if kind != _kind(y) or kind not in _ORDERED:
        return None
    try:
        return -1 if x < y else (1 if x > y else 0)
    except TypeError:
        return None


_ORDERED = frozenset(
    {
        "number",
        "string",
        "date",
        "time",
        "zoned time",
        "date and time",
        "zoned date and time",
        "days and time duration",
        "years and months duration",
    }
)


def less(x: Any, y: Any) -> bool | None:
    """FEEL ``<``."""
    order = compare(x, y)
    return None if order is None else order < 0


def less_equal(x: Any, y: Any) -> bool | None:
    """FEEL ``<=``."""
    order = compare(x, y)
    return None if order is None else order <= 0


def greater(x: Any, y: Any) -> bool | None:
    """FEEL ``>``."""
    order = compare(x, y)
    return None if order is None else order > 0


def greater_equal(x: Any, y: Any) -> bool | None:
    """FEEL ``>=``."""
    order = compare(x, y)
    return None if order is None else order >= 0


def not_equal(x: Any, y: Any) -> bool | None:
    """FEEL ``!=``."""
    same = equal(x, y)
    return None if same is None else not same


COMPARATORS: dict[str, Callable[[Any, Any], bool | None]] = {
    "=": equal,
    "!=": not_equal,
    "<": less,
    "<=": less_equal,
    ">": greater,
    ">=": greater_equal,
}


def in_range(value: Any, rng: Range) -> bool | None:
    """Whether ``value`` lies in ``rng``; None when not comparable."""
    if rng.start is not None:
        order = compare(value, rng.start)
        if order is None or order < 0 or (order == 0 and not rng.start_included):
            return None if order is None else False
    if rng.end is not None:
        order = compare(value, rng.end)
        if order is None or order > 0 or (order == 0 and not rng.end_included):
            return None if order is None else False
    return True


def contains(items: list[Any], value: Any) -> bool:
    """List membership with FEEL equality."""
    return any(equal(item, value) is True for item in items)


# --- arithmetic ------------------------------------------------------------------------------


def _is_num(value: Any) -> bool:
    return isinstance(value, Decimal)


def _shift_time(value: dt.time, delta: dt.timedelta) -> dt.time:
    moved = dt.datetime.combine(dt.date(2000, 1, 1), value) + delta
    return moved.timetz()


def _plus(x: Any, y: Any) -> Any:
    if _is_num(x) and _is_num(y):
        return DECIMAL.add(x, y)
    if isinstance(x, str) and isinstance(y, str):
        return x + y
    if isinstance(x, (DaysTimeDuration, YearsMonthsDuration)) and not isinstance(
        y, (DaysTimeDuration, YearsMonthsDuration)
    ):
        x, y = y, x
    if isinstance(y, DaysTimeDuration):
        if isinstance(x, DaysTimeDuration):
            return DaysTimeDuration(x.seconds + y.seconds)
        if isinstance(x, dt.datetime):
            return x + y.to_timedelta()
        if isinstance(x, dt.date):
            return (dt.datetime(x.year, x.month, x.day) + y.to_timedelta()).date()
        if isinstance(x, dt.time):
            return _shift_time(x, y.to_timedelta())
    if isinstance(y, YearsMonthsDuration):
        if isinstance(x, YearsMonthsDuration):
            return YearsMonthsDuration(x.months + y.months)
        if isinstance(x, (dt.date, dt.datetime)):
            return add_months(x, y.months)
    return None


def _minus(x: Any, y: Any) -> Any:
    if _is_num(x) and _is_num(y):
        return DECIMAL.subtract(x, y)
    if isinstance(y, DaysTimeDuration) and isinstance(x, DaysTimeDuration):
        return DaysTimeDuration(x.seconds - y.seconds)
    if isinstance(y, YearsMonthsDuration) and isinstance(x, YearsMonthsDuration):
        return YearsMonthsDuration(x.months - y.months)
    if isinstance(y, (DaysTimeDuration, YearsMonthsDuration)) and isinstance(x, (dt.date, dt.time)):
        negated = (
            DaysTimeDuration(-y.seconds)
            if isinstance(y, DaysTimeDuration)
            else YearsMonthsDuration(-y.months)
        )
        return _plus(x, negated)
    if type_name(x) != type_name(y) or _kind(x) != _kind(y):
        return None
    if isinstance(x, dt.datetime):
        return DaysTimeDuration.from_timedelta(x - y)
    if isinstance(x, dt.date):
        return DaysTimeDuration.from_timedelta(x - y)
    if isinstance(x, dt.time):
        day = dt.date(2000, 1, 1)
        return DaysTimeDuration.from_timedelta(
            dt.datetime.combine(day, x) - dt.datetime.combine(day, y)
        )
    return None


def _times(x: Any, y: Any) -> Any:
    if _is_num(x) and _is_num(y):
        return DECIMAL.multiply(x, y)
    if _is_num(x):
        x, y = y, x
    if not _is_num(y):
        return None
    factor = int(y.to_integral_value(ROUND_DOWN))  # feel-scala multiplies durations by intValue
    if isinstance(x, DaysTimeDuration):
        return DaysTimeDuration(x.seconds * factor)
    if isinstance(x, YearsMonthsDuration):
        return YearsMonthsDuration(x.months * factor)
    return None


def _divide(x: Any, y: Any) -> Any:
    if _is_num(y):
        if y == 0:
            return None
        if _is_num(x):
            return DECIMAL.divide(x, y)
        if isinstance(x, YearsMonthsDuration):
            return YearsMonthsDuration(int(DECIMAL.divide(Decimal(x.months), y)))
        if isinstance(x, DaysTimeDuration):
            millis = int(DECIMAL.divide(x.seconds * 1000, y))
            return DaysTimeDuration(Decimal(millis) / 1000)
        return None
    if isinstance(x, YearsMonthsDuration) and isinstance(y, YearsMonthsDuration) and y.months:
        return DECIMAL.divide(Decimal(x.months), Decimal(y.months))
    if isinstance(x, DaysTimeDuration) and isinstance(y, DaysTimeDuration) and y.seconds:
        return DECIMAL.divide(x.seconds, y.seconds)
    return None


def _power(x: Any, y: Any) -> Any:
    if not (_is_num(x) and _is_num(y)):
        return None
    if y == y.to_integral_value() and abs(y) <= 999_999_999:
        return DECIMAL.power(x, int(y))
    result = math.pow(float(x), float(y))
    return None if math.isnan(result) or math.isinf(result) else DECIMAL.create_decimal(result)


def _guard(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guarded(x: Any, y: Any) -> Any:
        try:
            return op(x, y)
        except _ARITH_ERRORS:
            return None

    return guarded


add = _guard(_plus)
subtract = _guard(_minus)
multiply = _guard(_times)
divide = _guard(_divide)
power = _guard(_power)


def negate(x: Any) -> Any:
    """Unary minus: numbers and durations."""
    if _is_num(x):
        return -x
    if isinstance(x, DaysTimeDuration):
        return DaysTimeDuration(-x.seconds)
    if isinstance(x, YearsMonthsDuration):
        return YearsMonthsDuration(-x.months)
    return None
