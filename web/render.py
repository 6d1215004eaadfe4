"""Rendering a page: the template plus what every page shows (user, CSRF token, labels)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.security import csrf_token, take_notice
from web.stages import STAGE_NAMES, stage_label
from web.users import GROUP_LABELS, JURISDICTIONS, User, UserDirectory
from web.workspace import COLOUR_LABELS, parse_time

CHINA = ZoneInfo("Asia/Shanghai")


def local_time(value: object, with_time: bool = True) -> str:
    """An engine timestamp (ISO text or datetime) in Beijing time, ``—`` when absent."""
    moment = value if isinstance(value, datetime) else parse_time(value)
    if moment is None:
        return "—"
    local = moment.astimezone(CHINA)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(value: object) -> Markup:
    """``value`` as JSON safe inside ``<script type="application/json">``.

    Form data is typed by staff: a ``</script>`` in a field must not end the element and turn the
    rest into markup. The escapes are still valid JSON, so the page's ``JSON.parse`` reads the
    original text back; Chinese stays readable in the page source.
    """
    return Markup(json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


def _signed_in(request: Request) -> User | None:
    directory: UserDirectory = request.app.state.directory
    name = request.session.get("user")
    return directory.get(name) if isinstance(name, str) else None


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    full = {
        "request": request,
        "user": _signed_in(request),
        "csrf": csrf_token(request),
        "group_labels": GROUP_LABELS,
        "colour_labels": COLOUR_LABELS,
        "stage_label": stage_label,
        "stage_names": STAGE_NAMES,
        "jurisdictions": JURISDICTIONS,
        "local_time": local_time,
        "notice": take_notice(request),
        **context,
    }
    return HTMLResponse(env.get_template(template).render(full), status_code=status)
