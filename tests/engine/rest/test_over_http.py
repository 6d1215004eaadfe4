"""Over real HTTP: the engine server (uvicorn on an ephemeral port) through EngineHarness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from rest_support import BPMN, FORM, deploy

from engine.api import JobActivationRequest
from engine.clock import ControlledClock
from engine.rest import ExposureError
from engine.testing import EngineHarness
from wenping.settings import EngineSettings


@pytest.fixture
def http_engine(tmp_path: Path) -> Iterator[EngineHarness]:
    running = EngineHarness(tmp_path, clock=ControlledClock())
    yield running
    running.stop()


async def test_modeler_deploy_and_task_flow_over_http(http_engine: EngineHarness) -> None:
    async with httpx.AsyncClient(base_url=http_engine.rest_url) as client:
        assert (await client.get("/v2/topology")).status_code == 200
        assert (
            await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))
        ).status_code == 200
        started = await client.post(
            "/v2/process-instances",
            json={"processDefinitionId": "Process_Review", "variables": {"caseNo": "WP-9"}},
        )
        assert started.status_code == 200
        inbox = await client.post(
            "/v2/user-tasks/search", json={"filter": {"candidateGroup": "街道办"}}
        )
        key = inbox.json()["items"][0]["userTaskKey"]
        assert (
            await client.post(f"/v2/user-tasks/{key}/assignment", json={"assignee": "li.wei"})
        ).status_code == 204
        assert (
            await client.post(
                f"/v2/user-tasks/{key}/completion", json={"variables": {"approved": True}}
            )
        ).status_code == 204
        assert (await client.post(f"/v2/user-tasks/{key}/completion")).status_code == 409
    jobs = http_engine.call(
        lambda e: e.activate_jobs(JobActivationRequest("notify-parties", "t", 30_000, 1))
    )
    assert jobs[0].variables["approved"] is True


def test_exposed_without_credentials_does_not_start(tmp_path: Path) -> None:
    settings = EngineSettings(
        database_url=f"sqlite:///{tmp_path / 'e.db'}", grpc_port=0, rest_host="0.0.0.0", rest_port=0
    )
    with pytest.raises(ExposureError) as refused:
        EngineHarness(tmp_path, settings=settings)
    assert "WENPING_ENGINE_REST_TOKEN" in refused.value.message


async def test_auth_over_http(tmp_path: Path) -> None:
    token = "over-http-secret-token-123"
    settings = EngineSettings(
        database_url=f"sqlite:///{tmp_path / 'e.db'}",
        grpc_port=0,
        rest_host="127.0.0.1",
        rest_port=0,
        rest_token=SecretStr(token),
    )
    harness = EngineHarness(tmp_path, settings=settings)
    try:
        async with httpx.AsyncClient(base_url=harness.rest_url) as client:
            assert (await client.get("/v2/topology")).status_code == 401
            ok = await client.get("/v2/topology", headers={"Authorization": f"Bearer {token}"})
            assert ok.status_code == 200
    finally:
        harness.stop()
