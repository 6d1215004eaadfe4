"""Errors as RFC 9457 problem details, with the statuses and titles Camunda's REST API uses.

Hierarchy::

    ApiProblem                 an HTTP-level refusal (400 malformed body, 401, 413, 415 …)
    engine.errors.EngineError  raised by the engine or the query service; mapped by its class:
                               NotFound 404, InvalidArgument 400, FailedPrecondition 409,
                               AlreadyExists 409, ResourceExhausted 503 (as Camunda's
                               gateway answers back-pressure), Unimplemented 501
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.errors import EngineError, ResourceExhausted

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """A refusal decided by the HTTP layer itself, before the engine is asked."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})


def bad_request(detail: str) -> ApiProblem:
    """400 for malformed input; ``detail`` names the field."""
    return ApiProblem(400, "INVALID_ARGUMENT", detail)


def problem_response(
    status: int,
    title: str,
    detail: str,
    instance: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body["instance"] = instance
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


async def handle_api_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc.status, exc.title, exc.detail, request.url.path, exc.headers)


def engine_error_status(exc: EngineError) -> int:
    """The HTTP status Camunda's REST gateway uses for an engine refusal. Back-pressure
    (RESOURCE_EXHAUSTED) is 503 Service Unavailable there, not 429."""
    return 503 if isinstance(exc, ResourceExhausted) else exc.http_status


async def handle_engine_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EngineError)
    status = engine_error_status(exc)
    if status >= 500:
        log.warning("engine refused request", path=request.url.path, error=type(exc).__name__)
    return problem_response(status, exc.title, exc.message, request.url.path)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    # The message could quote variable data, so only the exception type and the stack's
    # locations are logged, and nothing of it is returned.
    frames = [f"{f.filename}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    log.error("REST request failed", path=request.url.path, error=type(exc).__name__, stack=frames)
    return problem_response(
        500,
        "INTERNAL_ERROR",
        "An internal error occurred while processing the request.",
        request.url.path,
    )
