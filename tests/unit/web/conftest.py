"""Fixtures: the web app against the in-memory Camunda REST fake."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from web_fake_camunda import FakeCamunda
from web_testkit import NOW, PASSWORD

from web.app import create_app
from web.settings import WebSettings
from web.users import UserDirectory, build_directory


@pytest.fixture(scope="session")
def directory() -> UserDirectory:
    # A cheap scrypt cost keeps the suite fast; the production cost is tested in test_web_users.
    return build_directory(demo_password=PASSWORD, users_file=None, n=2**4)


@pytest.fixture
def fake() -> FakeCamunda:
    return FakeCamunda()


@pytest.fixture
async def web(fake: FakeCamunda, directory: UserDirectory) -> AsyncIterator[httpx.AsyncClient]:
    settings = WebSettings(WENPING_ENVIRONMENT="development")
    app = create_app(settings, transport=fake.transport(), directory=directory, now=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
