"""Job streaming with flow control: a worker never runs more than ``max_running_jobs``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel

from engine.testing import EngineHarness
from tests.unit.runtime.support import ONE_TASK
from workers.streaming import FlowControlledWorker

MAX_RUNNING = 2
INSTANCES = 6


async def _peak_running(
    harness: EngineHarness, tmp_path: Path, worker_class: type[ZeebeWorker]
) -> int:
    """Run INSTANCES one-task instances on a streaming worker whose handler holds each job
    until all have been created; the most jobs it ran at once."""
    channel = create_insecure_channel(grpc_address=harness.grpc_address)
    client = ZeebeClient(channel)
    model = tmp_path / "p.bpmn"
    model.write_bytes(ONE_TASK)
    await client.deploy_resource(str(model))
    worker = worker_class(channel, poll_retry_delay=1, stream_enabled=True)
    running, peak, done = 0, 0, 0
    release = asyncio.Event()

    @worker.task(task_type="work", max_jobs_to_activate=1, max_running_jobs=MAX_RUNNING)
    async def work() -> dict[str, int]:
        nonlocal running, peak, done
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1
        done += 1
        return {}

    working = asyncio.ensure_future(worker.work())
    try:
        for _ in range(200):
            if harness.open_job_streams("work") == 1:
                break
            await asyncio.sleep(0.01)
        for _ in range(INSTANCES):
            await client.run_process("p")
        # Long enough for every pushed job to reach the handler.
        for _ in range(50):
            if running >= INSTANCES:
                break
            await asyncio.sleep(0.01)
        release.set()
        for _ in range(500):
            if done == INSTANCES:
                break
            await asyncio.sleep(0.01)
        assert done == INSTANCES, "every job is done in the end (the held-back ones polled)"
        return peak
    finally:
        await worker.stop()
        await asyncio.wait_for(working, 10)
        await channel.close()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[EngineHarness]:
    with EngineHarness(tmp_path, enable_rest=False) as h:
        yield h


async def test_a_streaming_worker_runs_no_more_than_max_running_jobs(
    harness: EngineHarness, tmp_path: Path
) -> None:
    assert await _peak_running(harness, tmp_path, FlowControlledWorker) == MAX_RUNNING


async def test_pyzeebe_alone_runs_every_streamed_job_at_once(
    harness: EngineHarness, tmp_path: Path
) -> None:
    # Why FlowControlledWorker exists (pyzeebe 4.7): if this fails, pyzeebe learned flow
    # control and workers/streaming.py can go.
    assert await _peak_running(harness, tmp_path, ZeebeWorker) == INSTANCES
