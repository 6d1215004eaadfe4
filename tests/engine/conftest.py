"""Fixtures of the behaviour suite: a fresh engine per test behind a pyzeebe client.

See zeebe_suite.py for the helpers; the harness runs the real server in a thread on a temp
SQLite store with ephemeral ports and a controlled clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub
from zeebe_suite import Zeebe

from engine.clock import ControlledClock
from engine.testing import EngineHarness


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[EngineHarness]:
    h = EngineHarness(tmp_path, clock=ControlledClock())
    try:
        yield h
    finally:
        h.stop()


@pytest.fixture
async def zeebe(harness: EngineHarness) -> AsyncIterator[Zeebe]:
    channel = create_insecure_channel(grpc_address=harness.grpc_address)
    try:
        yield Zeebe(harness, channel, ZeebeClient(channel), GatewayStub(channel))
    finally:
        await channel.close()
