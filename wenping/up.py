"""``wenping up``: the whole system on one machine with the embedded defaults.

Starts the engine, waits until its gateway answers, deploys bpmn/ dmn/ forms/, then starts the
workers and the web app, each as its own process (as in production, so one crashing does not take
the others down silently: ``up`` stops everything and says which one ended). Ctrl-C stops all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import structlog

from wenping.deploy import deploy_files, model_files
from wenping.settings import Settings

log = structlog.get_logger(__name__)

STARTUP_TIMEOUT_S = 30.0


def _spawn(name: str, args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    log.info("starting", part=name)
    return subprocess.Popen([sys.executable, "-m", "wenping.cli", *args], env=env)


class _Stopped(Exception):
    """Ctrl-C (or SIGTERM) arrived while starting."""


async def _wait_for_gateway(
    address: str, proc: subprocess.Popen[bytes], stop: threading.Event
) -> None:
    """Poll Topology until the engine answers; fail fast if the engine process ended."""
    from pyzeebe import ZeebeClient, create_insecure_channel

    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if stop.is_set():
            raise _Stopped
        if proc.poll() is not None:
            raise RuntimeError(f"the engine exited with code {proc.returncode}")
        channel = create_insecure_channel(grpc_address=address)
        try:
            await ZeebeClient(channel).topology()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the engine did not answer on {address}") from None
            await asyncio.sleep(0.2)
        finally:
            await channel.close()


def _web_url() -> str:
    """Where the web app listens, from its own settings (``WENPING_WEB_HOST``/``_PORT``)."""
    from pydantic import ValidationError

    from web.settings import WebSettings

    try:
        web = WebSettings()
    except ValidationError:
        return "（网页设置有误，见其日志 / web settings refused, see its log）"
    return f"http://{web.host}:{web.port}"


def run_up(settings: Settings) -> int:
    """Run engine, deployment, workers and web app until Ctrl-C or until one of them ends."""
    # Ctrl-C and SIGTERM set a flag instead of raising KeyboardInterrupt wherever the main
    # thread happens to be: raised inside Popen.poll() it can leave the Popen's internal lock
    # held, and the final wait() then hangs for ever.
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return _run(settings, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(settings: Settings, stop: threading.Event) -> int:
    Path("var").mkdir(exist_ok=True)
    env = dict(os.environ)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    procs["engine"] = _spawn("engine", ["engine", "run"], env)
    try:
        asyncio.run(_wait_for_gateway(settings.workers.zeebe_address, procs["engine"], stop))
        files = model_files(settings.models_dir)
        asyncio.run(deploy_files(settings.workers.zeebe_address, files))
        if stop.is_set():
            return 0
        procs["worker"] = _spawn("worker", ["worker"], env)
        procs["web"] = _spawn("web", ["web"], env)
        sys.stderr.write(
            "wenping: 已启动 — engine gRPC "
            f"{settings.engine.grpc_host}:{settings.engine.grpc_port}, REST "
            f"http://{settings.engine.rest_host}:{settings.engine.rest_port}/v2, "
            f"web {_web_url()} (Ctrl-C 停止)\n"
        )
        while not stop.wait(0.5):
            for name, proc in procs.items():
                if proc.poll() is not None:
                    log.error("part ended", part=name, exit_code=proc.returncode)
                    return proc.returncode or 1
        return 0
    except _Stopped:
        return 0
    except RuntimeError as exc:
        log.error("start-up failed", reason=str(exc))
        return 1
    finally:
        for proc in reversed(list(procs.values())):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        # One shared grace period, then kill: Ctrl-C must not hang on a part that ignores it.
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
