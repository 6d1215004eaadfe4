"""The real gateway and server code on the test's loop, in front of the in-memory FakeEngine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc

from engine.clock import ControlledClock
from engine.server import EngineHost
from wenping.settings import EngineSettings

from .fake_engine import FakeEngine

PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_1">
  <bpmn:process id="Process_%s" isExecutable="true">
    <bpmn:serviceTask id="Task_Work">%s</bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>
"""


@dataclass
class Gateway:
    host: EngineHost
    fake: FakeEngine
    clock: ControlledClock
    channel: grpc.aio.Channel
    client: ZeebeClient
    stub: pb_grpc.GatewayStub

    async def deploy(self, name: str, job_type: str | None, tmp_path: Path) -> None:
        """Deploy ``Process_<name>``; its instances wait for one job of ``job_type``."""
        path = tmp_path / f"{name}.bpmn"
        task = (
            f'<bpmn:extensionElements><zeebe:taskDefinition type="{job_type}" />'
            "</bpmn:extensionElements>"
            if job_type
            else ""
        )
        path.write_bytes(PROCESS % (name.encode(), task.encode()))
        await self.client.deploy_resource(str(path))

    async def until(self, condition: Callable[[], bool]) -> None:
        """Let the loop run (gRPC I/O included) until ``condition`` holds."""
        for _ in range(2000):
            if condition():
                return
            await asyncio.sleep(0.001)
        raise AssertionError("condition not reached")

    def advance(self, ms: int) -> None:
        self.clock.advance(ms)
        self.host.tick_until_idle()


def make_settings(tmp_path: Path, **overrides: object) -> EngineSettings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'engine.db'}",
        "grpc_port": 0,
        "rest_port": 0,
        "long_poll_default_ms": 10_000,
    }
    values.update(overrides)
    return EngineSettings.model_validate(values)


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    clock = ControlledClock()
    fakes: list[FakeEngine] = []

    def factory(settings: EngineSettings, clk: object, exporters: object) -> FakeEngine:
        fakes.append(FakeEngine(settings, clock=clock))
        return fakes[-1]

    host = EngineHost(
        make_settings(tmp_path, long_poll_default_ms=200),
        clock=clock,
        engine_factory=factory,  # type: ignore[arg-type]
        enable_rest=False,
    )
    await host.start()
    ticker = asyncio.create_task(host.run())
    channel = create_insecure_channel(grpc_address=f"127.0.0.1:{host.grpc_port}")
    try:
        yield Gateway(
            host, fakes[0], clock, channel, ZeebeClient(channel), pb_grpc.GatewayStub(channel)
        )
    finally:
        await channel.close()
        host.request_stop()
        await ticker
        await host.stop()
