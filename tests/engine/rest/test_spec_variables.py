"""Variable searches with ``truncateValues`` (docs.camunda.io 8.8, "Search variables": "When
true (default), long variable values in the response are truncated. When false, full variable
values are returned."), on /v2/variables/search and /v2/user-tasks/{key}/variables/search."""

from __future__ import annotations

import json

import httpx
from rest_support import BPMN, FORM, deploy

from engine.query.projection import VARIABLE_TRUNCATION_THRESHOLD

LONG = "意见" * VARIABLE_TRUNCATION_THRESHOLD


async def _start(client: httpx.AsyncClient) -> str:
    assert (await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))).status_code == 200
    created = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "variables": {"opinion": LONG}},
    )
    found = await client.post(
        "/v2/user-tasks/search",
        json={"filter": {"processInstanceKey": created.json()["processInstanceKey"]}},
    )
    key = found.json()["items"][0]["userTaskKey"]
    assert isinstance(key, str)
    return key


async def test_long_values_are_truncated_unless_asked_for_in_full(
    client: httpx.AsyncClient,
) -> None:
    task = await _start(client)
    body = {"filter": {"name": "opinion"}}
    for path in ("/v2/variables/search", f"/v2/user-tasks/{task}/variables/search"):
        for query in ("", "?truncateValues=true"):
            [short] = (await client.post(path + query, json=body)).json()["items"]
            assert short["isTruncated"] is True
            assert len(short["value"]) == VARIABLE_TRUNCATION_THRESHOLD
        [full] = (await client.post(path + "?truncateValues=false", json=body)).json()["items"]
        assert json.loads(full["value"]) == LONG
        assert full["isTruncated"] is False


async def test_truncate_values_must_be_a_boolean(client: httpx.AsyncClient) -> None:
    response = await client.post("/v2/variables/search?truncateValues=maybe", json={})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("truncateValues:")
