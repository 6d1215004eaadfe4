"""The engine host: refusal of a second engine on the same store, ports, and the test harness."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from engine.api import Exporter
from engine.clock import Clock, ControlledClock
from engine.errors import FailedPrecondition
from engine.server import EngineHost, serve
from engine.testing import EngineHarness
from wenping.settings import EngineSettings

from .conftest import PROCESS, make_settings
from .fake_engine import FakeEngine


def fake_factory(
    settings: EngineSettings, clock: Clock, exporters: Sequence[Exporter]
) -> FakeEngine:
    return FakeEngine(settings, clock=clock, exporters=exporters)


async def test_second_engine_on_the_same_store_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path)
    first = EngineHost(settings, engine_factory=fake_factory, enable_rest=False)  # type: ignore[arg-type]
    await first.start()
    try:
        code = await serve(settings, engine_factory=fake_factory)  # type: ignore[arg-type]
        assert code == 1
        err = capsys.readouterr().err
        assert "cannot start" in err and "locked by another engine" in err
    finally:
        await first.stop()


async def test_grpc_port_in_use_is_refused_with_the_address(tmp_path: Path) -> None:
    first = EngineHost(
        make_settings(tmp_path / "a"), engine_factory=fake_factory, enable_rest=False
    )  # type: ignore[arg-type]
    await first.start()
    try:
        taken = make_settings(tmp_path / "b", grpc_port=first.grpc_port)
        second = EngineHost(taken, engine_factory=fake_factory, enable_rest=False)  # type: ignore[arg-type]
        with pytest.raises(FailedPrecondition, match=f"127.0.0.1:{first.grpc_port}"):
            await second.start()
    finally:
        await first.stop()


async def test_harness_runs_the_server_in_a_thread_and_moves_its_clock(tmp_path: Path) -> None:
    clock = ControlledClock()
    harness = EngineHarness(
        tmp_path,
        clock=clock,
        engine_factory=fake_factory,  # type: ignore[arg-type]
        enable_rest=False,
    )
    channel = create_insecure_channel(grpc_address=harness.grpc_address)
    try:
        bpmn = tmp_path / "h.bpmn"
        bpmn.write_bytes(
            PROCESS
            % (
                b"H",
                b'<bpmn:extensionElements><zeebe:taskDefinition type="h" />'
                b"</bpmn:extensionElements>",
            )
        )
        client = ZeebeClient(channel)
        await client.deploy_resource(str(bpmn))
        created = await client.run_process("Process_H")
        key = created.process_instance_key
        await harness.wait_for_record(key, value_type="JOB", intent="CREATED")
        stub = GatewayStub(channel)
        request = pb.ActivateJobsRequest(
            type="h", worker="w", timeout=60_000, maxJobsToActivate=1, requestTimeout=-1
        )
        (first,) = [j async for r in stub.ActivateJobs(request) for j in r.jobs]
        harness.advance_clock(60_000)  # returns once the job timeout has been processed
        assert [r.intent for r in harness.history(key)][-1] == "TIMED_OUT"
        (again,) = [j async for r in stub.ActivateJobs(request) for j in r.jobs]
        assert again.key == first.key
    finally:
        await channel.close()
        harness.stop()


async def test_wait_until_names_what_did_not_happen(tmp_path: Path) -> None:
    with EngineHarness(tmp_path, engine_factory=fake_factory, enable_rest=False) as harness:  # type: ignore[arg-type]
        with pytest.raises(TimeoutError, match="instance 99"):
            await harness.wait_for_record(99, value_type="JOB", intent="CREATED", timeout_s=0.05)
        assert await asyncio.wait_for(harness.wait_until(lambda e: True), 5) is True
