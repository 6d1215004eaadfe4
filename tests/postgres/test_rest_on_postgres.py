"""The REST API v2 over HTTP, served by the engine server on a PostgreSQL store."""

from __future__ import annotations

from pathlib import Path

import httpx
from pg_support import END, START, bpmn, service, settings, user_task

from engine.clock import ControlledClock
from engine.testing import EngineHarness

CASE = bpmn(
    "Process_Case",
    START,
    user_task("Task_Visit", "走访群众", "街道办"),
    service("Task_Archive", "archive"),
    END,
)


async def test_deploy_start_find_assign_and_complete_a_user_task(
    pg_url: str, tmp_path: Path
) -> None:
    with EngineHarness(tmp_path, clock=ControlledClock(), settings=settings(pg_url)) as harness:
        async with httpx.AsyncClient(base_url=harness.rest_url, timeout=20) as client:
            deployed = await client.post(
                "/v2/deployments", files=[("resources", ("case.bpmn", CASE, "text/xml"))]
            )
            assert deployed.status_code == 200, deployed.text
            started = await client.post(
                "/v2/process-instances",
                json={"processDefinitionId": "Process_Case", "variables": {"caseNo": "WP-7"}},
            )
            assert started.status_code == 200, started.text
            pi = started.json()["processInstanceKey"]

            inbox = await client.post(
                "/v2/user-tasks/search", json={"filter": {"candidateGroup": "街道办"}}
            )
            [task] = inbox.json()["items"]
            assert (task["name"], task["processInstanceKey"]) == ("走访群众", pi)
            key = task["userTaskKey"]
            assigned = await client.post(
                f"/v2/user-tasks/{key}/assignment", json={"assignee": "wang.fang"}
            )
            assert assigned.status_code == 204
            done = await client.post(
                f"/v2/user-tasks/{key}/completion", json={"variables": {"visited": True}}
            )
            assert done.status_code == 204
            task = (await client.get(f"/v2/user-tasks/{key}")).json()
            assert (task["state"], task["assignee"]) == ("COMPLETED", "wang.fang")
            where = await client.post(
                "/v2/element-instances/search",
                json={"filter": {"processInstanceKey": pi, "state": "ACTIVE"}},
            )
            assert [e["elementId"] for e in where.json()["items"]] == ["Task_Archive"]
