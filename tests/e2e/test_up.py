"""``wenping up`` as a user runs it: engine, deployed models, workers and web app, then Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_LIMIT_S = 60  # a hang guard, not a speed target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(url: str, proc: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + START_LIMIT_S
    while True:
        assert proc.poll() is None, f"wenping up ended early with {proc.returncode}"
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"nothing answered at {url}"
            time.sleep(0.2)


def test_up_serves_the_deployed_models_to_the_task_list_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    grpc, rest, web = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "WENPING_ENVIRONMENT": "development",
        "WENPING_MODELS_DIR": str(ROOT),
        "ZEEBE_ADDRESS": f"127.0.0.1:{grpc}",
        "WENPING_ENGINE_GRPC_PORT": str(grpc),
        "WENPING_ENGINE_REST_PORT": str(rest),
        "WENPING_WEB_PORT": str(web),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenping.cli", "up"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        login = _wait_for(f"http://127.0.0.1:{web}/login", proc)
        assert login.status_code == 200 and "登录" in login.text
        # the models reached the engine: the main process is searchable over the REST API
        found = httpx.post(
            f"http://127.0.0.1:{rest}/v2/process-definitions/search",
            json={"filter": {"processDefinitionId": "Process_RiskAssessment"}},
            timeout=5,
        ).json()
        assert [d["processDefinitionId"] for d in found["items"]] == ["Process_RiskAssessment"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out[-2000:]
    assert "已启动" in out
    assert (tmp_path / "var").is_dir()  # the engine's store lives in the working folder
