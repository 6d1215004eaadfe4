"""The Starlette application: routes, middleware and error mapping."""

from __future__ import annotations

import time
from collections.abc import Sequence

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.api import EngineApi
from engine.errors import EngineError
from engine.query import QueryService
from engine.rest import instances, resources, user_tasks
from engine.rest.context import Caller, Context, Endpoint, Handler
from engine.rest.openapi import openapi_document
from engine.rest.problems import (
    ApiProblem,
    handle_api_problem,
    handle_engine_error,
    handle_unexpected,
    problem_response,
)
from engine.rest.security import AuthMiddleware, BodyLimitMiddleware, check_exposure
from wenping.settings import EngineSettings

log = structlog.get_logger(__name__)

_HTTP_TITLES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 400: "INVALID_ARGUMENT"}


def _guarded(handler: Handler) -> Handler:
    """Unexpected exceptions become a 500 problem here, so no server logs their messages."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except (ApiProblem, EngineError, HTTPException):
            raise
        except Exception as exc:
            return await handle_unexpected(request, exc)

    return run


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    title = _HTTP_TITLES.get(exc.status_code, "HTTP_ERROR")
    detail = exc.detail if exc.status_code != 404 else f"No endpoint {request.url.path}"
    return problem_response(exc.status_code, title, str(detail), request.url.path, exc.headers)


class _AccessLog:
    """One log line per request: method, path, status, duration. Never bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            log.info(
                "rest request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )


def all_endpoints(ctx: Context) -> list[Endpoint]:
    """Every operation this API serves (also what the OpenAPI document lists)."""
    return [*user_tasks.endpoints(ctx), *instances.endpoints(ctx), *resources.endpoints(ctx)]


def create_app(
    engine: EngineApi, query: QueryService, settings: EngineSettings, *, call: Caller
) -> Starlette:
    """The REST API v2 app. Raises :class:`~engine.rest.security.ExposureError` for settings
    that would serve it beyond loopback without authentication."""
    check_exposure(settings)
    ctx = Context(engine=engine, query=query, settings=settings, call=call)
    endpoints = all_endpoints(ctx)
    auth = bool(settings.rest_token or settings.rest_basic_user)
    document = openapi_document(endpoints, secured=auth)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    routes: Sequence[Route] = [
        *(Route(e.path, _guarded(e.handler), methods=[e.method]) for e in endpoints),
        Route("/v2/openapi.json", openapi, methods=["GET"]),
    ]
    return Starlette(
        routes=list(routes),
        middleware=[
            Middleware(_AccessLog),
            Middleware(AuthMiddleware, settings=settings),
            Middleware(BodyLimitMiddleware, limit=settings.rest_max_body_bytes),
        ],
        exception_handlers={
            ApiProblem: handle_api_problem,
            EngineError: handle_engine_error,
            HTTPException: _http_exception,
        },
    )
