"""Reading request bodies defensively, and typed access to their fields.

Bodies are bounded in size (413), and JSON is refused cleanly (400) when it nests deeper than
:data:`MAX_DEPTH`, holds a string longer than :data:`MAX_STRING_CHARS`, uses ``NaN``/``Infinity``
or integers beyond what a parser should build. Field accessors raise 400 problems naming the
field's path (``changeset.priority``), as Camunda's validation does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn

from starlette.requests import Request

from engine.api import DEFAULT_TENANT
from engine.query.search import parse_key
from engine.rest.problems import ApiProblem, bad_request

MAX_DEPTH = 64
# Zeebe's default maximum message size is 4 MB, so no longer value could reach Camunda either.
MAX_STRING_CHARS = 4 * 1024 * 1024


class BodyTooLarge(ApiProblem):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413, "PAYLOAD_TOO_LARGE", f"The request body exceeds the limit of {limit} bytes."
        )


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(raw: bytes) -> Any:
    """Parse a JSON document, refusing hostile shapes with a 400 problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("The request body is not UTF-8 encoded JSON.") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise bad_request(f"The request body nests deeper than {MAX_DEPTH} levels.") from None
    except ValueError as exc:
        # json's messages name the line and column, never the content
        raise bad_request(f"The request body is not valid JSON: {exc}") from None
    _check_shape(document)
    return document


def _check_shape(document: Any) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if len(node) > MAX_STRING_CHARS:
                raise bad_request(
                    f"A string in the request body exceeds {MAX_STRING_CHARS} characters."
                )
        elif isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                raise bad_request(f"The request body nests deeper than {MAX_DEPTH} levels.")
            children = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in children:
                if isinstance(key, str) and len(key) > MAX_STRING_CHARS:
                    raise bad_request("A property name in the request body is too long.")
                stack.append((child, depth + 1))


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing more than ``limit`` bytes (413) without reading further."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, limit: int) -> Fields:
    """The JSON object body as :class:`Fields`; an empty body is an empty object."""
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    raw = await read_body(request, limit)
    if not raw.strip():
        return Fields({}, "")
    if content_type and not (content_type == "application/json" or content_type.endswith("+json")):
        raise ApiProblem(
            415, "UNSUPPORTED_MEDIA_TYPE", f"Expected application/json, got {content_type}."
        )
    document = parse_json(raw)
    if not isinstance(document, dict):
        raise bad_request("The request body must be a JSON object.")
    return Fields(document, "")


class Fields:
    """A JSON object with typed, path-naming accessors. ``None`` values count as absent."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def only(self, *allowed: str) -> Fields:
        """Refuse properties outside ``allowed`` (Camunda's ``additionalProperties: false``)."""
        for key in self.data:
            if key not in allowed:
                raise bad_request(f"{self._name(key)}: unknown property")
        return self

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def get_str(
        self, key: str, *, required: bool = False, default: str = "", nonempty: bool = False
    ) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise bad_request(f"{self._name(key)}: required")
            return default
        if not isinstance(value, str):
            raise bad_request(f"{self._name(key)}: expected a string")
        if nonempty and not value.strip():
            raise bad_request(f"{self._name(key)}: must not be empty")
        return value

    def get_int(
        self, key: str, *, default: int = 0, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{self._name(key)}: expected an integer")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise bad_request(f"{self._name(key)}: must be between {minimum} and {maximum}")
        return value

    def get_bool(self, key: str, *, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise bad_request(f"{self._name(key)}: expected true or false")
        return value

    def get_key(self, key: str, *, required: bool = False) -> int | None:
        """A Zeebe key: a string of digits (Camunda 8.8) or a number (older clients)."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise bad_request(f"{self._name(key)}: required")
            return None
        return parse_key(value, self._name(key))

    def get_obj(self, key: str) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request(f"{self._name(key)}: expected an object")
        return Fields(value, self._name(key))

    def variables(self, key: str = "variables") -> dict[str, Any] | None:
        """A variables document: a JSON object (its values are anything JSON)."""
        found = self.get_obj(key)
        return None if found is None else dict(found.data)

    def get_str_list(self, key: str) -> list[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad_request(f"{self._name(key)}: expected an array of strings")
        return list(value)

    def get_list(self, key: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise bad_request(f"{self._name(key)}: expected an array")
        return value


def tenant_id(value: str | None, command: str) -> str:
    """The tenant of a command, as Camunda's REST gateway reads it with multi-tenancy disabled:
    absent (or blank) is the default tenant, and any other id than ``<default>`` is a 400."""
    if value is None or not value.strip() or value == DEFAULT_TENANT:
        return DEFAULT_TENANT
    raise bad_request(
        f"Expected to handle request {command} with tenant identifier '{value}', "
        "but multi-tenancy is disabled"
    )
