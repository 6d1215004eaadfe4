"""A small async client of the Camunda 8 REST API v2: the only way the web app reaches an engine.

It serves the embedded engine and a Camunda 8 cluster alike. Failures raise :class:`EngineCallError`
carrying the HTTP status and the problem+json ``title``/``detail``; :func:`plain_chinese` turns one
into a sentence staff can act on. One log line per call (method, path, status), never bodies.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import structlog

from web.settings import WebSettings

__all__ = ["CamundaClient", "EngineCallError", "plain_chinese"]

log = structlog.get_logger(__name__)

JsonDict = dict[str, Any]
MAX_PAGE = 1000


class EngineCallError(Exception):
    """The engine refused a call or could not be reached (``status`` 0)."""

    def __init__(self, status: int, title: str, detail: str, path: str) -> None:
        super().__init__(f"{status} {title} on {path}")
        self.status = status
        self.title = title
        self.detail = detail
        self.path = path


def plain_chinese(error: EngineCallError) -> str:
    """What went wrong, in words staff understand (the engine's own text stays technical)."""
    if error.status == 0:
        return "流程引擎暂时无法连接，请稍后重试。已填写的内容已保留。"
    if error.status in (401, 403):
        return "流程引擎拒绝了本系统的访问凭据，请联系系统管理员。"
    if error.status == 404:
        return "该任务或事项在流程引擎中不存在，可能已被他人办理完毕。"
    if error.status == 409:
        return "该任务的状态已经改变（可能已被他人认领或办理），请刷新后重试。已填写的内容已保留。"
    if error.status == 400:
        return "流程引擎不接受提交的数据，请检查后重新提交。已填写的内容已保留。"
    if error.status == 429:
        return "流程引擎繁忙，请稍后重试。已填写的内容已保留。"
    return "流程引擎处理请求时出错，请稍后重试或联系系统管理员。已填写的内容已保留。"


class _OAuth:
    """Camunda's client-credentials flow: one token, renewed a minute before it expires."""

    def __init__(self, settings: WebSettings) -> None:
        self._settings = settings
        self._token = ""
        self._expires = 0.0

    async def header(self, http: httpx.AsyncClient) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        s = self._settings
        assert s.camunda_oauth_url and s.camunda_client_id and s.camunda_client_secret
        response = await http.post(
            s.camunda_oauth_url,
            data={
                "grant_type": "client_credentials",
                "client_id": s.camunda_client_id,
                "client_secret": s.camunda_client_secret.get_secret_value(),
                "audience": s.camunda_token_audience,
            },
        )
        if response.status_code != 200:
            raise EngineCallError(response.status_code, "UNAUTHORIZED", "OAuth refused", "oauth")
        body = response.json()
        self._token = f"Bearer {body['access_token']}"
        self._expires = time.monotonic() + max(0, int(body.get("expires_in", 300)) - 60)
        return self._token


def _auth_header(settings: WebSettings) -> str | None:
    if settings.engine_token is not None:
        return f"Bearer {settings.engine_token.get_secret_value()}"
    if settings.engine_basic_user and settings.engine_basic_password is not None:
        pair = f"{settings.engine_basic_user}:{settings.engine_basic_password.get_secret_value()}"
        return f"Basic {base64.b64encode(pair.encode()).decode()}"
    return None


class CamundaClient:
    """The REST calls the web app makes; keys travel as strings, as Camunda 8.8 sends them."""

    def __init__(
        self, settings: WebSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=settings.engine_url.rstrip("/"),
            timeout=settings.engine_timeout_s,
            transport=transport,
        )
        self._static_auth = _auth_header(settings)
        self._oauth = (
            _OAuth(settings) if settings.camunda_client_id and settings.camunda_oauth_url else None
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, body: Any = None) -> httpx.Response:
        headers = {"accept": "application/json"}
        try:
            if self._oauth is not None:
                headers["authorization"] = await self._oauth.header(self._http)
            elif self._static_auth is not None:
                headers["authorization"] = self._static_auth
            response = await self._http.request(
                method, path, json=body if body is not None else None, headers=headers
            )
        except httpx.HTTPError as exc:
            log.warning("engine unreachable", method=method, path=path, error=type(exc).__name__)
            raise EngineCallError(0, "UNAVAILABLE", type(exc).__name__, path) from None
        log.debug("engine call", method=method, path=path, status=response.status_code)
        if response.status_code >= 400:
            title, detail = "HTTP_ERROR", ""
            try:
                problem = response.json()
                title = str(problem.get("title", title))
                detail = str(problem.get("detail", ""))
            except ValueError:
                pass
            log.info("engine refused", method=method, path=path, status=response.status_code)
            raise EngineCallError(response.status_code, title, detail, path)
        return response

    async def _search(
        self,
        path: str,
        flt: Mapping[str, Any],
        *,
        sort: Sequence[Mapping[str, str]] = (),
        limit: int = 100,
    ) -> list[JsonDict]:
        body: JsonDict = {"filter": dict(flt), "page": {"limit": min(limit, MAX_PAGE)}}
        if sort:
            body["sort"] = [dict(s) for s in sort]
        items: list[JsonDict] = (await self._request("POST", path, body)).json()["items"]
        return items

    # --- user tasks -----------------------------------------------------------------------

    async def search_user_tasks(
        self, flt: Mapping[str, Any], *, sort: Sequence[Mapping[str, str]] = (), limit: int = 200
    ) -> list[JsonDict]:
        return await self._search("/v2/user-tasks/search", flt, sort=sort, limit=limit)

    async def get_user_task(self, key: str) -> JsonDict:
        result: JsonDict = (await self._request("GET", f"/v2/user-tasks/{key}")).json()
        return result

    async def get_user_task_form(self, key: str) -> JsonDict | None:
        """The linked form (``schema`` as an object or JSON text); None when there is none."""
        response = await self._request("GET", f"/v2/user-tasks/{key}/form")
        if response.status_code == 204 or not response.content:
            return None
        form: JsonDict = response.json()
        if isinstance(form.get("schema"), str):
            form["schema"] = json.loads(form["schema"])
        return form

    async def user_task_variables(self, key: str) -> JsonDict:
        """The variables visible to the task, by name, as values (not JSON text)."""
        items = await self._search(f"/v2/user-tasks/{key}/variables/search", {}, limit=MAX_PAGE)
        return {item["name"]: await self._value(item) for item in items}

    async def assign_user_task(self, key: str, assignee: str, *, allow_override: bool) -> None:
        body = {"assignee": assignee, "allowOverride": allow_override}
        await self._request("POST", f"/v2/user-tasks/{key}/assignment", body)

    async def unassign_user_task(self, key: str) -> None:
        await self._request("DELETE", f"/v2/user-tasks/{key}/assignee")

    async def complete_user_task(self, key: str, variables: JsonDict) -> None:
        body = {"variables": variables, "action": "complete"}
        await self._request("POST", f"/v2/user-tasks/{key}/completion", body)

    # --- process instances and what they contain ------------------------------------------

    async def create_process_instance(self, process_id: str, variables: JsonDict) -> JsonDict:
        body = {"processDefinitionId": process_id, "variables": variables}
        result: JsonDict = (await self._request("POST", "/v2/process-instances", body)).json()
        return result

    async def search_process_instances(
        self, flt: Mapping[str, Any], *, limit: int = MAX_PAGE
    ) -> list[JsonDict]:
        sort = [{"field": "startDate", "order": "DESC"}]
        return await self._search("/v2/process-instances/search", flt, sort=sort, limit=limit)

    async def get_process_instance(self, key: str) -> JsonDict:
        result: JsonDict = (await self._request("GET", f"/v2/process-instances/{key}")).json()
        return result

    async def element_instances(self, process_instance_key: str) -> list[JsonDict]:
        sort = [{"field": "startDate", "order": "ASC"}]
        flt = {"processInstanceKey": process_instance_key}
        return await self._search("/v2/element-instances/search", flt, sort=sort, limit=MAX_PAGE)

    async def active_sub_processes(self) -> list[JsonDict]:
        """Every active embedded sub-process (the stages under way), newest first."""
        flt = {"type": "SUB_PROCESS", "state": "ACTIVE"}
        sort = [{"field": "startDate", "order": "DESC"}]
        return await self._search("/v2/element-instances/search", flt, sort=sort, limit=MAX_PAGE)

    async def incidents(self, process_instance_key: str) -> list[JsonDict]:
        flt = {"processInstanceKey": process_instance_key, "state": "ACTIVE"}
        return await self._search("/v2/incidents/search", flt, limit=100)

    async def instance_variables(
        self, process_instance_keys: Sequence[str], names: Sequence[str]
    ) -> dict[str, JsonDict]:
        """Root-scope variables ``names`` of each instance: ``{instanceKey: {name: value}}``."""
        if not process_instance_keys:
            return {}
        flt = {
            "processInstanceKey": {"$in": list(process_instance_keys)},
            "name": {"$in": list(names)},
        }
        items = await self._search("/v2/variables/search", flt, limit=MAX_PAGE)
        out: dict[str, JsonDict] = {k: {} for k in process_instance_keys}
        for item in items:
            # Only the instance's own scope: a local variable of the same name must not win.
            if item.get("scopeKey") == item.get("processInstanceKey"):
                out.setdefault(str(item["processInstanceKey"]), {})[
                    item["name"]
                ] = await self._value(item)
        return out

    async def _value(self, item: Mapping[str, Any]) -> Any:
        text = item.get("value")
        if item.get("isTruncated"):
            full = await self._request("GET", f"/v2/variables/{item['variableKey']}")
            text = full.json().get("value")
        try:
            return json.loads(text) if isinstance(text, str) else text
        except ValueError:
            return text

    async def process_definition_xml(self, key: str) -> str:
        return (await self._request("GET", f"/v2/process-definitions/{key}/xml")).text
