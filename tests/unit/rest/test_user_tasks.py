"""The user task endpoints: found by candidate group, claimed, completed, with Camunda's errors."""

from __future__ import annotations

import json

import httpx
from fake_engine import BPMN, deploy


async def test_claim_and_complete_a_task_found_by_candidate_group(
    client: httpx.AsyncClient, task_key: str
) -> None:
    assert task_key.isdigit()  # Camunda 8.8 sends keys as strings
    claim = await client.post(f"/v2/user-tasks/{task_key}/assignment", json={"assignee": "li.wei"})
    assert claim.status_code == 204

    mine = await client.post("/v2/user-tasks/search", json={"filter": {"assignee": "li.wei"}})
    assert [t["userTaskKey"] for t in mine.json()["items"]] == [task_key]

    done = await client.post(
        f"/v2/user-tasks/{task_key}/completion",
        json={"variables": {"opinion": "同意", "riskLevel": "低"}},
    )
    assert done.status_code == 204
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    assert (task["state"], task["name"], task["assignee"]) == ("COMPLETED", "审核材料", "li.wei")

    variables = await client.post(
        f"/v2/user-tasks/{task_key}/variables/search", json={"sort": [{"field": "name"}]}
    )
    values = {v["name"]: v["value"] for v in variables.json()["items"]}
    assert values == {"caseNo": '"WP-001"', "opinion": '"同意"', "riskLevel": '"低"'}


async def test_completing_twice_is_a_conflict(client: httpx.AsyncClient, task_key: str) -> None:
    assert (await client.post(f"/v2/user-tasks/{task_key}/completion")).status_code == 204
    again = await client.post(f"/v2/user-tasks/{task_key}/completion", json={})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    problem = again.json()
    assert problem["status"] == 409
    assert problem["title"] == "INVALID_STATE"
    assert task_key in problem["detail"]
    assert problem["instance"] == f"/v2/user-tasks/{task_key}/completion"


async def test_claiming_a_task_someone_else_holds(client: httpx.AsyncClient, task_key: str) -> None:
    url = f"/v2/user-tasks/{task_key}/assignment"
    assert (await client.post(url, json={"assignee": "li.wei"})).status_code == 204
    taken = await client.post(url, json={"assignee": "wang.fang", "allowOverride": False})
    assert taken.status_code == 409
    # the default, like Camunda's, is to reassign
    assert (await client.post(url, json={"assignee": "wang.fang"})).status_code == 204
    assert (await client.delete(f"/v2/user-tasks/{task_key}/assignee")).status_code == 204
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    assert "assignee" not in task  # Camunda leaves absent values out; it never sends null


async def test_unknown_and_malformed_keys(client: httpx.AsyncClient, task_key: str) -> None:
    missing = await client.get("/v2/user-tasks/2251799813699999")
    assert missing.status_code == 404
    assert missing.json()["title"] == "NOT_FOUND"
    for method, path in [
        ("GET", "/v2/user-tasks/abc"),
        ("POST", "/v2/user-tasks/5x/completion"),
        ("GET", "/v2/user-tasks/99999999999999999999999/form"),
    ]:
        bad = await client.request(method, path)
        assert bad.status_code == 400, path
        assert bad.json()["detail"].startswith("userTaskKey:")
    complete_missing = await client.post("/v2/user-tasks/2251799813699999/completion")
    assert complete_missing.status_code == 404
    # A Java long may be negative (Camunda's LongKey pattern ^-?[0-9]+$): no such task
    negative = await client.post("/v2/user-tasks/-5/completion")
    assert negative.status_code == 404


async def test_invalid_bodies_name_the_field(client: httpx.AsyncClient, task_key: str) -> None:
    cases = [
        (f"/v2/user-tasks/{task_key}/assignment", {}, "assignee: required"),
        (f"/v2/user-tasks/{task_key}/assignment", {"assignee": " "}, "assignee: must not be empty"),
        (
            f"/v2/user-tasks/{task_key}/assignment",
            {"assignee": "a", "alowOverride": False},
            "alowOverride: unknown property",
        ),
        (
            f"/v2/user-tasks/{task_key}/completion",
            {"variables": [1]},
            "variables: expected an object",
        ),
        (
            "/v2/user-tasks/search",
            {"filter": {"dueDate": {"$gte": "tomorrow"}}},
            "filter.dueDate.$gte",
        ),
        ("/v2/user-tasks/search", {"sort": [{"field": "assignee"}]}, "sort[0].field"),
        ("/v2/user-tasks/search", {"page": {"limit": 0}}, "page.limit"),
        ("/v2/user-tasks/search", {"page": {"after": "!!"}}, "page.after"),
    ]
    for url, body, detail in cases:
        response = await client.post(url, json=body)
        assert response.status_code == 400, (url, body)
        assert response.json()["detail"].startswith(detail), response.json()


async def test_update_changes_schedule_and_priority(
    client: httpx.AsyncClient, task_key: str
) -> None:
    url = f"/v2/user-tasks/{task_key}"
    too_high = await client.patch(url, json={"changeset": {"priority": 101}})
    assert too_high.status_code == 400
    assert too_high.json()["detail"].startswith("changeset.priority")
    no_offset = await client.patch(url, json={"changeset": {"dueDate": "2026-03-01T09:00:00"}})
    assert no_offset.status_code == 400
    ok = await client.patch(
        url,
        json={
            "changeset": {
                "dueDate": "2026-03-01T09:00:00+08:00",
                "priority": 80,
                "candidateGroups": ["司法所"],
            }
        },
    )
    assert ok.status_code == 204
    task = (await client.get(url)).json()
    assert (task["dueDate"], task["priority"], task["candidateGroups"]) == (
        "2026-03-01T01:00:00.000Z",
        80,
        ["司法所"],
    )
    due = await client.post(
        "/v2/user-tasks/search",
        json={
            "filter": {"dueDate": {"$gte": "2026-03-01T00:00:00Z", "$lt": "2026-03-02T00:00:00Z"}}
        },
    )
    assert [t["userTaskKey"] for t in due.json()["items"]] == [task_key]


async def test_linked_form(client: httpx.AsyncClient, task_key: str) -> None:
    form = await client.get(f"/v2/user-tasks/{task_key}/form")
    assert form.status_code == 200
    body = form.json()
    schema = json.loads(body["schema"])  # a JSON document serialized as a string (8.8)
    assert (body["formId"], body["version"], schema["schemaVersion"]) == (
        "Form_Review",
        1,
        19,
    )


async def test_task_without_form_answers_204(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, ("review.bpmn", BPMN))).status_code == 200
    await client.post("/v2/process-instances", json={"processDefinitionId": "Process_Review"})
    key = (await client.post("/v2/user-tasks/search", json={})).json()["items"][0]["userTaskKey"]
    assert (await client.get(f"/v2/user-tasks/{key}/form")).status_code == 204


async def test_cursor_pages_cover_all_tasks_once(client: httpx.AsyncClient) -> None:
    assert (await deploy(client, ("review.bpmn", BPMN))).status_code == 200
    for _ in range(5):
        await client.post("/v2/process-instances", json={"processDefinitionId": "Process_Review"})
    seen: list[str] = []
    page: dict[str, object] = {"limit": 2}
    while True:
        body = (
            await client.post(
                "/v2/user-tasks/search",
                json={"sort": [{"field": "creationDate", "order": "DESC"}], "page": page},
            )
        ).json()
        assert body["page"]["totalItems"] == 5
        if not body["items"]:
            break
        seen += [t["userTaskKey"] for t in body["items"]]
        page = {"limit": 2, "after": body["page"]["endCursor"]}
    assert len(seen) == 5 and len(set(seen)) == 5
    assert seen == sorted(seen, key=int, reverse=True)  # created in key order
