"""The server refuses to expose the REST API without authentication (engine.rest's rule)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.server import serve

from .conftest import make_settings
from .test_server import fake_factory


async def test_rest_on_a_public_address_without_auth_refuses_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, rest_host="0.0.0.0")
    assert await serve(settings, engine_factory=fake_factory) == 1  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "cannot start" in err and "WENPING_ENGINE_REST_TOKEN" in err
