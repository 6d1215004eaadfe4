"""Compact JSON text for the store's rows (records and entity payloads), fast.

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


def dumps(value: Any) -> str:
    """``value`` as compact JSON text."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
