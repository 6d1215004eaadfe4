"""The ledger (台账) with its XLSX export, and the dashboard of counts and overdue tasks."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web.camunda import EngineCallError, plain_chinese
from web.domain import DomainReader
from web.ledger_xlsx import HEADERS, ledger_cells, ledger_workbook
from web.pages_cases import visible_cases
from web.render import CHINA, render
from web.security import current_user
from web.settings import WebSettings
from web.users import COUNTIES, User
from web.workspace import InboxFilter, Workspace
from workers.ledger.reporting import LedgerRow


def _scope(user: User) -> str:
    return user.jurisdiction + (user.township if user.township else "")


def _rows(request: Request, user: User) -> list[LedgerRow] | None:
    reader: DomainReader | None = request.app.state.domain
    if reader is None:
        return None
    jurisdiction = None if user.is_city else user.jurisdiction
    return list(reader.ledger_rows(jurisdiction=jurisdiction, township=user.township or None))


async def ledger_page(request: Request) -> Response:
    user = current_user(request)
    rows = _rows(request, user)
    cells = ledger_cells(rows) if rows is not None else []
    context = {"headers": HEADERS, "cells": cells, "available": rows is not None,
               "scope": _scope(user)}  # fmt: skip
    return render(request, "ledger.html", context)


async def ledger_export(request: Request) -> Response:
    user = current_user(request)
    rows = _rows(request, user)
    if rows is None:
        return render(request, "error.html", {"message": "未配置业务数据库，无法导出台账。"}, 503)
    ws: Workspace = request.app.state.workspace
    data = ledger_workbook(rows, scope=_scope(user), generated=ws.now().astimezone(CHINA))
    filename = quote(f"稳评台账-{_scope(user)}.xlsx")
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


async def dashboard(request: Request) -> Response:
    user = current_user(request)
    ws: Workspace = request.app.state.workspace
    settings: WebSettings = request.app.state.settings
    try:
        cases = await visible_cases(ws, user, settings.process_id, active_only=True)
        overdue = await ws.inbox(user, InboxFilter(overdue=True))
        overdue_by_unit = await ws.overdue_by_unit(user)
    except EngineCallError as exc:
        return render(request, "error.html", {"message": plain_chinese(exc)}, 503)
    by_colour = Counter(case.colour or "none" for _, case in cases)
    by_county = Counter(case.jurisdiction or "未登记" for _, case in cases)
    by_stage = Counter(case.stage or 0 for _, case in cases)
    counties = [c for c in ("白银市", *COUNTIES) if user.is_city or c == user.jurisdiction]
    context = {
        "total": len(cases),
        "by_colour": by_colour,
        "by_county": by_county,
        "by_stage": by_stage,
        "counties": counties,
        "overdue": overdue,
        "overdue_by_unit": overdue_by_unit,
    }
    return render(request, "dashboard.html", context)


def routes() -> list[BaseRoute]:
    return [
        Route("/ledger", ledger_page, methods=["GET"]),
        Route("/ledger.xlsx", ledger_export, methods=["GET"]),
        Route("/dashboard", dashboard, methods=["GET"]),
    ]
