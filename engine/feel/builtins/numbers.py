"""Numeric built-ins."""

from __future__ import annotations

import random
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Any

from engine.feel.builtins.registry import builtin, is_int, number, text
from engine.feel.ops import DECIMAL
from engine.feel.values import DaysTimeDuration, YearsMonthsDuration


def _round(value: Any, scale: Any, mode: str) -> Decimal:
    n = number(value)
    digits = int(number(scale))
    if not -6111 <= digits <= 6176:
        raise ValueError("scale out of range")
    exponent = n.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= digits:
        return n  # already within the scale
    result = n.quantize(Decimal(1).scaleb(-digits), rounding=mode, context=DECIMAL)
    return result if digits >= 0 else result.quantize(Decimal(1), context=DECIMAL)


@builtin("decimal", "n, scale")
def decimal(n: Any, scale: Any) -> Any:
    return _round(n, number(scale), ROUND_HALF_EVEN)


# Java's RoundingMode names, as feel-scala's decimal(n, scale, mode) accepts them (any case).
_MODES = {
    "UP": ROUND_UP,
    "DOWN": ROUND_DOWN,
    "CEILING": ROUND_CEILING,
    "FLOOR": ROUND_FLOOR,
    "HALF_UP": ROUND_HALF_UP,
    "HALF_DOWN": ROUND_HALF_DOWN,
    "HALF_EVEN": ROUND_HALF_EVEN,
}


@builtin("decimal", "n, scale, mode")
def decimal_mode(n: Any, scale: Any, mode: Any) -> Any:
    name = text(mode).upper()
    if name == "UNNECESSARY":
        # Java fails when rounding would be needed; feel-scala then gives null.
        rounded = _round(n, scale, ROUND_DOWN)
        return rounded if rounded == number(n) else None
    return _round(n, scale, _MODES[name])


@builtin("floor", "n")
def floor_whole(n: Any) -> Any:
    return _round(n, Decimal(0), ROUND_FLOOR)


@builtin("floor", "n, scale")
def floor(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_FLOOR)


@builtin("ceiling", "n")
def ceiling_whole(n: Any) -> Any:
    return _round(n, Decimal(0), ROUND_CEILING)


@builtin("ceiling", "n, scale")
def ceiling(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_CEILING)


@builtin("round up", "n, scale")
def round_up(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_UP)


builtin("round up", "n")(lambda n: _round(n, Decimal(0), ROUND_UP))  # scale 0 (Camunda docs)


@builtin("round down", "n, scale")
def round_down(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_DOWN)


builtin("round down", "n")(lambda n: _round(n, Decimal(0), ROUND_DOWN))  # scale 0 (Camunda docs)


@builtin("round half up", "n, scale")
def round_half_up(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_HALF_UP)


builtin("round half up", "n")(
    lambda n: _round(n, Decimal(0), ROUND_HALF_UP)
)  # scale 0 (Camunda docs)


@builtin("round half down", "n, scale")
def round_half_down(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_HALF_DOWN)


builtin("round half down", "n")(
    lambda n: _round(n, Decimal(0), ROUND_HALF_DOWN)
)  # scale 0 (Camunda docs)


@builtin("abs", "n")
def abs_(n: Any) -> Any:
    if isinstance(n, DaysTimeDuration):
        return DaysTimeDuration(abs(n.seconds))
    if isinstance(n, YearsMonthsDuration):
        return YearsMonthsDuration(abs(n.months))
    return abs(number(n))


builtin("abs", "number")(abs_)  # feel-scala accepts both parameter names


@builtin("modulo", "dividend, divisor")
def modulo(dividend: Any, divisor: Any) -> Any:
    a, b = number(dividend), number(divisor)
    if b == 0:
        return None
    quotient = DECIMAL.divide(a, b).to_integral_value(rounding=ROUND_FLOOR)
    return DECIMAL.subtract(a, DECIMAL.multiply(b, quotient))


@builtin("sqrt", "number")
def sqrt(value: Any) -> Any:
    n = number(value)
    return None if n < 0 else DECIMAL.sqrt(n)


@builtin("log", "number")
def log(value: Any) -> Any:
    n = number(value)
    return None if n <= 0 else DECIMAL.ln(n)


@builtin("exp", "number")
def exp(value: Any) -> Any:
    return DECIMAL.exp(number(value))


@builtin("odd", "number")
def odd(value: Any) -> Any:
    return int(number(value)) % 2 == 1 if is_int(value) else None


@builtin("even", "number")
def even(value: Any) -> Any:
    return int(number(value)) % 2 == 0 if is_int(value) else None


@builtin("random number")
def random_number() -> Any:
    return DECIMAL.create_decimal(random.random())  # not for security
