"""Camunda 8.8 behaviour of the REST API against the real runtime: incidents of called
instances, decision evaluation keys, results without nulls."""

from __future__ import annotations

from pathlib import Path

import httpx
from rest_support import Running, deploy

from engine.api import JobActivationRequest

MODELS = Path(__file__).resolve().parents[1] / "models"


def _model(name: str) -> tuple[str, bytes]:
    return name, (MODELS / name).read_bytes()


async def _flags(client: httpx.AsyncClient, parent: str) -> tuple[bool, bool, bool]:
    """hasIncident of the parent instance, its Call_Child element and the child instance."""
    found = await client.post(
        "/v2/process-instances/search", json={"filter": {"parentProcessInstanceKey": parent}}
    )
    [child] = found.json()["items"]
    elements = await client.post(
        "/v2/element-instances/search",
        json={"filter": {"processInstanceKey": parent, "elementId": "Call_Child"}},
    )
    [call] = elements.json()["items"]
    top = (await client.get(f"/v2/process-instances/{parent}")).json()
    return top["hasIncident"], call["hasIncident"], child["hasIncident"]


async def test_an_incident_in_a_called_process_shows_on_its_parent(
    running: Running, client: httpx.AsyncClient
) -> None:
    deployed = await deploy(client, _model("parent.bpmn"), _model("child.bpmn"))
    assert deployed.status_code == 200
    started = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Parent", "variables": {"orderId": "WP-7"}},
    )
    parent = started.json()["processInstanceKey"]
    assert await _flags(client, parent) == (False, False, False)

    [job] = running.engine.activate_jobs(JobActivationRequest("child-work", "t", 30_000, 1))
    running.engine.fail_job(job.key, retries=0, error_message="下游系统不可用")
    assert await _flags(client, parent) == (True, True, True)
    marked = await client.post(
        "/v2/process-instances/search", json={"filter": {"hasIncident": True}}
    )
    assert marked.json()["page"]["totalItems"] == 2

    [incident] = (await client.post("/v2/incidents/search", json={})).json()["items"]
    assert incident["processInstanceKey"] != parent  # it belongs to the child
    running.engine.update_job_retries(job.key, 1)
    resolved = await client.post(f"/v2/incidents/{incident['incidentKey']}/resolution")
    assert resolved.status_code == 204
    assert await _flags(client, parent) == (False, False, False)


async def test_each_decision_evaluation_has_its_own_key(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, _model("risk_level.dmn"))).status_code == 200
    keys = []
    for score in (80, 10):
        response = await client.post(
            "/v2/decision-definitions/evaluation",
            json={"decisionDefinitionId": "Decision_RiskLevel", "variables": {"score": score}},
        )
        assert response.status_code == 200
        body = response.json()
        assert None not in body.values()
        keys.append(body["decisionEvaluationKey"])
    assert all(k.isdigit() for k in keys) and keys[0] != keys[1]


async def test_each_evaluated_decision_has_an_evaluation_instance_key(
    client: httpx.AsyncClient,
) -> None:
    """EvaluatedDecisionResult.decisionEvaluationInstanceKey (docs.camunda.io 8.8, "Evaluate
    decision" 200 schema); Zeebe's DecisionEvaluationInstanceKeyGenerator names the n-th evaluated
    decision (from 1) ``{decisionEvaluationKey}-{n}``."""
    assert (await deploy(client, _model("risk_level.dmn"))).status_code == 200
    response = await client.post(
        "/v2/decision-definitions/evaluation",
        json={"decisionDefinitionId": "Decision_RiskLevel", "variables": {"score": 80}},
    )
    body = response.json()
    keys = [d["decisionEvaluationInstanceKey"] for d in body["evaluatedDecisions"]]
    evaluation = body["decisionEvaluationKey"]
    assert keys == [f"{evaluation}-{n}" for n in range(1, len(keys) + 1)] and keys
