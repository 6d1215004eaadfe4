"""``wenping web`` refuses unsafe settings before it serves anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from wenping.settings import EngineSettings, Settings
from wenping.web_cmd import run_web


def test_production_without_a_session_secret_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WENPING_WEB_SESSION_SECRET", raising=False)
    assert run_web(Settings(environment="production")) == 2


def test_web_follows_the_embedded_engines_rest_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served: list[Any] = []
    monkeypatch.delenv("CAMUNDA_REST_ADDRESS", raising=False)
    monkeypatch.setenv("WENPING_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append((app, kwargs)))
    settings = Settings(engine=EngineSettings(rest_host="127.0.0.1", rest_port=18123))
    assert run_web(settings) == 0
    ((app, kwargs),) = served
    assert app.state.settings.engine_url == "http://127.0.0.1:18123"
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 8000)
