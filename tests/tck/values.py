"""TCK test-case values (typed XML) → FEEL values, and the comparison Camunda's runner uses.

Conversion follows the Camunda DMN-Scala TCK runner: typed values by their ``xsi:type``; untyped
text is a boolean, an integer, a double or else a string; ``component`` children a context;
``list``/``item`` a list; ``xsi:nil`` null. Numbers compare with a tolerance of 1e-8.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from engine.feel.temporal import parse_date, parse_date_time, parse_duration, parse_time

XSI = "http://www.w3.org/2001/XMLSchema-instance"
TOLERANCE = Decimal("0.00000001")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _typed(kind: str, text: str) -> Any:
    kind = kind.split(":")[-1]
    if kind == "string":
        return text
    if kind == "boolean":
        return text.strip() == "true"
    if kind in ("decimal", "int", "integer", "long", "short", "double", "float"):
        return _number(text)
    if kind == "date":
        return parse_date(text.strip())
    if kind == "dateTime":
        return parse_date_time(text.strip())
    if kind == "time":
        return parse_time(text.strip())
    if kind == "duration":
        return parse_duration(text.strip())
    return text


def _untyped(text: str) -> Any:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    number = _number(text)
    if number is not None and number.is_finite():
        return number
    return text


def convert(value_holder: etree._Element | None) -> Any:
    """The FEEL value held by an ``inputNode``, ``expected``, ``component`` or ``item``."""
    if value_holder is None:
        return None
    for element in value_holder:
        if not isinstance(element.tag, str):
            continue
        name = _local(element)
        if name == "value":
            if element.get(f"{{{XSI}}}nil") == "true":
                return None
            kind = element.get(f"{{{XSI}}}type")
            text = element.text or ""
            return _typed(kind, text) if kind else _untyped(text)
        if name == "list":
            if element.get(f"{{{XSI}}}nil") == "true":
                return None
            return [convert(item) for item in element if _is(item, "item")]
        if name == "component":
            return {
                c.get("name") or "": (None if c.get(f"{{{XSI}}}nil") == "true" else convert(c))
                for c in value_holder
                if _is(c, "component")
            }
    return None


def _is(element: etree._Element, name: str) -> bool:
    return isinstance(element.tag, str) and _local(element) == name


def _zone_kind(value: dt.datetime | dt.time) -> tuple[Any, ...]:
    tz = value.tzinfo
    if tz is None:
        return ("local",)
    offset = value.utcoffset() if isinstance(value, dt.datetime) else tz.utcoffset(None)
    return ("fixed" if isinstance(tz, dt.timezone) else "zone", offset)


def equal(expected: Any, actual: Any) -> bool:
    """Camunda's TCK comparison: numbers within 1e-8, lists in order, contexts by expected keys."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, Decimal) and isinstance(actual, Decimal | int):
        try:
            return abs(expected - Decimal(actual)) < TOLERANCE
        except InvalidOperation:
            return False
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            equal(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return len(expected) == len(actual) and all(
            equal(v, actual.get(k)) for k, v in expected.items()
        )
    if isinstance(expected, dt.datetime | dt.time) and isinstance(actual, dt.datetime | dt.time):
        if type(expected) is not type(actual):
            return False
        if _zone_kind(expected) != _zone_kind(actual):
            return False
        return expected.replace(tzinfo=None) == actual.replace(tzinfo=None)
    if type(expected) is not type(actual):
        return False
    return bool(expected == actual)


def describe(value: Any) -> str:
    """A short readable rendering of a FEEL value for failure reports."""
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
