"""Process instance tags (docs.camunda.io 8.8, "Create process instance": TagSet, "A tag. Needs
to start with a letter; then alphanumerics, `_`, `-`, `:`, or `.`; length ≤ 100", unique, at most
10). The embedded engine stores no tags, so well-formed tags on creation answer 501 (as
``runtimeInstructions`` do); malformed ones are the client's error (400) as in Camunda, on
creation and in the search filter."""

from __future__ import annotations

import httpx
import pytest
from rest_support import start_review

BAD_TAGS = [
    ["1abc"],  # must start with a letter
    ["a b"],  # no spaces
    ["x" * 101],  # at most 100 characters
    ["dup", "dup"],  # unique
    [f"t{i}" for i in range(11)],  # at most 10
    [7],  # strings only
]


@pytest.mark.parametrize("tags", BAD_TAGS)
async def test_malformed_tags_are_a_bad_request(
    client: httpx.AsyncClient, tags: list[object]
) -> None:
    await start_review(client)
    created = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "Process_Review", "tags": tags}
    )
    assert created.status_code == 400, created.text
    assert "tags" in created.json()["detail"]
    found = await client.post("/v2/process-instances/search", json={"filter": {"tags": tags}})
    assert found.status_code == 400, found.text
    assert "filter.tags" in found.json()["detail"]


async def test_well_formed_tags(client: httpx.AsyncClient) -> None:
    await start_review(client)
    tags = ["business_key:1234", "high-touch", "v1.2"]
    created = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "Process_Review", "tags": tags}
    )
    assert created.status_code == 501  # not stored by the embedded engine
    found = await client.post("/v2/process-instances/search", json={"filter": {"tags": tags}})
    assert found.status_code == 200 and found.json()["page"]["totalItems"] == 0
    every = await client.post("/v2/process-instances/search", json={"filter": {"tags": []}})
    assert every.json()["page"]["totalItems"] == 1
