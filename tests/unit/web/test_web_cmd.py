"""``wenping web`` refuses unsafe settings before it serves anything."""

from __future__ import annotations

import pytest

from wenping.settings import Settings
from wenping.web_cmd import run_web


def test_production_without_a_session_secret_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WENPING_WEB_SESSION_SECRET", raising=False)
    assert run_web(Settings(environment="production")) == 2
