"""Loopback without configuration is open; anything else needs credentials, or will not start."""

from __future__ import annotations

import base64

import httpx
import pytest
import sqlalchemy
from fake_engine import FakeEngine, make_app
from pydantic import SecretStr

from engine.rest import ExposureError, check_exposure, is_loopback
from wenping.settings import EngineSettings

TOKEN = "s3cret-token-0123456789"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("wenping.example", False)],
)  # fmt: skip
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_default_settings_are_accepted() -> None:
    check_exposure(EngineSettings())


def test_exposed_without_credentials_refuses_to_start() -> None:
    with pytest.raises(ExposureError) as exc:
        check_exposure(EngineSettings(rest_host="0.0.0.0"))
    assert "WENPING_ENGINE_REST_TOKEN" in exc.value.message


@pytest.mark.parametrize(
    "settings",
    [
        {"rest_host": "0.0.0.0", "rest_token": SecretStr("short")},
        {"rest_host": "0.0.0.0", "rest_basic_user": "ops", "rest_basic_password": SecretStr("pw")},
        {"rest_basic_user": "ops"},  # half-configured basic auth, even on loopback
    ],
)
def test_weak_or_partial_credentials_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ExposureError):
        check_exposure(EngineSettings(**settings))


def test_exposed_with_token_starts(fake: FakeEngine, sql: sqlalchemy.Engine) -> None:
    make_app(fake, sql, rest_host="0.0.0.0", rest_token=SecretStr(TOKEN))
    with pytest.raises(ExposureError):
        make_app(fake, sql, rest_host="0.0.0.0")


async def _get(app: object, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://wenping:8080") as c:
        return await c.get("/v2/topology", headers=headers)


async def test_bearer_token_is_required_when_configured(
    fake: FakeEngine, sql: sqlalchemy.Engine
) -> None:
    app = make_app(fake, sql, rest_host="0.0.0.0", rest_token=SecretStr(TOKEN))
    missing = await _get(app, {})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["title"] == "UNAUTHORIZED"
    assert (await _get(app, {"Authorization": "Bearer wrong-token-0123456789"})).status_code == 401
    assert (await _get(app, {"Authorization": f"Bearer {TOKEN}"})).status_code == 200


async def test_basic_auth(fake: FakeEngine, sql: sqlalchemy.Engine) -> None:
    app = make_app(
        fake, sql, rest_host="0.0.0.0", rest_basic_user="ops",
        rest_basic_password=SecretStr("correct horse battery"),
    )  # fmt: skip

    def basic(user: str, password: str) -> dict[str, str]:
        raw = base64.b64encode(f"{user}:{password}".encode()).decode()
        return {"Authorization": f"Basic {raw}"}

    assert (await _get(app, basic("ops", "correct horse battery"))).status_code == 200
    assert (await _get(app, basic("ops", "wrong"))).status_code == 401
    assert (await _get(app, {"Authorization": "Basic !!!"})).status_code == 401
    assert (await _get(app, {"Authorization": f"Bearer {TOKEN}"})).status_code == 401


async def test_loopback_without_configuration_needs_no_credentials(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v2/topology")
    assert response.status_code == 200
    assert response.json()["gatewayVersion"] == "8.8.0"
