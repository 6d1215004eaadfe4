"""Fixtures: a running engine with its REST app, and an httpx client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from rest_support import Running


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    engine = Running(tmp_path)
    yield engine
    engine.engine.close()


@pytest.fixture
async def client(running: Running) -> AsyncIterator[httpx.AsyncClient]:
    async with running.client() as c:
        yield c
