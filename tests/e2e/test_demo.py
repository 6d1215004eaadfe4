"""``wenping demo`` as a user runs it: a separate process that prints where the item went."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from wenping.demo import run_demo
from wenping.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FILING = re.compile(r"^备案号：(白银区稳评备〔\d{4}〕第\d{4}号)$", re.M)
REPORT = re.compile(r"^评估报告：(.+\.docx)$", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _demo_command() -> list[str]:
    """``wenping demo``, through the console entry point a user runs."""
    return [sys.executable, "-m", "wenping.cli", "demo"]


def test_demo_runs_one_item_end_to_end_and_names_its_filing_and_report(tmp_path: Path) -> None:
    env = {
        **os.environ,
        # nothing answers here, so the demo starts its own engine on a temporary store
        "ZEEBE_ADDRESS": f"127.0.0.1:{_free_port()}",
        "WENPING_MODELS_DIR": str(ROOT),
        "WENPING_REPORTS_DIR": str(tmp_path / "reports"),
    }
    done = subprocess.run(
        _demo_command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr[-2000:]

    out = done.stdout
    assert FILING.search(out), out
    for stage in range(1, 9):
        assert f"第{stage}环节" in out, stage
    assert "包案" in out and "准予实施" in out
    match = REPORT.search(out)
    assert match, out
    report = Path(match.group(1))
    assert report.is_file() and report.is_relative_to(tmp_path / "reports")
    text = "\n".join(p.text for p in docx.Document(str(report)).paragraphs)
    assert "棚户区改造" in text
    # the temporary engine and domain stores are gone; nothing was left in the working folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_demo_refuses_to_run_outside_development(capsys: pytest.CaptureFixture[str]) -> None:
    # it would add demo experts to the real pools and take a real filing number
    assert run_demo(Settings(environment="production")) == 2
    assert "WENPING_ENVIRONMENT=development" in capsys.readouterr().err
