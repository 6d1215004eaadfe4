"""``wenping demo``: one realistic item through the whole 3399 pipeline, printed in Chinese.

Uses the engine at ``ZEEBE_ADDRESS`` if one answers there; otherwise starts the embedded engine
in this process on free ports with a temporary store. Deploys bpmn/ dmn/ forms/, runs the real
workers in-process, seeds the demo expert pools, registers a shantytown renovation in 白银区 that
part of the residents oppose (a demo item: its stakeholder register is generated), and completes
every user task through the Camunda REST API as the staff at the right desk would. Then it prints
where the case went: stages, colours, who took the case (包案), decisions, filing number, report.

The scripted case is in :mod:`wenping.demo.case`, running it in :mod:`wenping.demo.runner` and
the printed report in :mod:`wenping.demo.report`.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import httpx

from wenping.demo.runner import DemoFailed, run_case
from wenping.logging import configure_logging
from wenping.settings import Settings

__all__ = ["main", "run_demo"]


def run_demo(settings: Settings) -> int:
    """Run the demo case end to end and print where it went; the exit code of ``wenping demo``."""
    if settings.environment != "development":
        # Demo experts would join the real pools and the demo item would take a filing number.
        sys.stderr.write("wenping demo: 仅限开发和演示环境（WENPING_ENVIRONMENT=development）\n")
        return 2
    if settings.log_level.upper() == "INFO":
        # The story goes to stdout; below WARNING, engine and worker logs would bury it.
        configure_logging(level="WARNING", json=settings.log_json)
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return asyncio.run(run_case(settings))
    except (httpx.HTTPError, TimeoutError, DemoFailed) as exc:
        sys.stderr.write(f"wenping demo: 演示未能完成：{exc}\n")
        return 1


def main() -> int:
    """``python -m wenping.demo``: the same as ``wenping demo``, configured from the environment."""
    settings = Settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return run_demo(settings)
