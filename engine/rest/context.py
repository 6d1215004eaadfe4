"""What every route handler needs: the engine, the query service, settings and the loop hop."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.api import EngineApi, JsonDict, Page, SearchResult, Sort
from engine.query import QueryService
from engine.query.search import parse_key
from engine.rest.body import Fields, read_json
from engine.rest.problems import bad_request
from wenping.settings import EngineSettings

T = TypeVar("T")


class Caller(Protocol):
    """Runs a function on the engine's loop thread and returns its result."""

    def __call__(self, fn: Callable[[], T], /) -> Awaitable[T]: ...


Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Endpoint:
    """One operation: the route and what the OpenAPI document says about it."""

    method: str
    path: str
    operation_id: str
    summary: str
    handler: Handler
    tag: str
    request: str | None = None  # component schema of the JSON body
    response: str | None = None  # component schema of the success body
    status: int = 200
    errors: tuple[int, ...] = (400, 500)
    multipart: bool = False
    produces: str = "application/json"
    params: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Context:
    engine: EngineApi
    query: QueryService
    settings: EngineSettings
    call: Caller

    async def body(self, request: Request) -> Fields:
        return await read_json(request, self.settings.rest_max_body_bytes)


def path_key(request: Request, name: str) -> int:
    """A key from the URL path, 400 naming the parameter unless it is a string of digits."""
    return parse_key(request.path_params[name], name)


def truncate_values(request: Request) -> bool:
    """The ``truncateValues`` query parameter of variable searches (default true)."""
    raw = request.query_params.get("truncateValues")
    if raw is None:
        return True
    if raw.lower() not in ("true", "false"):
        raise bad_request("truncateValues: expected true or false")
    return raw.lower() == "true"


def no_content() -> Response:
    return Response(status_code=204)


def present(item: JsonDict) -> JsonDict:
    """``item`` without its ``null`` properties.

    Camunda 8.8 leaves absent values out of its results (its OpenAPI result properties are
    optional but not nullable, e.g. ``endDate`` of an active instance), so a client validating
    against that document must not see ``null``. Only the top level is pruned: nested documents
    such as ``variables`` keep their ``null`` values, which are data.
    """
    return {name: value for name, value in item.items() if value is not None}


def item_response(item: JsonDict) -> JSONResponse:
    """A single ``*Result`` object."""
    return JSONResponse(present(item))


def operation_reference(body: Fields) -> int | None:
    """``operationReference``: Camunda's int64 tag for the resulting records, must be > 0."""
    value = body.raw("operationReference")
    if value is None:
        return None
    return body.get_int("operationReference", minimum=1, maximum=2**63 - 1)


# --- search requests and responses --------------------------------------------------------------


def encode_cursor(values: list[Any]) -> str | None:
    """Sort values as Camunda's ``StartCursor``/``EndCursor``: standard, padded base64."""
    if not values:
        return None
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode()


def decode_cursor(cursor: Any, name: str) -> list[Any]:
    """Sort values from a cursor; URL-safe or unpadded base64 (earlier pages) is accepted too."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > 1024:
        raise bad_request(f"{name}: expected a cursor from a previous page")
    try:
        padded = cursor.rstrip("=") + "=" * (-len(cursor.rstrip("=")) % 4)
        values = json.loads(base64.b64decode(padded, altchars=b"-_", validate=False))
    except (binascii.Error, ValueError):
        raise bad_request(f"{name}: not a valid cursor") from None
    return sort_values(values, name)


def sort_values(values: Any, name: str) -> list[Any]:
    """Sort values of a cursor: a short list of strings, booleans and 64-bit integers."""
    if not isinstance(values, list) or len(values) > 16 or not all(_sort_value(v) for v in values):
        raise bad_request(f"{name}: not a valid cursor")
    return values


def _sort_value(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and len(value) <= 1024


def parse_search(body: Fields) -> tuple[Any, list[Sort], Page]:
    """``{filter, sort, page}`` of a search request (Camunda 8.8, plus 8.7's searchAfter)."""
    body.only("filter", "sort", "page")
    flt = body.raw("filter")
    if flt is not None and not isinstance(flt, dict):
        raise bad_request("filter: expected an object")
    sorts: list[Sort] = []
    for i, item in enumerate(body.get_list("sort") or []):
        if not isinstance(item, dict):
            raise bad_request(f"sort[{i}]: expected an object")
        entry = Fields(item, f"sort[{i}]").only("field", "order")
        order = entry.get_str("order", default="ASC").upper()
        if order not in ("ASC", "DESC"):
            raise bad_request(f"sort[{i}].order: expected ASC or DESC")
        sorts.append(Sort(entry.get_str("field", required=True), order))
    page = Page()
    spec = body.get_obj("page")
    if spec is not None:
        spec.only("from", "limit", "after", "before", "searchAfter", "searchBefore")
        after: list[Any] | None = None
        before: list[Any] | None = None
        if spec.has("after"):
            after = decode_cursor(spec.raw("after"), "page.after")
        elif spec.has("searchAfter"):
            after = sort_values(spec.get_list("searchAfter"), "page.searchAfter")
        if spec.has("before"):
            before = decode_cursor(spec.raw("before"), "page.before")
        elif spec.has("searchBefore"):
            before = sort_values(spec.get_list("searchBefore"), "page.searchBefore")
        if after is not None and before is not None:
            raise bad_request("page: use either after or before, not both")
        if (after is not None or before is not None) and spec.has("from"):
            raise bad_request("page.from: cannot be combined with a cursor")
        page = Page(
            limit=spec.get_int("limit", default=100, minimum=1, maximum=10_000),
            from_=spec.get_int("from", default=0, minimum=0, maximum=2**31 - 1),
            search_after=after,
            search_before=before,
        )
    return flt, sorts, page


def search_response(result: SearchResult) -> JSONResponse:
    """Camunda's ``*SearchQueryResult``: ``items`` and ``page``. ``totalItems`` is an exact SQL
    count here, never capped as Elasticsearch caps it, so ``hasMoreTotalItems`` is false."""
    return JSONResponse(
        {
            "items": [present(item) for item in result.items],
            "page": {
                "totalItems": result.total_items,
                "hasMoreTotalItems": False,
                "startCursor": encode_cursor(result.first_sort_values),
                "endCursor": encode_cursor(result.last_sort_values),
            },
        }
    )
