"""Details where Camunda 8.8's Orchestration Cluster REST API is exact, checked one by one.

Expectations come from Camunda 8.8's OpenAPI document (camunda/camunda,
zeebe/gateway-protocol/src/main/proto/rest-api.yaml) and its request validators.
"""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest
from fake_engine import BPMN, FakeEngine, deploy

from engine.errors import ResourceExhausted

# StartCursor/EndCursor in Camunda's document: standard base64, padded.
CURSOR = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=)?$")


async def test_results_leave_out_absent_values_instead_of_null(
    client: httpx.AsyncClient, task_key: str
) -> None:
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    assert {"assignee", "completionDate", "dueDate", "followUpDate"}.isdisjoint(task)
    assert task["candidateGroups"] == ["街道办"]
    instance = (await client.get(f"/v2/process-instances/{task['processInstanceKey']}")).json()
    assert "endDate" not in instance and instance["state"] == "ACTIVE"
    assert instance["tags"] == []
    for path in ("user-tasks", "process-instances", "element-instances", "variables"):
        body = (await client.post(f"/v2/{path}/search", json={})).json()
        assert body["items"], path
        assert all(None not in item.values() for item in body["items"]), path
        assert body["page"]["totalItems"] == len(body["items"])
        assert body["page"]["hasMoreTotalItems"] is False


async def test_variable_values_keep_their_nulls(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, ("review.bpmn", BPMN))).status_code == 200
    created = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "variables": {"note": None}},
    )
    assert created.json()["variables"] == {}
    [note] = (await client.post("/v2/variables/search", json={})).json()["items"]
    assert (note["name"], note["value"]) == ("note", "null")


async def test_cursors_are_padded_standard_base64(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, ("review.bpmn", BPMN))).status_code == 200
    for _ in range(3):
        await client.post("/v2/process-instances", json={"processDefinitionId": "Process_Review"})
    first = (await client.post("/v2/user-tasks/search", json={"page": {"limit": 2}})).json()
    end = first["page"]["endCursor"]
    assert CURSOR.fullmatch(end) and CURSOR.fullmatch(first["page"]["startCursor"])
    after = {"page": {"limit": 2, "after": end}}
    second = (await client.post("/v2/user-tasks/search", json=after)).json()
    assert len(second["items"]) == 1
    # a cursor handed out in URL-safe, unpadded form by an earlier version still works
    legacy = base64.urlsafe_b64encode(base64.b64decode(end)).decode().rstrip("=")
    again = {"page": {"limit": 2, "after": legacy}}
    assert (await client.post("/v2/user-tasks/search", json=again)).json() == second


async def test_update_that_changes_nothing_is_400(client: httpx.AsyncClient, task_key: str) -> None:
    for body in ({}, {"changeset": {}}, {"changeset": {"dueDate": None}}):
        response = await client.patch(f"/v2/user-tasks/{task_key}", json=body)
        assert response.status_code == 400, body
        assert response.json()["detail"].startswith("No update data provided.")
    action_only = await client.patch(f"/v2/user-tasks/{task_key}", json={"action": "review"})
    assert action_only.status_code == 204


async def test_operation_reference_must_be_a_positive_long(
    client: httpx.AsyncClient, task_key: str
) -> None:
    pi = (await client.get(f"/v2/user-tasks/{task_key}")).json()["processInstanceKey"]
    url = f"/v2/process-instances/{pi}/cancellation"
    for bad in (0, -5, "7", 2**63):
        refused = await client.post(url, json={"operationReference": bad})
        assert refused.status_code == 400, bad
        assert refused.json()["detail"].startswith("operationReference:")
    assert (await client.post(url, json={"operationReference": 42})).status_code == 204


async def test_decision_evaluation_reports_its_evaluation_key(client: httpx.AsyncClient) -> None:
    body = {"decisionDefinitionId": "Decision_RiskLevel", "variables": {"score": 80}}
    first = (await client.post("/v2/decision-definitions/evaluation", json=body)).json()
    second = (await client.post("/v2/decision-definitions/evaluation", json=body)).json()
    assert first["decisionEvaluationKey"].isdigit()
    assert int(second["decisionEvaluationKey"]) > int(first["decisionEvaluationKey"])
    assert first["decisionInstanceKey"] == first["decisionEvaluationKey"]  # deprecated alias
    # Camunda 8.8 copies the failure fields from the evaluation record: empty on success
    assert (first["failedDecisionDefinitionId"], first["failureMessage"]) == ("", "")


async def test_topology_has_camundas_required_shape(client: httpx.AsyncClient) -> None:
    topology = (await client.get("/v2/topology")).json()
    assert set(topology) == {
        "brokers", "clusterSize", "partitionsCount", "replicationFactor", "gatewayVersion",
        "lastCompletedChangeId",
    }  # fmt: skip
    [broker] = topology["brokers"]
    assert set(broker) == {"nodeId", "host", "port", "partitions", "version"}
    assert broker["partitions"] == [{"partitionId": 1, "role": "leader", "health": "healthy"}]
    assert (topology["clusterSize"], topology["partitionsCount"]) == (1, 1)
    assert isinstance(topology["lastCompletedChangeId"], str)


async def test_enum_filters_refuse_values_outside_camundas_enums(
    client: httpx.AsyncClient,
) -> None:
    for path, flt in (
        ("incidents", {"errorType": "NO_RETRIES"}),
        ("element-instances", {"type": "USERTASK"}),
        ("user-tasks", {"state": "OPEN"}),
        ("process-instances", {"state": {"$in": ["RUNNING"]}}),
    ):
        response = await client.post(f"/v2/{path}/search", json={"filter": flt})
        assert response.status_code == 400, path
        assert response.json()["detail"].startswith(f"filter.{next(iter(flt))}")
    ok = await client.post("/v2/incidents/search", json={"filter": {"errorType": "JOB_NO_RETRIES"}})
    assert ok.status_code == 200


async def test_deploy_exactly_as_modeler_sends_it(client: httpx.AsyncClient) -> None:
    # One "resources" part per file, named by the file, no tenant field on a single-tenant engine.
    response = await client.post(
        "/v2/deployments",
        files=[("resources", ("diagram_1.bpmn", BPMN, "application/xml"))],
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"deploymentKey", "tenantId", "deployments"}
    [item] = body["deployments"]
    assert set(item) == {"processDefinition"}
    assert set(item["processDefinition"]) == {
        "processDefinitionId", "processDefinitionVersion", "resourceName", "tenantId",
        "processDefinitionKey",
    }  # fmt: skip
    assert item["processDefinition"]["resourceName"] == "diagram_1.bpmn"
    assert json.loads(response.content)["tenantId"] == "<default>"


async def test_process_definitions_filter_by_start_form(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, ("review.bpmn", BPMN))).status_code == 200
    for has_form, expected in ((False, 1), (True, 0)):
        body = {"filter": {"hasStartForm": has_form, "processDefinitionId": "Process_Review"}}
        found = await client.post("/v2/process-definitions/search", json=body)
        assert found.json()["page"]["totalItems"] == expected
    refused = await client.post(
        "/v2/process-definitions/search", json={"filter": {"hasStartForm": "yes"}}
    )
    assert refused.status_code == 400


async def test_filters_on_features_the_engine_lacks_match_as_camunda_would(
    client: httpx.AsyncClient, task_key: str
) -> None:
    async def count(flt: dict[str, object]) -> int:
        found = await client.post("/v2/process-instances/search", json={"filter": flt})
        assert found.status_code == 200, flt
        return int(found.json()["page"]["totalItems"])

    # no instance carries tags or belongs to a batch operation
    assert (await count({"tags": []}), await count({"tags": ["high-touch"]})) == (1, 0)
    assert await count({"batchOperationId": "b-1"}) == 0
    assert await count({"batchOperationId": {"$exists": False}}) == 1
    refused = await client.post(
        "/v2/process-instances/search", json={"filter": {"hasRetriesLeft": True}}
    )
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("filter.hasRetriesLeft")


async def test_back_pressure_is_503_as_in_camunda(
    client: httpx.AsyncClient, fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def overloaded(**_: object) -> int:
        raise ResourceExhausted("Expected to publish a message, but the engine is overloaded")

    monkeypatch.setattr(fake, "publish_message", overloaded)
    response = await client.post(
        "/v2/messages/publication", json={"name": "m", "correlationKey": "k"}
    )
    assert response.status_code == 503
    assert response.json()["title"] == "RESOURCE_EXHAUSTED"
