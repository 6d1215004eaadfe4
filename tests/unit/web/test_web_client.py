"""The REST client: credentials, Camunda's OAuth flow, truncated variables, problem details."""

from __future__ import annotations

import json

import httpx
import pytest

from web.camunda import CamundaClient, EngineCallError, plain_chinese
from web.settings import WebSettings


async def test_bearer_token_is_sent() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json={"items": [], "page": {"totalItems": 0}})

    settings = WebSettings(engine_token="t" * 20)
    client = CamundaClient(settings, transport=httpx.MockTransport(handler))
    await client.search_user_tasks({"state": "CREATED"})
    assert seen == ["Bearer " + "t" * 20]


async def test_oauth_token_is_fetched_once_and_reused() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/oauth/token":
            assert b"grant_type=client_credentials" in request.content
            return httpx.Response(200, json={"access_token": "abc", "expires_in": 300})
        assert request.headers["authorization"] == "Bearer abc"
        return httpx.Response(200, json={"items": [], "page": {"totalItems": 0}})

    settings = WebSettings(
        CAMUNDA_CLIENT_ID="web",
        CAMUNDA_CLIENT_SECRET="secret",
        CAMUNDA_OAUTH_URL="http://127.0.0.1:18080/oauth/token",
    )
    client = CamundaClient(settings, transport=httpx.MockTransport(handler))
    await client.search_user_tasks({})
    await client.search_user_tasks({})
    assert calls == ["/oauth/token", "/v2/user-tasks/search", "/v2/user-tasks/search"]


async def test_truncated_variable_is_read_in_full() -> None:
    long_text = "长" * 10_000

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/variables/search"):
            item = {"variableKey": "9", "name": "report", "value": '"长长', "isTruncated": True}
            return httpx.Response(200, json={"items": [item], "page": {"totalItems": 1}})
        assert request.url.path == "/v2/variables/9"
        return httpx.Response(200, json={"value": json.dumps(long_text, ensure_ascii=False)})

    client = CamundaClient(WebSettings(), transport=httpx.MockTransport(handler))
    assert await client.user_task_variables("1") == {"report": long_text}


async def test_problem_details_become_an_error_with_a_chinese_explanation() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"title": "INVALID_STATE", "status": 409, "detail": "task 1 is COMPLETED"}
        return httpx.Response(409, json=body)

    client = CamundaClient(WebSettings(), transport=httpx.MockTransport(handler))
    with pytest.raises(EngineCallError) as caught:
        await client.complete_user_task("1", {})
    assert (caught.value.status, caught.value.title) == (409, "INVALID_STATE")
    assert "已被他人认领或办理" in plain_chinese(caught.value)
