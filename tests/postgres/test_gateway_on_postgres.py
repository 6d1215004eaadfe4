"""The engine server on PostgreSQL, driven through pyzeebe over loopback gRPC.

The second test is the SIGKILL/restart test of issue 2 on a PostgreSQL store: the engine runs as
``python -m engine.server``; a second one started meanwhile is refused; after the kill, the
restart (which also shows the killed session's lock is gone) sets its clock two hours ahead to
stand for a long outage: timers due meanwhile fire, activated jobs come back. Nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pg_support import REVIEW, completed, intents, root_variables, running_engine, settings
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from engine.clock import ControlledClock
from engine.server import CLOCK_OFFSET_ENV
from engine.testing import EngineHarness

REPO = Path(__file__).resolve().parents[2]
TWO_HOURS_MS = 2 * 3_600_000


@contextlib.asynccontextmanager
async def connected(address: str) -> AsyncIterator[tuple[Any, ZeebeClient, GatewayStub]]:
    channel = create_insecure_channel(grpc_address=address)
    try:
        yield channel, ZeebeClient(channel), GatewayStub(channel)
    finally:
        await channel.close()


async def test_pyzeebe_worker_runs_a_process_and_history_survives_a_restart(
    pg_url: str, tmp_path: Path
) -> None:
    model = tmp_path / "review.bpmn"
    model.write_bytes(REVIEW)
    clock = ControlledClock()
    with EngineHarness(tmp_path, clock=clock, settings=settings(pg_url)) as harness:
        async with connected(harness.grpc_address) as (channel, client, _stub):
            await client.deploy_resource(str(model))
            worker = ZeebeWorker(channel, name="pg-test", poll_retry_delay=0)

            @worker.task(task_type="review")  # type: ignore[arg-type]
            async def review(申请人: str) -> dict[str, Any]:
                return {"结论": f"{申请人}：通过"}

            working = asyncio.ensure_future(worker.work())
            try:
                result = await client.run_process_with_result(
                    "Process_Review", {"申请人": "张三"}, timeout=20_000
                )
            finally:
                await worker.stop()
                await working
        pi = result.process_instance_key
        assert result.variables == {"申请人": "张三", "结论": "张三：通过"}
        history = harness.history(pi)
    assert completed(history, pi)

    with EngineHarness(tmp_path, clock=clock, settings=settings(pg_url)) as harness:
        assert harness.history(pi) == history


class EngineProcess:
    """``python -m engine.server`` on a PostgreSQL store; ``address`` once it serves."""

    def __init__(self, url: str, *, clock_offset_ms: int = 0) -> None:
        env = {
            **os.environ,
            "WENPING_ENGINE_DATABASE_URL": url,
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
        self.output: list[str] = []

    def wait_started(self) -> str:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.output.append(line)
            found = re.search(r"gRPC (\S+:\d+)", line)
            if found:
                return found.group(1)
        raise AssertionError("engine exited before serving:\n" + "".join(self.output))

    def terminate(self) -> int:
        """SIGTERM: a clean stop that closes the store (and frees its lock) before exiting."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)


async def _activate(stub: GatewayStub, n: int) -> list[Any]:
    request = pb.ActivateJobsRequest(
        type="review", worker="crash", timeout=60_000, maxJobsToActivate=n, requestTimeout=5_000
    )
    return [job async for response in stub.ActivateJobs(request) for job in response.jobs]


@pytest.mark.timeout(120)
async def test_sigkill_under_load_loses_nothing_acknowledged(pg_url: str, tmp_path: Path) -> None:
    model = tmp_path / "review.bpmn"
    model.write_bytes(REVIEW)
    acknowledged: list[int] = []
    first = EngineProcess(pg_url)
    try:
        address = first.wait_started()
        # A second engine on the same store, started while the first one works: it must
        # refuse, saying why (checked before the kill; it runs alongside the load).
        intruder = EngineProcess(pg_url)
        async with connected(address) as (_channel, client, stub):
            await client.deploy_resource(str(model))
            for _ in range(10):
                created = await client.run_process("Process_Review", {"n": 1})
                acknowledged.append(created.process_instance_key)
            held = await _activate(stub, 5)  # activated, never completed
            done = await _activate(stub, 3)
            for job in done:
                await stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables="{}"))

            enough = asyncio.Event()

            async def load() -> None:
                while True:
                    created = await client.run_process("Process_Review", {"n": 2})
                    acknowledged.append(created.process_instance_key)
                    if len(acknowledged) >= 40:
                        enough.set()

            loaders = [asyncio.ensure_future(load()) for _ in range(4)]
            await enough.wait()
            _out, refusal = await asyncio.to_thread(intruder.proc.communicate, timeout=60)
            assert intruder.proc.returncode != 0
            assert "locked by another engine" in refusal
            first.kill()  # mid-flight: the creates in progress are never acknowledged
            for loader in loaders:
                with contextlib.suppress(Exception):
                    await loader
    finally:
        first.kill()

    second = EngineProcess(pg_url, clock_offset_ms=TWO_HOURS_MS)
    try:
        async with connected(second.wait_started()) as (_channel, _client, stub):
            # Timed out while the engine was down: they come back once the restarted engine
            # has processed its due work (long polls return as soon as they do).
            wanted, back = {j.key for j in held}, set[int]()
            for _ in range(10):
                back |= {j.key for j in await _activate(stub, 100)}
                if wanted <= back:
                    break
            assert wanted <= back
        assert second.terminate() == 0
    finally:
        second.kill()

    with running_engine(pg_url, ControlledClock(TWO_HOURS_MS)) as engine:
        finished = []
        for key in acknowledged:
            records = engine.history(key)
            assert records, f"acknowledged instance {key} lost"
            if completed(records, key):
                finished.append(key)
                assert root_variables(records, key) == {"n": 1}
            else:  # still waiting: its reminder fell due during the outage
                assert "TRIGGERED" in intents(records, "TIMER"), f"timer of {key} did not fire"
        assert len(finished) == len(done)
