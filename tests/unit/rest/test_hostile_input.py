"""Oversized bodies and hostile JSON are refused cleanly, never crash the server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from engine.rest import body as body_module

URL = "/v2/user-tasks/search"


async def test_declared_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, content=b"{" + b" " * 70_000 + b"}",
                                 headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["title"] == "PAYLOAD_TOO_LARGE"


async def test_streamed_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b" " * 1024  # no content-length: chunked

    response = await client.post(
        URL, content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_oversized_multipart_deployment_is_413(client: httpx.AsyncClient) -> None:
    big = ("big.bpmn", b"<x/>" + b" " * 70_000, "application/octet-stream")
    response = await client.post("/v2/deployments", files=[("resources", big)])
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"[" * 30_000 + b"]" * 30_000, "nests deeper"),
        (b'{"filter": ' * 70 + b"{}" + b"}" * 70, "nests deeper"),
        (b'{"page": {"limit": NaN}}', "not valid JSON"),
        (b'{"page": {"limit": 1' + b"0" * 5000 + b"}}", "not valid JSON"),
        (b'{"filter": ', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "must be a JSON object"),
    ],
)
async def test_hostile_json_is_400(client: httpx.AsyncClient, raw: bytes, detail: str) -> None:
    response = await client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


async def test_huge_string_is_400(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(body_module, "MAX_STRING_CHARS", 1000)
    response = await client.post(URL, json={"filter": {"assignee": "x" * 1001}})
    assert response.status_code == 400
    assert "exceeds 1000 characters" in response.json()["detail"]


async def test_wrong_media_type_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, content=b"filter=1", headers={"content-type": "text/plain"})
    assert response.status_code == 415


async def test_unknown_endpoint_and_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v2/nothing-here")
    assert (missing.status_code, missing.json()["title"]) == (404, "NOT_FOUND")
    wrong = await client.delete("/v2/topology")
    assert (wrong.status_code, wrong.json()["title"]) == (405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"filter": {"priority": 2**40}}, "filter.priority"),
        ({"filter": {"processInstanceKey": "99999999999999999999"}}, "filter.processInstanceKey"),
        ({"filter": {"processInstanceKey": 2**70}}, "filter.processInstanceKey"),
        ({"page": {"searchAfter": [2**70, 1]}}, "page.searchAfter"),
        ({"page": {"searchAfter": [{"a": 1}]}}, "page.searchAfter"),
        ({"page": {"after": "WzFd", "before": "WzFd"}}, "page"),
        ({"page": {"after": "WzFd", "from": 3}}, "page.from"),
    ],
)
async def test_out_of_range_numbers_are_400(
    client: httpx.AsyncClient, body: dict, detail: str
) -> None:
    response = await client.post(URL, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(detail)
