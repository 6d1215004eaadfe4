"""The Zeebe gateway gRPC front door (the proto pyzeebe 4.7 ships) plus the gRPC health service.

:func:`start_gateway` binds and starts a ``grpc.aio`` server on the running loop; every RPC
becomes one call on :class:`engine.api.EngineApi` (see :mod:`engine.gateway.servicer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc

from engine import api
from engine.errors import FailedPrecondition
from engine.gateway.jobs import JobDispatcher
from engine.gateway.servicer import GATEWAY_VERSION, GatewayServicer

__all__ = ["GATEWAY_VERSION", "GatewayServicer", "JobDispatcher", "RunningGateway", "start_gateway"]

SERVICE_NAME = "gateway_protocol.Gateway"


@dataclass(frozen=True)
class RunningGateway:
    """A started gateway: the bound port and what :meth:`stop` needs."""

    server: grpc.aio.Server
    dispatcher: JobDispatcher
    port: int

    async def stop(self, grace_s: float = 1.0) -> None:
        """Answer parked requests, then stop accepting calls and let running ones finish."""
        self.dispatcher.close()
        await self.server.stop(grace_s)


async def start_gateway(
    engine: api.EngineApi, *, host: str, port: int, long_poll_default_ms: int
) -> RunningGateway:
    """Bind ``host:port`` (0 picks a free port) and start serving on the running loop.

    Raises :class:`FailedPrecondition` naming the address when it cannot be bound; the server
    refuses to share a port with another process (``grpc.so_reuseport`` off).
    """
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    dispatcher = JobDispatcher(engine, default_long_poll_ms=long_poll_default_ms)
    servicer = GatewayServicer(engine, dispatcher, host=host, port=port)
    pb_grpc.add_GatewayServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError:
        bound = 0
    if not bound:
        raise FailedPrecondition(f"cannot listen for gRPC on {host}:{port}: address in use?")
    servicer.set_port(bound)
    await server.start()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    dispatcher.start()
    return RunningGateway(server=server, dispatcher=dispatcher, port=bound)
