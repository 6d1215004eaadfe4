"""Tenant ids on REST commands, as Camunda 8.8 answers them with multi-tenancy disabled.

Camunda's REST gateway validates a command's ``tenantId`` before the engine sees it
(camunda/camunda REST gateway tests: "Expected to handle request Create Process Instance with
tenant identifier 'tenant-a', but multi-tenancy is disabled", 400 INVALID_ARGUMENT); the engine
runs as a default Camunda does, with multi-tenancy disabled (engine/README.md, "Deliberate
differences").
"""

from __future__ import annotations

from pathlib import Path

import httpx
from rest_support import BPMN, deploy

MODELS = Path(__file__).resolve().parents[1] / "models"


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "INVALID_ARGUMENT"
    assert "'t1'" in problem["detail"] and "multi-tenancy is disabled" in problem["detail"]


async def test_commands_for_another_tenant_are_refused(client: httpx.AsyncClient) -> None:
    parts = [("resources", ("review.bpmn", BPMN, "application/octet-stream"))]
    _refused(await client.post("/v2/deployments", files=parts, data={"tenantId": "t1"}))
    dmn = ("risk_level.dmn", (MODELS / "risk_level.dmn").read_bytes())
    assert (await deploy(client, ("review.bpmn", BPMN), dmn)).status_code == 200
    other = {"processDefinitionId": "Process_Review", "tenantId": "t1"}
    _refused(await client.post("/v2/process-instances", json=other))
    _refused(await client.post("/v2/messages/publication", json={"name": "m", "tenantId": "t1"}))
    _refused(
        await client.post(
            "/v2/decision-definitions/evaluation",
            json={"decisionDefinitionId": "Decision_RiskLevel", "tenantId": "t1"},
        )
    )
    found = await client.post("/v2/process-instances/search", json={})
    assert found.json()["page"]["totalItems"] == 0  # nothing was started for "t1"


async def test_the_default_tenant_may_be_named(client: httpx.AsyncClient) -> None:
    parts = [("resources", ("review.bpmn", BPMN, "application/octet-stream"))]
    deployed = await client.post("/v2/deployments", files=parts, data={"tenantId": "<default>"})
    assert deployed.status_code == 200 and deployed.json()["tenantId"] == "<default>"
    created = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "tenantId": "<default>"},
    )
    assert created.status_code == 200 and created.json()["tenantId"] == "<default>"
    published = await client.post(
        "/v2/messages/publication", json={"name": "m", "tenantId": "<default>"}
    )
    assert published.status_code == 200 and published.json()["tenantId"] == "<default>"
