"""A fresh engine, the deployed models and the real workers for each process test.

The engine runs with gRPC and REST on ephemeral ports and a controlled clock (EngineHarness);
the models are deployed over gRPC exactly as ``wenping deploy`` does; the workers are
``workers.app.build_worker`` on their own SQLite domain database, working in the test's event
loop. Deploying and seeding the demo expert pools happen once per session into template stores;
each test starts from a copy of them (the engine reopens its store as after a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from process_case import Desk, Watch
from pyzeebe import create_insecure_channel

from engine.api import Exporter
from engine.clock import Clock, ControlledClock
from engine.server import HostedEngine, default_engine_factory
from engine.testing import EngineHarness
from wenping.deploy import deploy_files, model_files
from wenping.settings import EngineSettings, WorkerSettings
from workers.app import build_worker, context_from, seed_demo_data

ROOT = Path(__file__).resolve().parents[2]
STORES = ("engine.db", "wenping.db")


def _settings(folder: Path, zeebe_address: str) -> WorkerSettings:
    return WorkerSettings(
        zeebe_address=zeebe_address,
        database_url=f"sqlite:///{folder / 'wenping.db'}",
        reports_dir=folder / "reports",
    )


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An engine store with bpmn/ dmn/ forms/ deployed and a domain store with the expert pools."""
    folder = tmp_path_factory.mktemp("templates")
    harness = EngineHarness(folder, clock=ControlledClock())
    try:
        asyncio.run(deploy_files(harness.grpc_address, model_files(ROOT)))
    finally:
        harness.stop()
    seed_demo_data(context_from(_settings(folder, "")))
    return folder


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def harness(tmp_path: Path, templates: Path, watch: Watch) -> Iterator[EngineHarness]:
    for store in STORES:
        for part in templates.glob(f"{store}*"):  # with -wal/-shm if SQLite left them
            shutil.copy(part, tmp_path / part.name)

    def engine_with_watch(
        settings: EngineSettings, clock: Clock, exporters: Sequence[Exporter]
    ) -> HostedEngine:
        return default_engine_factory(settings, clock, [*exporters, watch])

    h = EngineHarness(tmp_path, clock=ControlledClock(), engine_factory=engine_with_watch)
    try:
        yield h
    finally:
        h.stop()


@pytest.fixture
def worker_settings(tmp_path: Path, harness: EngineHarness) -> WorkerSettings:
    return _settings(tmp_path, harness.grpc_address)


@pytest.fixture
async def desk(
    harness: EngineHarness, watch: Watch, worker_settings: WorkerSettings
) -> AsyncIterator[Desk]:
    """Models deployed, demo expert pools seeded, workers running, staff at their desks."""
    ctx = context_from(worker_settings)
    channel = create_insecure_channel(grpc_address=harness.grpc_address)
    worker = build_worker(worker_settings, channel, context=ctx)
    working = asyncio.create_task(worker.work())
    try:
        async with httpx.AsyncClient(base_url=harness.rest_url, timeout=10.0) as rest:
            yield Desk(harness, watch, rest, ctx.session_factory)
    finally:
        await worker.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(working, 10)
        await channel.close()
