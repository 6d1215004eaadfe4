"""The staff web app: a Starlette application with server-rendered Chinese pages.

``create_app`` takes everything from outside as arguments (settings, the HTTP transport to the
engine, the domain database, the clock), so tests run it against ``httpx.MockTransport`` or a
real engine alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from web import pages_cases, pages_tasks, pages_views
from web.camunda import CamundaClient
from web.domain import DomainReader
from web.render import render
from web.security import CsrfFailed, LoginRequired, LoginThrottle, SecurityHeaders
from web.settings import WebSettings
from web.users import UserDirectory, build_directory
from web.workspace import NotVisible, TaskClosed, Workspace

HERE = Path(__file__).parent
NODE_MODULES = HERE / "node_modules"

VENDOR_FILES: dict[str, Path] = {
    "form-viewer.umd.js": NODE_MODULES / "@bpmn-io/form-js/dist/form-viewer.umd.js",
    "form-js.css": NODE_MODULES / "@bpmn-io/form-js/dist/assets/form-js.css",
    "bpmn-viewer.js": NODE_MODULES / "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bpmn-js.css": NODE_MODULES / "bpmn-js/dist/assets/bpmn-js.css",
    "diagram-js.css": NODE_MODULES / "bpmn-js/dist/assets/diagram-js.css",
}
"""The front-end libraries, served from ``web/node_modules`` (``npm ci --prefix web``)."""


def missing_vendor_files() -> list[str]:
    """Front-end files not installed yet (``npm ci --prefix web`` installs them)."""
    return [name for name, path in VENDOR_FILES.items() if not path.is_file()]


async def _vendor(request: Request) -> Response:
    path = VENDOR_FILES.get(request.path_params["name"])
    if path is None or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, headers={"cache-control": "max-age=86400"})


def _wants_json(request: Request) -> bool:
    # The form page posts JSON with fetch; it must get an answer it can show, not a page.
    return request.headers.get("content-type", "").startswith("application/json")


async def _login_required(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        message = "登录已过期，请在新窗口重新登录后再提交。已填写的内容已保留。"
        return JSONResponse({"message": message}, status_code=401)
    target = request.url.path if request.method == "GET" else "/"
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    message = "页面已过期或请求来源无效，请刷新后重试。"
    if _wants_json(request):
        return JSONResponse({"message": message + "已填写的内容已保留。"}, status_code=403)
    return render(request, "error.html", {"message": message}, 403)


async def _not_visible(request: Request, exc: Exception) -> Response:
    # Same answer for "does not exist" and "not yours": nothing leaks about other units' cases.
    return render(request, "error.html", {"message": "未找到该任务或事项，或您无权查看。"}, 404)


async def _task_closed(request: Request, exc: Exception) -> Response:
    message = "该任务已办理完毕（可能已由他人办理）。"
    return render(request, "error.html", {"message": message}, 409)


def create_app(
    settings: WebSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    domain: DomainReader | None = None,
    directory: UserDirectory | None = None,
    now: Callable[[], datetime] | None = None,
) -> Starlette:
    """The web app. ``domain`` None: the domain database is not shown (engine data only)."""
    client = CamundaClient(settings, transport=transport)
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    routes = [
        *pages_tasks.routes(),
        *pages_cases.routes(),
        *pages_views.routes(),
        Route("/vendor/{name}", _vendor),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, hsts=settings.cookies_https_only),
            Middleware(
                SessionMiddleware,
                secret_key=settings.session_secret.get_secret_value(),
                session_cookie="wenping_session",
                max_age=settings.session_max_age_s,
                same_site="strict",
                https_only=settings.cookies_https_only,
            ),
        ],
        exception_handlers={
            LoginRequired: _login_required,
            CsrfFailed: _csrf_failed,
            NotVisible: _not_visible,
            TaskClosed: _task_closed,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = templates
    clock = now or (lambda: datetime.now(UTC))
    app.state.workspace = Workspace(client, now=clock)
    app.state.throttle = LoginThrottle(now=clock)
    app.state.domain = domain
    app.state.directory = directory or build_directory(
        demo_password=settings.demo_password.get_secret_value() if settings.demo_users else None,
        users_file=settings.users_file,
    )
    return app
