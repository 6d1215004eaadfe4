"""A gateway that does no work: the baseline for the engine benchmark.

ActivateJobs hands out made-up jobs at once and CompleteJob only counts, so a pyzeebe worker
against it measures the cost of pyzeebe and gRPC alone. ``python bench/noop_gateway.py`` runs it
as its own process (as the engine runs), printing ``gRPC 127.0.0.1:PORT`` once it serves;
:class:`NoopGateway` runs it in a thread instead.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

import grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc


class _NoopServicer(pb_grpc.GatewayServicer):
    def __init__(self, done: threading.Event, target: int) -> None:
        self._keys = itertools.count(1)
        self._done = done
        self._target = target
        self.completed = 0

    async def Topology(self, request: Any, context: Any) -> pb.TopologyResponse:
        return pb.TopologyResponse(clusterSize=1, partitionsCount=1, gatewayVersion="noop")

    async def ActivateJobs(
        self, request: pb.ActivateJobsRequest, context: Any
    ) -> AsyncIterator[pb.ActivateJobsResponse]:
        jobs = [
            pb.ActivatedJob(
                key=next(self._keys),
                type=request.type,
                worker=request.worker,
                retries=3,
                customHeaders="{}",
                variables="{}",
                bpmnProcessId="Process_Bench",
                elementId="Task_Work",
            )
            for _ in range(request.maxJobsToActivate)
        ]
        yield pb.ActivateJobsResponse(jobs=jobs)

    async def CompleteJob(self, request: pb.CompleteJobRequest, context: Any) -> Any:
        self.completed += 1
        if self.completed >= self._target:
            self._done.set()
        return pb.CompleteJobResponse()


class NoopGateway:
    """Start with :meth:`start`; ``done`` is set once ``target`` jobs were completed."""

    def __init__(self, target: int) -> None:
        self.done = threading.Event()
        self.servicer = _NoopServicer(self.done, target)
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def start(self) -> str:
        self._thread.start()
        self._ready.wait(10)
        return f"127.0.0.1:{self.port}"

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        pb_grpc.add_GatewayServicer_to_server(self.servicer, server)
        self.port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        self._ready.set()
        await self._stop.wait()
        await server.stop(0.5)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)


async def _serve_forever() -> None:
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    pb_grpc.add_GatewayServicer_to_server(_NoopServicer(threading.Event(), 0), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stderr.write(f"gRPC 127.0.0.1:{port}\n")
    sys.stderr.flush()
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(_serve_forever())
