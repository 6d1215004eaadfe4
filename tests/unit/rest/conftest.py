"""An app over a fake engine and a real QueryService on SQLite, reached through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy
from fake_engine import BPMN, FORM, FakeEngine, deploy, make_app


@pytest.fixture
def sql(tmp_path: Path) -> Iterator[sqlalchemy.Engine]:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'engine.db'}")

    @sqlalchemy.event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA synchronous=OFF")  # disposable test data

    yield engine
    engine.dispose()


@pytest.fixture
def fake(sql: sqlalchemy.Engine) -> FakeEngine:
    return FakeEngine(sql)


@pytest.fixture
async def client(fake: FakeEngine, sql: sqlalchemy.Engine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(fake, sql))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as c:
        yield c


@pytest.fixture
async def task_key(client: httpx.AsyncClient, fake: FakeEngine) -> str:
    """One running instance of Process_Review waiting at its user task; the task's key."""
    assert (await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))).status_code == 200
    created = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "variables": {"caseNo": "WP-001"}},
    )
    assert created.status_code == 200
    found = await client.post(
        "/v2/user-tasks/search", json={"filter": {"candidateGroup": "街道办"}}
    )
    return str(found.json()["items"][0]["userTaskKey"])
