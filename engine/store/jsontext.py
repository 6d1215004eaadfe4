"""Compact JSON text for the store's rows, variables and job payloads, fast.

orjson writes the same compact UTF-8 JSON as ``json.dumps(..., ensure_ascii=False,
separators=(",", ":"))`` at a tenth of the cost, which matters because every step writes a few
dozen of these. Where orjson refuses a value the standard library accepts (integers beyond 64
bits, lone surrogates), the standard library writes it, so what can be stored is unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def loads(text: str | bytes) -> Any:
    """Parse JSON text; the standard library takes over where orjson refuses (integers beyond
    64 bits, lone surrogates, NaN) and reports errors as it always did."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON text with orjson only: NaN, Infinity and integers beyond 64 bits raise
    ``ValueError`` instead of being read in the standard library's spelling."""
    return orjson.loads(text)


def dumps(value: Any) -> str:
    """``value`` as compact JSON text."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
