"""The case list, the case page, its diagram and its report."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from web.camunda import EngineCallError, JsonDict, plain_chinese
from web.caseview import STATE_LABELS, HistoryLine, build_case_view
from web.domain import CaseDomain, DomainReader
from web.render import render
from web.security import current_user
from web.settings import WebSettings
from web.users import User, UserDirectory
from web.workspace import Case, NotVisible, Workspace


def _workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


async def visible_cases(
    ws: Workspace, user: User, process_id: str, *, active_only: bool
) -> list[tuple[JsonDict, Case]]:
    """Root instances of the main process within the user's remit, newest first."""
    flt: dict[str, Any] = {
        "processDefinitionId": process_id,
        "parentProcessInstanceKey": {"$exists": False},
    }
    if active_only:
        flt["state"] = "ACTIVE"
    if not user.is_city:
        flt["variables"] = [{"name": "jurisdiction", "value": f'"{user.jurisdiction}"'}]
    instances = await ws.client.search_process_instances(flt)
    cases = await ws.cases(str(i["processInstanceKey"]) for i in instances)
    stages = await ws.active_stages()
    out = []
    for instance in instances:
        case = cases[str(instance["processInstanceKey"])]
        if case.key in stages:
            case = case.at_stage(stages[case.key])
        if user.may_see_case(case.jurisdiction, case.township):
            out.append((instance, case))
    return out


async def case_list(request: Request) -> Response:
    user = current_user(request)
    try:
        settings: WebSettings = request.app.state.settings
        rows = await visible_cases(
            _workspace(request), user, settings.process_id, active_only=False
        )
    except EngineCallError as exc:
        return render(request, "error.html", {"message": plain_chinese(exc)}, 503)
    return render(request, "cases.html", {"rows": rows, "state_labels": STATE_LABELS})


def _domain(request: Request, user: User, case: Case) -> CaseDomain | None:
    """The item of a case, if it too lies in the user's unit.

    The item is found through a process variable; checking the item's own unit as well means a
    variable pointing elsewhere (a modelling slip, a hand-edited instance) shows nothing.
    """
    reader: DomainReader | None = request.app.state.domain
    if reader is None:
        return None
    item_id = case.variables.get("itemId")
    if not isinstance(item_id, int):
        item_id = reader.item_for_instance(int(case.key))
    domain = reader.case(item_id) if isinstance(item_id, int) else None
    if domain is None or not (user.is_city or domain.jurisdiction == user.jurisdiction):
        return None
    return domain


def _named(line: HistoryLine, directory: UserDirectory) -> HistoryLine:
    """Show who acted by name and organisation, not by user name."""
    user = directory.get(line.who)
    if user is None:
        return line
    return HistoryLine(line.when, f"{user.name}（{user.organisation}）", line.what, line.state)


async def case_page(request: Request) -> Response:
    user = current_user(request)
    ws = _workspace(request)
    key = request.path_params["key"]
    try:
        case = await ws.case_for(user, key)
        view = await build_case_view(ws, case)
    except EngineCallError as exc:
        if exc.status == 404:
            raise NotVisible(key) from None
        return render(request, "error.html", {"message": plain_chinese(exc)}, 503)
    marks = {
        "completed": list(view.completed_elements),
        "active": list(view.active_elements),
        "incident": list(view.incident_elements),
    }
    domain = _domain(request, user, case)
    directory: UserDirectory = request.app.state.directory
    history = [_named(line, directory) for line in view.history]
    if domain is not None:
        history += [HistoryLine(line.when, "系统", line.text, "台账") for line in domain.ledger]
    history.sort(key=lambda line: line.when)
    context = {
        "view": view,
        "history": history,
        "domain": domain,
        "marks": marks,
        "state_labels": STATE_LABELS,
    }
    return render(request, "case.html", context)


async def case_diagram(request: Request) -> Response:
    user = current_user(request)
    ws = _workspace(request)
    key = request.path_params["key"]
    try:
        case = await ws.case_for(user, key)
        instance = await ws.client.get_process_instance(case.key)
        xml = await ws.client.process_definition_xml(str(instance["processDefinitionKey"]))
    except EngineCallError as exc:
        if exc.status == 404:
            raise NotVisible(key) from None
        return Response(plain_chinese(exc), status_code=503, media_type="text/plain")
    return Response(xml, media_type="text/xml")


async def case_report(request: Request) -> Response:
    user = current_user(request)
    key = request.path_params["key"]
    case = await _workspace(request).case_for(user, key)
    reader: DomainReader | None = request.app.state.domain
    domain = _domain(request, user, case)
    path = reader.report_file(domain.item_id) if reader and domain else None
    if path is None:
        raise NotVisible(key)
    return FileResponse(path, filename=f"稳评报告-{domain.item_id if domain else key}.docx")


def routes() -> list[BaseRoute]:
    return [
        Route("/cases", case_list, methods=["GET"]),
        Route("/cases/{key}", case_page, methods=["GET"]),
        Route("/cases/{key}/diagram.xml", case_diagram, methods=["GET"]),
        Route("/cases/{key}/report", case_report, methods=["GET"]),
    ]
