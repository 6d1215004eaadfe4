"""Job streaming with flow control: a worker never runs more than ``max_running_jobs``, and
without job streaming at the gateway it goes on polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import structlog.testing
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc

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


class _PollingOnlyGateway(pb_grpc.GatewayServicer):  # type: ignore[misc]
    """A gateway from before job streaming (Camunda 8.3): StreamActivatedJobs is UNIMPLEMENTED."""

    async def ActivateJobs(self, request: Any, context: Any) -> AsyncIterator[Any]:
        await asyncio.sleep(0.05)  # a long poll that finds nothing
        return
        yield  # an (empty) response stream


async def _run_against_polling_only_gateway(worker_class: type[ZeebeWorker]) -> asyncio.Task[None]:
    server = grpc.aio.server()
    pb_grpc.add_GatewayServicer_to_server(_PollingOnlyGateway(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = create_insecure_channel(grpc_address=f"127.0.0.1:{port}")
    worker = worker_class(channel, poll_retry_delay=1, stream_enabled=True)

    @worker.task(task_type="work")
    async def work() -> dict[str, int]:
        return {}

    working = asyncio.ensure_future(worker.work())
    try:
        await asyncio.wait([working], timeout=0.5)
        return working
    finally:
        if not working.done():
            await worker.stop()
            await asyncio.wait_for(working, 10)
        await channel.close()
        await server.stop(None)


async def test_without_job_streaming_at_the_gateway_the_worker_goes_on_polling() -> None:
    with structlog.testing.capture_logs() as logs:
        working = await _run_against_polling_only_gateway(FlowControlledWorker)
    assert working.exception() is None, "stopped only by worker.stop()"
    assert {"event": "job_streaming_unavailable", "job_type": "work", "log_level": "warning"} in [
        {k: entry[k] for k in ("event", "job_type", "log_level") if k in entry} for entry in logs
    ]


async def test_pyzeebe_alone_ends_the_worker_without_job_streaming_at_the_gateway() -> None:
    # Why workers/streaming.py catches UNIMPLEMENTED (pyzeebe 4.7).
    working = await _run_against_polling_only_gateway(ZeebeWorker)
    assert working.done() and working.exception() is not None
