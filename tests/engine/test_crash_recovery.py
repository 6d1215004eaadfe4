"""Crash safety: SIGKILL under load, restart, nothing acknowledged is lost (issue 2).

While it runs, a second engine on the same store must refuse to start.
The engine runs as a separate process (``python -m engine.server``) on a temp store and
ephemeral ports. The restart sets the clock two hours ahead (``WENPING_ENGINE_CLOCK_OFFSET_MS``)
to stand for a long outage: timers that fell due meanwhile must fire, and jobs activated before
the crash must come back once their timeout has passed. Nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub
from zeebe_suite import MODELS

from engine.clock import SystemClock
from engine.server import CLOCK_OFFSET_ENV, default_engine_factory
from wenping.settings import EngineSettings

REPO = Path(__file__).resolve().parents[2]
TWO_HOURS_MS = 2 * 3_600_000


class EngineProcess:
    """``python -m engine.server`` on ``store``; ``address`` once it printed its ports."""

    def __init__(self, store: Path, *, clock_offset_ms: int = 0) -> None:
        env = {
            **os.environ,
            "WENPING_ENGINE_DATABASE_URL": f"sqlite:///{store}",
            "WENPING_ENGINE_GRPC_PORT": "0",
            "WENPING_ENGINE_REST_PORT": "0",
            CLOCK_OFFSET_ENV: str(clock_offset_ms),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "engine.server"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.address = ""
        self.output: list[str] = []

    def wait_started(self) -> str:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.output.append(line)
            found = re.search(r"gRPC (\S+:\d+)", line)
            if found:
                self.address = found.group(1)
                return self.address
        raise AssertionError("engine exited before serving:\n" + "".join(self.output))

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(20)


@contextlib.asynccontextmanager
async def connected(address: str) -> AsyncIterator[tuple[ZeebeClient, GatewayStub]]:
    channel = create_insecure_channel(grpc_address=address)
    try:
        yield ZeebeClient(channel), GatewayStub(channel)
    finally:
        await channel.close()


@contextlib.contextmanager
def offline_engine(store: Path) -> Iterator[Any]:
    """The store opened in-process after the server stopped, to read the record log."""
    settings = EngineSettings(database_url=f"sqlite:///{store}")
    engine = default_engine_factory(settings, SystemClock(), [])
    engine.open()
    try:
        yield engine
    finally:
        engine.close()


async def activate(stub: GatewayStub, job_type: str, n: int, timeout: int = 60_000) -> list[Any]:
    request = pb.ActivateJobsRequest(
        type=job_type,
        worker="crash-test",
        timeout=timeout,
        maxJobsToActivate=n,
        requestTimeout=5_000,
    )
    return [j async for r in stub.ActivateJobs(request) for j in r.jobs]


@pytest.mark.timeout(120)
async def test_sigkill_under_load_loses_nothing_acknowledged_and_store_is_exclusive(
    tmp_path: Path,
) -> None:
    store = tmp_path / "engine.db"
    first = EngineProcess(store)
    acknowledged: list[int] = []
    completed_jobs: list[int] = []
    try:
        address = first.wait_started()
        # A second engine on the same store must refuse, saying why, and leave the first alone.
        intruder = EngineProcess(store)
        assert intruder.proc.wait(30) != 0
        assert intruder.proc.stderr is not None
        assert "locked by another engine" in intruder.proc.stderr.read()
        async with connected(address) as (client, stub):
            await client.deploy_resource(
                str(MODELS / "one_task.bpmn"), str(MODELS / "catch_timer.bpmn")
            )
            timers = [
                (
                    await client.run_process("Process_CatchTimer", {"wait": "PT1H"})
                ).process_instance_key
                for _ in range(5)
            ]
            for _ in range(20):
                created = await client.run_process("Process_OneTask", {"amount": 1})
                acknowledged.append(created.process_instance_key)
            held = await activate(stub, "work", 10)  # activated, never completed
            for job in await activate(stub, "work", 5):
                await stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables="{}"))
                completed_jobs.append(job.key)

            enough = asyncio.Event()
            target = len(acknowledged) + 50

            async def load() -> None:
                while True:
                    created = await client.run_process("Process_OneTask", {"amount": 2})
                    acknowledged.append(created.process_instance_key)
                    if len(acknowledged) >= target:
                        enough.set()

            loaders = [asyncio.ensure_future(load()) for _ in range(4)]
            await enough.wait()
            first.kill()  # mid-flight: some creates are unacknowledged
            for loader in loaders:
                with contextlib.suppress(Exception):
                    await loader
    finally:
        if first.proc.poll() is None:
            first.kill()

    second = EngineProcess(store, clock_offset_ms=TWO_HOURS_MS)
    try:
        async with connected(second.wait_started()) as (client, stub):
            # Timed out while the engine was down: activatable again, same keys.
            back: set[int] = set()
            for _ in range(10):  # activatable again; keep collecting until all are seen
                back |= {j.key for j in await activate(stub, "work", 500)}
                if {j.key for j in held} <= back:
                    break
            assert {j.key for j in held} <= back
        assert second.terminate() == 0
    finally:
        if second.proc.poll() is None:
            second.kill()

    with offline_engine(store) as engine:
        for key in acknowledged:
            assert engine.history(key), f"acknowledged instance {key} lost"
        for key in timers:
            intents = [(r.value_type, r.intent) for r in engine.history(key)]
            assert ("TIMER", "TRIGGERED") in intents, f"timer of {key} did not fire"
        completed = {
            r.key
            for key in acknowledged[:20]
            for r in engine.history(key)
            if r.value_type == "JOB" and r.intent == "COMPLETED"
        }
        assert set(completed_jobs) <= completed

    printed = subprocess.run(
        [sys.executable, "-m", "wenping.cli", "engine", "history", str(acknowledged[0])],
        cwd=REPO,
        env={**os.environ, "WENPING_ENGINE_DATABASE_URL": f"sqlite:///{store}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    assert "PROCESS_INSTANCE_CREATION" in printed.stdout and "Task_Work" in printed.stdout
