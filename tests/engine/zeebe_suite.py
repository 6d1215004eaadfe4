"""Helpers of the behaviour suite: the real engine behind real pyzeebe clients, over loopback.

Each test gets a fresh engine (``EngineHarness`` on a temp SQLite store, ephemeral ports, a
controlled clock). Timers and job timeouts are driven by ``harness.advance_clock``; progress is
awaited with ``harness.wait_for_record`` / ``wait_until``, which wake on every commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from pyzeebe import ZeebeClient, ZeebeWorker
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from engine.api import Record
from engine.testing import EngineHarness

MODELS = Path(__file__).parent / "models"


@dataclass
class Zeebe:
    """What a test needs: the harness, a pyzeebe client and the raw gateway stub."""

    harness: EngineHarness
    channel: grpc.aio.Channel
    client: ZeebeClient
    stub: GatewayStub

    async def deploy(self, *names: str) -> Any:
        return await self.client.deploy_resource(*(str(MODELS / n) for n in names))

    async def start(self, process_id: str, **variables: Any) -> int:
        created = await self.client.run_process(process_id, variables)
        return int(created.process_instance_key)

    def worker(self) -> ZeebeWorker:
        """A worker configured as ECOSYSTEM-NOTES.md says (never the 5 s poll sleep)."""
        return ZeebeWorker(self.channel, name="test-worker", poll_retry_delay=0)

    @contextlib.asynccontextmanager
    async def working(self, worker: ZeebeWorker) -> AsyncIterator[None]:
        running = asyncio.ensure_future(worker.work())
        try:
            yield
        finally:
            await worker.stop()
            await running

    async def activate(
        self,
        job_type: str,
        *,
        max_jobs: int = 10,
        timeout: int = 60_000,
        request_timeout: int = -1,
        **fields: Any,
    ) -> list[pb.ActivatedJob]:
        request = pb.ActivateJobsRequest(
            type=job_type,
            worker="test",
            timeout=timeout,
            maxJobsToActivate=max_jobs,
            requestTimeout=request_timeout,
            **fields,
        )
        return [job async for response in self.stub.ActivateJobs(request) for job in response.jobs]

    async def complete(self, job_type: str, variables: str = "{}") -> pb.ActivatedJob:
        """Wait for one job of the type, complete it, return it."""
        (job,) = await self.activate(job_type, max_jobs=1, request_timeout=10_000)
        await self.stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables=variables))
        return job

    async def until(self, condition: Callable[[], bool]) -> None:
        """Poll a gateway-side condition (parked requests, open streams) while I/O proceeds."""
        for _ in range(2000):
            if condition():
                return
            await asyncio.sleep(0.002)
        raise AssertionError("gateway condition not reached")

    async def record(
        self, key: int, value_type: str, intent: str, element_id: str | None = None
    ) -> Record:
        return await self.harness.wait_for_record(
            key, value_type=value_type, intent=intent, element_id=element_id
        )

    async def completed(self, key: int) -> Record:
        """Await the instance's process ELEMENT_COMPLETED."""

        def done(engine: Any) -> Record | None:
            for r in engine.history(key):
                if (
                    r.value_type == "PROCESS_INSTANCE"
                    and r.intent == "ELEMENT_COMPLETED"
                    and r.value.get("bpmnElementType") == "PROCESS"
                    and r.key == key
                ):
                    return r
            return None

        return await self.harness.wait_until(done, what=f"instance {key} completed")

    def elements(self, key: int, intent: str = "ELEMENT_COMPLETED") -> list[str]:
        """Element ids of the instance's PROCESS_INSTANCE records with ``intent``, in order."""
        return [
            r.value["elementId"]
            for r in self.harness.history(key)
            if r.value_type == "PROCESS_INSTANCE" and r.intent == intent
        ]

    def variables(self, key: int) -> dict[str, Any]:
        """Latest value of each process-level variable, from the VARIABLE records."""
        out: dict[str, Any] = {}
        for r in self.harness.history(key):
            if r.value_type == "VARIABLE" and r.value.get("scopeKey") == key:
                out[r.value["name"]] = json.loads(r.value["value"])
        return out


async def rpc_error(call: Awaitable[Any]) -> grpc.aio.AioRpcError:
    """Await a call that must fail; return its error for code/details assertions."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value
