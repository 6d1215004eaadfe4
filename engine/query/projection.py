"""Small pure helpers of the projection: dates, record fields, BPMN names.

Record values come from the runtime; the projection never raises on an odd or missing field,
because an exception here would roll back the engine's command (the exporter runs inside the
committing transaction). Odd values are stored as "unknown" (``None``) instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from lxml import etree

# Camunda's secondary storage keeps variable values up to this many characters in search
# results and flags longer ones as truncated (Operate's default ``variableSizeThreshold``).
VARIABLE_TRUNCATION_THRESHOLD = 8191

_BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def iso_to_ms(text: object) -> int | None:
    """Parse an ISO 8601 date-time into epoch milliseconds; ``None`` for empty or invalid.

    A date-time without an offset is read as UTC, as Zeebe does for FEEL date-times.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def iso_with_offset_to_ms(text: object) -> int | None:
    """Like :func:`iso_to_ms` but only for date-times that carry an offset (API input)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if parsed.tzinfo is None else int(parsed.timestamp() * 1000)


def ms_to_iso(ms: int | None) -> str | None:
    """Epoch milliseconds as Camunda prints dates: ``2025-05-23T08:50:22.045Z``."""
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def opt_key(value: object) -> int | None:
    """A Zeebe key, with Zeebe's "no key" markers (-1, 0, absent) as ``None``."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def opt_str(value: object) -> str | None:
    """A string field, with Zeebe's empty string for "not set" as ``None``."""
    return value if isinstance(value, str) and value else None


def int_or(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def str_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


def str_map(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def resource_text(value: object) -> str | None:
    """The deployed resource as text: plain text, bytes, or base64 (Zeebe's JSON exporter)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if not isinstance(value, str) or not value:
        return None
    stripped = value.lstrip()
    if stripped.startswith(("<", "{")):
        return value
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


def bpmn_names(xml: str | None, process_id: str) -> tuple[str | None, dict[str, str]]:
    """The name of process ``process_id`` and its BPMN elements' names (id → name), from XML.

    Entities and network access are disabled: the XML came from a client.
    """
    if not xml:
        return None, {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None, {}
    for process in root.iter(f"{{{_BPMN_NS}}}process"):
        if process.get("id") != process_id:
            continue
        names: dict[str, str] = {}
        # BPMN elements only: extension elements may carry ids of any length, which the
        # parser does not check (the search tables' key needs bounded ids).
        for element in process.iter(f"{{{_BPMN_NS}}}*"):
            element_id, name = element.get("id"), element.get("name")
            if element_id and name:
                names[element_id] = name
        return process.get("name"), names
    return None, {}


def json_list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def json_map(values: dict[str, str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def load_json(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
