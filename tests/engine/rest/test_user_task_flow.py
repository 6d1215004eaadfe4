"""Through the REST API against the real runtime: Modeler deploy, task inbox, claim, complete."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from pydantic import SecretStr
from rest_support import BPMN, FORM, Running, deploy, start_review

from engine.api import JobActivationRequest, Resource
from engine.clock import ControlledClock
from engine.runtime import Engine
from wenping.settings import EngineSettings


async def test_task_found_by_candidate_group_claimed_and_completed(
    running: Running, client: httpx.AsyncClient
) -> None:
    topology = await client.get("/v2/topology")
    assert topology.status_code == 200
    deployed = await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))
    assert deployed.status_code == 200
    kinds = [next(iter(item)) for item in deployed.json()["deployments"]]
    assert sorted(kinds) == ["form", "processDefinition"]
    started = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "variables": {"caseNo": "WP-2026-001"}},
    )
    assert started.status_code == 200
    pi = started.json()["processInstanceKey"]

    inbox = await client.post(
        "/v2/user-tasks/search", json={"filter": {"candidateGroup": "司法所", "state": "CREATED"}}
    )
    [task] = inbox.json()["items"]
    assert (task["name"], task["processInstanceKey"], task.get("assignee")) == (
        "审核材料",
        pi,
        None,
    )
    assert None not in task.values()
    assert task["dueDate"] == "2026-12-01T01:00:00.000Z"
    key = task["userTaskKey"]

    form = (await client.get(f"/v2/user-tasks/{key}/form")).json()
    # FormResult.schema is "the form schema as a JSON document serialized as a string"
    # (docs.camunda.io 8.8, "Get user task form"), as Camunda's gateway sends it.
    assert isinstance(form["schema"], str)
    schema = json.loads(form["schema"])
    assert [c["key"] for c in schema["components"]] == ["approved", "opinion"]
    seen = (await client.post(f"/v2/user-tasks/{key}/variables/search", json={})).json()
    assert {v["name"]: v["value"] for v in seen["items"]} == {"caseNo": '"WP-2026-001"'}

    assert (
        await client.post(f"/v2/user-tasks/{key}/assignment", json={"assignee": "li.wei"})
    ).status_code == 204
    mine = await client.post("/v2/user-tasks/search", json={"filter": {"assignee": "li.wei"}})
    assert [t["userTaskKey"] for t in mine.json()["items"]] == [key]
    done = await client.post(
        f"/v2/user-tasks/{key}/completion",
        json={"variables": {"approved": True, "opinion": "材料齐全"}},
    )
    assert done.status_code == 204

    jobs = running.engine.activate_jobs(JobActivationRequest("notify-parties", "test", 30_000, 1))
    assert [j.element_id for j in jobs] == ["Task_Notify"]
    assert jobs[0].variables == {"caseNo": "WP-2026-001", "approved": True, "opinion": "材料齐全"}

    task = (await client.get(f"/v2/user-tasks/{key}")).json()
    assert task["state"] == "COMPLETED" and task["completionDate"] is not None
    where = await client.post(
        "/v2/element-instances/search",
        json={"filter": {"processInstanceKey": pi, "state": "ACTIVE"}},
    )
    assert [e["elementId"] for e in where.json()["items"]] == ["Task_Notify"]

    running.engine.complete_job(jobs[0].key, {})
    instance = (await client.get(f"/v2/process-instances/{pi}")).json()
    assert instance["state"] == "COMPLETED"


async def test_conflicts_unknown_keys_and_invalid_input(client: httpx.AsyncClient) -> None:
    _, key = await start_review(client)
    url = f"/v2/user-tasks/{key}"
    assert (await client.post(f"{url}/assignment", json={"assignee": "li.wei"})).status_code == 204
    held = await client.post(
        f"{url}/assignment", json={"assignee": "wang.fang", "allowOverride": False}
    )
    assert held.status_code == 409
    assert held.headers["content-type"] == "application/problem+json"

    bad_priority = await client.patch(url, json={"changeset": {"priority": 500}})
    assert (bad_priority.status_code, bad_priority.json()["detail"][:18]) == (
        400,
        "changeset.priority",
    )
    assert (await client.patch(url, json={"changeset": {"priority": 90}})).status_code == 204
    assert (await client.get(url)).json()["priority"] == 90

    assert (await client.post(f"{url}/completion")).status_code == 204
    again = await client.post(f"{url}/completion")
    assert again.status_code == 409
    assert again.json()["title"] == "INVALID_STATE"
    assert (await client.post(f"{url}/assignment", json={"assignee": "x"})).status_code == 409

    assert (await client.post("/v2/user-tasks/2251799813999999/completion")).status_code == 404
    assert (await client.get("/v2/user-tasks/2251799813999999")).status_code == 404
    assert (await client.get("/v2/user-tasks/not-a-key")).status_code == 400
    unknown = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "Process_None"}
    )
    assert unknown.status_code == 404


async def test_invalid_model_is_refused_naming_the_resource(client: httpx.AsyncClient) -> None:
    broken = BPMN.replace(b'targetRef="Task_Notify"', b'targetRef="Task_Missing"')
    response = await deploy(client, ("broken.bpmn", broken))
    assert response.status_code == 400
    assert "broken.bpmn" in response.json()["detail"]


async def test_cancellation_cancels_the_task(client: httpx.AsyncClient) -> None:
    pi, key = await start_review(client)
    assert (await client.post(f"/v2/process-instances/{pi}/cancellation")).status_code == 204
    assert (await client.get(f"/v2/process-instances/{pi}")).json()["state"] == "TERMINATED"
    assert (await client.get(f"/v2/user-tasks/{key}")).json()["state"] == "CANCELED"
    assert (await client.post(f"/v2/user-tasks/{key}/completion")).status_code == 409


async def test_incident_is_searchable_and_resolvable(
    running: Running, client: httpx.AsyncClient
) -> None:
    pi, key = await start_review(client)
    assert (await client.post(f"/v2/user-tasks/{key}/completion")).status_code == 204
    [job] = running.engine.activate_jobs(JobActivationRequest("notify-parties", "t", 30_000, 1))
    running.engine.fail_job(job.key, retries=0, error_message="短信网关不可用")

    found = await client.post("/v2/incidents/search", json={"filter": {"processInstanceKey": pi}})
    [incident] = found.json()["items"]
    assert (incident["errorType"], incident["state"], incident["elementId"]) == (
        "JOB_NO_RETRIES",
        "ACTIVE",
        "Task_Notify",
    )
    assert (await client.get(f"/v2/process-instances/{pi}")).json()["hasIncident"] is True

    running.engine.update_job_retries(job.key, 1)
    resolved = await client.post(f"/v2/incidents/{incident['incidentKey']}/resolution")
    assert resolved.status_code == 204
    assert (await client.get(f"/v2/process-instances/{pi}")).json()["hasIncident"] is False
    # a resolved incident is gone from the engine's state, as in Zeebe
    again = await client.post(f"/v2/incidents/{incident['incidentKey']}/resolution")
    assert again.status_code == 404


async def test_auth_on(tmp_path: Path) -> None:
    token = "a-long-enough-secret-token"
    engine = Running(tmp_path, rest_host="0.0.0.0", rest_token=SecretStr(token))
    try:
        async with engine.client() as anonymous:
            refused = await anonymous.post("/v2/user-tasks/search", json={})
            assert refused.status_code == 401
        async with engine.client(Authorization=f"Bearer {token}") as staff:
            assert (
                await deploy(staff, ("review.bpmn", BPMN), ("review.form", FORM))
            ).status_code == 200
            assert (await staff.post("/v2/user-tasks/search", json={})).status_code == 200
    finally:
        engine.engine.close()


async def test_store_from_before_the_rest_api_is_searchable(tmp_path: Path) -> None:
    settings = EngineSettings(database_url=f"sqlite:///{tmp_path / 'engine.db'}")
    plain = Engine(settings, clock=ControlledClock())  # no query exporter
    plain.open()
    try:
        plain.deploy([Resource("review.bpmn", BPMN), Resource("review.form", FORM)])
        plain.create_process_instance(bpmn_process_id="Process_Review")
    finally:
        plain.close()
    running = Running(tmp_path)
    try:
        async with running.client() as client:
            found = await client.post(
                "/v2/user-tasks/search", json={"filter": {"candidateGroup": "街道办"}}
            )
            assert [t["name"] for t in found.json()["items"]] == ["审核材料"]
    finally:
        running.engine.close()
