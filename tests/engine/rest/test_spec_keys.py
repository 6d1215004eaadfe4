"""Keys in paths and bodies as Camunda 8.8 reads them.

Camunda's ``LongKey`` is a Java long serialized as a string (camunda/camunda,
zeebe/gateway-protocol/src/main/proto/v2/keys.yaml: ``pattern: ^-?[0-9]+$``): ``0`` or ``-1`` are
well-formed keys of nothing (404 "not found"), while text or a number beyond 64 bits cannot be a
key at all (400 with a problem naming the parameter).
"""

from __future__ import annotations

import httpx
import pytest
from rest_support import start_review

READS = [
    "/v2/process-instances/{}",
    "/v2/user-tasks/{}",
    "/v2/element-instances/{}",
    "/v2/incidents/{}",
    "/v2/variables/{}",
    "/v2/process-definitions/{}",
    "/v2/decision-definitions/{}",
]


@pytest.mark.parametrize("key", ["0", "-1", "9223372036854775807"])
async def test_a_well_formed_key_of_nothing_is_not_found(
    client: httpx.AsyncClient, key: str
) -> None:
    for path in READS:
        response = await client.get(path.format(key))
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    cancelled = await client.post(f"/v2/process-instances/{key}/cancellation")
    assert cancelled.status_code == 404
    completed = await client.post(f"/v2/user-tasks/{key}/completion")
    assert completed.status_code == 404


@pytest.mark.parametrize("key", ["abc", "12a", "1.5", "9223372036854775808", "--1"])
async def test_a_malformed_key_is_a_bad_request_naming_the_parameter(
    client: httpx.AsyncClient, key: str
) -> None:
    response = await client.get(f"/v2/process-instances/{key}")
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and "processInstanceKey" in problem["detail"]


async def test_a_negative_key_in_a_filter_matches_nothing(client: httpx.AsyncClient) -> None:
    await start_review(client)
    found = await client.post(
        "/v2/process-instances/search", json={"filter": {"processInstanceKey": "-1"}}
    )
    assert found.status_code == 200
    assert found.json()["page"]["totalItems"] == 0
    evaluated = await client.post(
        "/v2/decision-definitions/evaluation", json={"decisionDefinitionKey": "-1"}
    )
    assert evaluated.status_code == 404
