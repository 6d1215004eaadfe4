"""Search filter semantics Camunda 8.8 documents, against the real runtime and its SQL tables.

``$like`` (camunda/camunda, zeebe/gateway-protocol/src/main/proto/v2/filters.yaml, LikeFilter):
``*`` matches any characters, ``?`` one, ``\\`` escapes them. Camunda evaluates it as an
Elasticsearch ``wildcard`` query without ``case_insensitive`` (search-client-elasticsearch
WildcardQueryTransformer), on keyword fields: the match is case-sensitive.
"""

from __future__ import annotations

import httpx
import pytest
from rest_support import start_review


async def _count(client: httpx.AsyncClient, flt: dict[str, object]) -> int:
    response = await client.post("/v2/process-instances/search", json={"filter": flt})
    assert response.status_code == 200, response.text
    total = response.json()["page"]["totalItems"]
    assert isinstance(total, int)
    return total


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Process_*", 1),
        ("Process_Revie?", 1),
        ("*Review", 1),
        ("process_*", 0),
        ("PROCESS_REVIEW", 0),
        ("*review", 0),
        ("Process\\_Review", 1),  # an escaped character that is no wildcard is itself
        ("Process\\*", 0),  # an escaped star is a literal star
        ("Process%", 0),  # SQL's wildcards are plain characters here
    ],
)
async def test_like_is_case_sensitive_with_camunda_wildcards(
    client: httpx.AsyncClient, pattern: str, expected: int
) -> None:
    await start_review(client)
    assert await _count(client, {"processDefinitionId": {"$like": pattern}}) == expected


async def test_like_on_names_and_variables(client: httpx.AsyncClient) -> None:
    await start_review(client)
    assert await _count(client, {"processDefinitionName": {"$like": "稳评*"}}) == 1
    value = {"$like": '"WP-2026-*"'}
    assert await _count(client, {"variables": [{"name": "caseNo", "value": value}]}) == 1
    lower = {"$like": '"wp-2026-*"'}
    assert await _count(client, {"variables": [{"name": "caseNo", "value": lower}]}) == 0


async def test_every_documented_incident_state_is_a_valid_filter(
    client: httpx.AsyncClient,
) -> None:
    """IncidentStateEnum (incidents.yaml): ACTIVE, MIGRATED, PENDING, RESOLVED, UNKNOWN."""
    for state in ("ACTIVE", "MIGRATED", "PENDING", "RESOLVED", "UNKNOWN"):
        found = await client.post("/v2/incidents/search", json={"filter": {"state": state}})
        assert found.status_code == 200, (state, found.text)
        assert found.json()["items"] == []
    refused = await client.post("/v2/incidents/search", json={"filter": {"state": "OPEN"}})
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("filter.state:")


async def test_a_variable_that_must_not_exist(client: httpx.AsyncClient) -> None:
    """docs.camunda.io 8.8, "Data fetching" > Variables: ``{"name": "skipped", "value":
    {"$exists": false}}`` filters for items "not containing variable `skipped`"."""
    await start_review(client)
    absent = {"name": "skipped", "value": {"$exists": False}}
    present = {"name": "caseNo", "value": {"$exists": True}}
    assert await _count(client, {"variables": [absent]}) == 1
    assert await _count(client, {"variables": [present, absent]}) == 1
    assert await _count(client, {"variables": [{**absent, "name": "caseNo"}]}) == 0
    assert await _count(client, {"variables": [{**present, "name": "skipped"}]}) == 0
    tasks = await client.post(
        "/v2/user-tasks/search", json={"filter": {"processInstanceVariables": [absent]}}
    )
    assert tasks.json()["page"]["totalItems"] == 1
