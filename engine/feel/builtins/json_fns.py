"""Camunda's JSON built-ins (``from json``, ``to json``) and ``fromAi``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from engine.feel.builtins.registry import builtin, text
from engine.feel.convert import to_json
from engine.feel.temporal import format_date_time, format_time
from engine.feel.values import DaysTimeDuration, YearsMonthsDuration


def _no_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")  # NaN and Infinity are not JSON


@builtin("from json", "value")
def from_json(value: Any) -> Any:
    """JSON text as a FEEL value; strings stay strings (no temporal guessing), invalid is null."""
    return json.loads(
        text(value), parse_float=Decimal, parse_int=Decimal, parse_constant=_no_constant
    )


def _plain(value: Any) -> Any:
    """A FEEL value as the Python value ``json.dumps`` writes as feel-scala's JSON does."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        if isinstance(value.tzinfo, ZoneInfo):
            # Java's ZonedDateTime text: the offset, then the zone id in brackets.
            return f"{format_date_time(value, feel=False)}[{value.tzinfo.key}]"
        return format_date_time(value, feel=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, (DaysTimeDuration, YearsMonthsDuration)):
        return str(value)
    return to_json(value)


@builtin("to json", "value")
def to_json_(value: Any) -> Any:
    """A FEEL value as compact JSON text (``{"a":1}``); temporal values as ISO-8601 strings."""
    return json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=False)


@builtin("fromAi", "value, description, type, schema, options", required=1)
def from_ai(value: Any, description: Any, type_: Any, schema: Any, options: Any) -> Any:
    """Tags a value as filled in by an AI agent; the engine returns it unchanged."""
    return value
