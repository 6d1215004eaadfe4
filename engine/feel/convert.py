"""Conversion between JSON variables and FEEL values, as Zeebe does it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.feel.temporal import format_date_time, format_time
from engine.feel.values import DaysTimeDuration, YearsMonthsDuration


def to_feel(value: Any) -> Any:
    """A JSON value (from variables) as a FEEL value: numbers become ``Decimal``.

    Strings stay strings (Zeebe does not turn ISO text into dates); FEEL values pass through.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055.
        return (
            None
            if value != value or value in (float("inf"), float("-inf"))
            else Decimal(repr(value))
        )
    if isinstance(value, Mapping):
        return {str(key): to_feel(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_feel(item) for item in value]
    return value


def to_json(value: Any) -> Any:
    """A FEEL value as Zeebe serialises it: whole numbers as ``int``, others ``float``;
    temporal values as ISO-8601 text; ranges and functions as ``None``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dt.datetime):
        return format_date_time(value, feel=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        # Java's LocalTime.toString drops zero seconds; a zoned time prints them.
        return format_time(value, feel=value.tzinfo is not None)
    if isinstance(value, (DaysTimeDuration, YearsMonthsDuration)):
        return str(value)
    return None
