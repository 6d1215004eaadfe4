"""Deployments as Modeler sends them, process instances, messages, decisions and incidents."""

from __future__ import annotations

import httpx
import pytest
import structlog
from fake_engine import BPMN, FORM, FakeEngine, deploy


async def test_modeler_style_deployment_then_start(client: httpx.AsyncClient) -> None:
    topology = await client.get("/v2/topology")  # Modeler probes this first
    assert topology.json()["brokers"][0]["partitions"][0]["role"] == "leader"

    response = await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))
    assert response.status_code == 200
    body = response.json()
    assert body["deploymentKey"].isdigit() and body["tenantId"] == "<default>"
    process = body["deployments"][0]["processDefinition"]
    assert (process["processDefinitionId"], process["processDefinitionVersion"]) == (
        "Process_Review",
        1,
    )
    assert process["resourceName"] == "review.bpmn"
    assert process["processDefinitionKey"].isdigit()
    assert body["deployments"][1]["form"]["formId"] == "Form_Review"

    started = await client.post(
        "/v2/process-instances",
        json={"processDefinitionKey": process["processDefinitionKey"], "variables": {"a": 1}},
    )
    assert started.status_code == 200
    instance = started.json()
    assert instance["processDefinitionId"] == "Process_Review"
    assert instance["processInstanceKey"].isdigit()

    where = await client.post(
        "/v2/element-instances/search",
        json={"filter": {"processInstanceKey": instance["processInstanceKey"], "state": "ACTIVE"}},
    )
    assert [(e["elementId"], e["elementName"]) for e in where.json()["items"]] == [
        ("Task_Review", "审核材料")
    ]
    xml = await client.get(f"/v2/process-definitions/{process['processDefinitionKey']}/xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert b"Task_Review" in xml.content


async def test_deployment_refusals(client: httpx.AsyncClient) -> None:
    empty = await client.post("/v2/deployments", files=[], data={"tenantId": "<default>"})
    assert empty.status_code == 415  # no parts at all: not even multipart
    no_files = await client.post(
        "/v2/deployments", files=[("other", ("x.txt", b"x", "text/plain"))]
    )
    assert no_files.status_code == 400
    assert no_files.json()["detail"].startswith("resources")
    broken = await deploy(client, ("broken.bpmn", b"<bpmn:definitions"))
    assert broken.status_code == 400
    assert "broken.bpmn" in broken.json()["detail"]
    as_json = await client.post("/v2/deployments", json={"resources": []})
    assert as_json.status_code == 415


async def test_create_instance_validation(client: httpx.AsyncClient, fake: FakeEngine) -> None:
    both = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "processDefinitionKey": "1"},
    )
    assert both.status_code == 400
    unknown = await client.post("/v2/process-instances", json={"processDefinitionId": "Nope"})
    assert unknown.status_code == 404
    bad_vars = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "Process_Review", "variables": "x"}
    )
    assert bad_vars.json()["detail"] == "variables: expected an object"
    assert fake.calls == ["create_process_instance"]  # only the well-formed request reached it


async def test_await_completion_returns_variables(client: httpx.AsyncClient) -> None:
    await deploy(client, ("review.bpmn", BPMN))
    response = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "awaitCompletion": True},
    )
    assert response.status_code == 200
    assert response.json()["variables"] == {"done": True}


async def test_cancel_instance(client: httpx.AsyncClient, task_key: str) -> None:
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    pi = task["processInstanceKey"]
    assert (await client.post(f"/v2/process-instances/{pi}/cancellation")).status_code == 204
    instance = (await client.get(f"/v2/process-instances/{pi}")).json()
    assert instance["state"] == "TERMINATED" and instance["endDate"] is not None
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    assert task["state"] == "CANCELED"
    found = await client.post(
        "/v2/process-instances/search", json={"filter": {"state": "TERMINATED"}}
    )
    assert [i["processInstanceKey"] for i in found.json()["items"]] == [pi]
    again = await client.post("/v2/process-instances/1/cancellation")
    assert again.status_code == 404


async def test_publish_message(client: httpx.AsyncClient, fake: FakeEngine) -> None:
    response = await client.post(
        "/v2/messages/publication",
        json={
            "name": "Message_HearingHeld",
            "correlationKey": "WP-001",
            "timeToLive": 60000,
            "variables": {"attendees": 12},
        },
    )
    assert response.status_code == 200
    assert response.json()["messageKey"].isdigit()
    assert fake.published == [
        {
            "name": "Message_HearingHeld",
            "correlation_key": "WP-001",
            "time_to_live_ms": 60000,
            "message_id": "",
            "variables": {"attendees": 12},
            "tenant_id": "<default>",
        }
    ]
    nameless = await client.post("/v2/messages/publication", json={"correlationKey": "x"})
    assert nameless.json()["detail"] == "name: required"


async def test_evaluate_decision(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v2/decision-definitions/evaluation",
        json={"decisionDefinitionId": "Decision_RiskLevel", "variables": {"score": 80}},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["output"], body["decisionDefinitionKey"], body["decisionDefinitionVersion"]) == (
        '"高"',
        "7",
        1,
    )
    missing = await client.post(
        "/v2/decision-definitions/evaluation", json={"decisionDefinitionId": "Decision_Other"}
    )
    assert missing.status_code == 404


async def test_incident_resolution_of_unknown_incident(client: httpx.AsyncClient) -> None:
    response = await client.post("/v2/incidents/2251799813685300/resolution")
    assert response.status_code == 404
    assert (await client.post("/v2/incidents/search", json={})).json()["page"]["totalItems"] == 0


async def test_unexpected_failure_is_a_500_problem_without_its_message(
    client: httpx.AsyncClient, fake: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(**kwargs: object) -> int:
        raise RuntimeError("张三 身份证 110101199001011234")  # variable data in a message

    monkeypatch.setattr(fake, "publish_message", explode)
    with structlog.testing.capture_logs() as logs:
        response = await client.post("/v2/messages/publication", json={"name": "m"})
    assert response.status_code == 500
    assert response.json()["title"] == "INTERNAL_ERROR"
    assert "110101" not in response.text
    assert logs and "110101" not in repr(logs)
    assert any(entry.get("error") == "RuntimeError" for entry in logs)
