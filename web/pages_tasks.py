"""Sign-in, the task inbox, a task's form, claim, release and completion, starting an item."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from web.camunda import EngineCallError, plain_chinese
from web.formcheck import check_form, form_keys
from web.render import render, script_json
from web.security import LoginThrottle, check_csrf, current_user, flash, sign_in
from web.settings import WebSettings
from web.users import COUNTIES, User, UserDirectory
from web.workspace import InboxFilter, NotVisible, SortField, TaskClosed, View, Workspace

log = structlog.get_logger(__name__)
MAX_BODY = 1024 * 1024


def _workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def _safe_next(target: object) -> str:
    """Only a local path: an open redirect would send staff to a look-alike site.

    Browsers read ``\\`` as ``/`` and drop tabs and newlines, so ``/\\evil.example`` is a
    protocol-relative URL to them: any of those characters refuses the target.
    """
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith("//")
        and not any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target)
    ):
        return target
    return "/tasks"


async def login_page(request: Request) -> Response:
    return render(request, "login.html", {"next": _safe_next(request.query_params.get("next"))})


async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    directory: UserDirectory = request.app.state.directory
    throttle: LoginThrottle = request.app.state.throttle
    username = str(form.get("username", "")).strip()
    target = _safe_next(form.get("next"))
    if throttle.blocked(username):
        log.info("sign-in throttled")
        context = {"error": "登录失败次数过多，请 15 分钟后再试。", "username": username,
                   "next": target}  # fmt: skip
        return render(request, "login.html", context, 429)
    user = directory.authenticate(username, str(form.get("password", "")))
    if user is None:
        throttle.failed(username)
        log.info("sign-in refused")
        context = {"error": "用户名或密码错误。", "username": username, "next": target}
        return render(request, "login.html", context, 401)
    throttle.succeeded(username)
    sign_in(request, user)
    log.info("signed in", user=user.username)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def parse_filter(params: Any) -> InboxFilter:
    """The inbox filter from the query string; unknown values fall back to defaults."""

    def pick(name: str) -> str:
        return str(params.get(name, "") or "")

    view = View(pick("view")) if pick("view") in set(View) else View.ALL
    sort = SortField(pick("sort")) if pick("sort") in set(SortField) else SortField.CREATED
    stage = int(pick("stage")) if pick("stage").isdigit() and 1 <= int(pick("stage")) <= 9 else None
    colour = pick("colour") if pick("colour") in ("red", "yellow", "green") else None
    county = pick("county") if pick("county") in COUNTIES else None
    try:
        due = date.fromisoformat(pick("due")) if pick("due") else None
    except ValueError:
        due = None
    return InboxFilter(
        view=view,
        overdue=pick("overdue") == "1",
        stage=stage,
        colour=colour,
        county=county,
        due_before=due,
        sort=sort,
        descending=pick("order") == "desc",
    )


async def inbox(request: Request) -> Response:
    user = current_user(request)
    flt = parse_filter(request.query_params)
    error = None
    try:
        rows = await _workspace(request).inbox(user, flt)
    except EngineCallError as exc:
        rows, error = [], plain_chinese(exc)
    here = request.url.path + ("?" + request.url.query if request.url.query else "")
    context = {"rows": rows, "flt": flt, "error": error, "counties": COUNTIES, "here": here}
    return render(request, "inbox.html", context, 503 if error else 200)


async def task_page(request: Request) -> Response:
    user = current_user(request)
    key = request.path_params["key"]
    ws = _workspace(request)
    try:
        task, case = await ws.task_for(user, key)
        form = await ws.client.get_user_task_form(key)
        variables = await ws.client.user_task_variables(key)
        stage = await ws.task_stage(task, case.key, case)
    except EngineCallError as exc:
        if exc.status == 404:
            raise NotVisible(key) from None
        return render(request, "error.html", {"message": plain_chinese(exc)}, 503)
    schema = form["schema"] if form else None
    data = {k: variables[k] for k in form_keys(schema) if k in variables} if schema else {}
    context = {
        "task": task,
        "case": case,
        "stage": stage,
        "schema_json": script_json(schema) if schema else "",
        "data_json": script_json(data),
        "mine": task.get("assignee") == user.username,
    }
    return render(request, "task.html", context)


async def _command(request: Request, verb: str) -> Response:
    user = current_user(request)
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    key = request.path_params["key"]
    back = _safe_next(form.get("back"))
    try:
        if verb == "claim":
            await _workspace(request).claim(user, key)
            notice = "已认领任务。"
        else:
            await _workspace(request).release(user, key)
            notice = "已释放任务，任务退回候选组。"
    except EngineCallError as exc:
        if exc.status == 404:
            raise NotVisible(key) from None
        notice = plain_chinese(exc)
    flash(request, notice)
    return RedirectResponse(back, status_code=303)


async def claim(request: Request) -> Response:
    return await _command(request, "claim")


async def release(request: Request) -> Response:
    return await _command(request, "release")


def _scope_errors(user: User, variables: dict[str, Any]) -> list[dict[str, str]]:
    """A unit's staff may not move a case into another unit's remit through a form."""
    errors: list[dict[str, str]] = []
    if user.is_city:
        return errors
    if "jurisdiction" in variables and variables["jurisdiction"] != user.jurisdiction:
        errors.append({"path": "jurisdiction", "label": "所属地区",
                       "message": f"只能选择本单位所属县区（{user.jurisdiction}）。"})  # fmt: skip
    if user.township and variables.get("township", user.township) != user.township:
        errors.append({"path": "township", "label": "乡镇街道",
                       "message": f"只能填写本乡镇街道（{user.township}）。"})  # fmt: skip
    return errors


async def _bounded_body(request: Request) -> bytes | None:
    """The request body, or None past ``MAX_BODY``: stop reading there, not after it all."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def complete(request: Request) -> Response:
    """Complete a task from the form page (JSON in, JSON out; the page keeps the input)."""
    user = current_user(request)
    check_csrf(request, None)
    key = request.path_params["key"]
    raw = await _bounded_body(request)
    try:
        body = json.loads(raw) if raw is not None else None
    except ValueError:
        body = None
    submitted = body.get("variables") if isinstance(body, dict) else None
    if not isinstance(submitted, dict):
        return JSONResponse({"message": "提交的数据格式不正确。"}, status_code=400)
    ws = _workspace(request)
    try:
        await ws.task_for(user, key)
        form = await ws.client.get_user_task_form(key)
        schema = form["schema"] if form else {"components": []}
        allowed = form_keys(schema)
        variables = {k: v for k, v in submitted.items() if k in allowed}
        errors = [e.__dict__ for e in check_form(schema, variables)]
        errors += _scope_errors(user, variables)
        if errors:
            message = f"表单有 {len(errors)} 处需要修改，请检查标红的字段。"
            return JSONResponse({"message": message, "errors": errors}, status_code=422)
        case = await ws.complete(user, key, variables)
    except TaskClosed:
        message = "该任务已办理完毕（可能已由他人办理），无需再次提交。已填写的内容仍保留在页面上。"
        return JSONResponse({"message": message}, status_code=409)
    except NotVisible:
        return JSONResponse({"message": "未找到该任务，或您无权办理。"}, status_code=404)
    except EngineCallError as exc:
        log.info("completion refused", user_task_key=key, status=exc.status)
        return JSONResponse(
            {"message": plain_chinese(exc), "technical": f"{exc.status} {exc.title}: {exc.detail}"},
            status_code=409 if exc.status in (404, 409) else 502,
        )
    log.info("task completed", user_task_key=key, user=user.username)
    return JSONResponse({"message": "任务已办理完成。", "redirect": f"/cases/{case.key}"})


async def new_case(request: Request) -> Response:
    """Start the assessment of a new item in the user's own unit (and township)."""
    user = current_user(request)
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    if "responsible-subject" not in user.groups:
        raise NotVisible("new")
    settings: WebSettings = request.app.state.settings
    variables: dict[str, Any] = {"jurisdiction": user.jurisdiction}
    if user.township:
        variables["township"] = user.township
    try:
        created = await _workspace(request).client.create_process_instance(
            settings.process_id, variables
        )
    except EngineCallError as exc:
        return render(request, "error.html", {"message": plain_chinese(exc)}, 503)
    key = str(created["processInstanceKey"])
    log.info("case started", process_instance_key=key, user=user.username)
    flash(request, "已新建事项，请在待办中登记事项信息。")
    return RedirectResponse("/tasks", status_code=303)


async def home(request: Request) -> Response:
    return RedirectResponse("/tasks", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/tasks", inbox, methods=["GET"]),
        Route("/tasks/{key}", task_page, methods=["GET"]),
        Route("/tasks/{key}/claim", claim, methods=["POST"]),
        Route("/tasks/{key}/release", release, methods=["POST"]),
        Route("/tasks/{key}/complete", complete, methods=["POST"]),
        Route("/cases/new", new_case, methods=["POST"]),
    ]
