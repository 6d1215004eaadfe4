"""Fixtures of the conformance suite: ``conf`` drives a fresh engine per test through pyzeebe.

The suite speaks only gRPC, so the harness runs without the REST server: stopping uvicorn costs
about 0.2 s per test, which would dominate the folder's runtime.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conf_support import Conf
from zeebe_suite import Zeebe

from engine.clock import ControlledClock
from engine.testing import EngineHarness


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[EngineHarness]:
    h = EngineHarness(tmp_path, clock=ControlledClock(), enable_rest=False)
    try:
        yield h
    finally:
        h.stop()


@pytest.fixture
def conf(zeebe: Zeebe, tmp_path: Path) -> Conf:
    return Conf(zeebe, tmp_path)
