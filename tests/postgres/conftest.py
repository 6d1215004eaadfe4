"""PostgreSQL for the tests in this folder: a throwaway cluster per session, a database per test.

The cluster comes from ``tools/pg-test-cluster`` (initdb into a temporary folder, trust auth, a
free port). ``WENPING_PG_TEST_URL`` points the tests at an existing server instead (a superuser
URL; each test creates and drops its own database there).

Without PostgreSQL server binaries the tests here are deselected at collection with a line saying
why, except in CI (``CI=true``), where the missing binaries make every test here fail: CI must
run them.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import text

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent.parent / "tools" / "pg-test-cluster"
URL_ENV = "WENPING_PG_TEST_URL"
_MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install them "
    "(apt-get install -y postgresql) or set PG_BINDIR, or point WENPING_PG_TEST_URL at a server"
)
_deselect_reason: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _binaries_found() -> bool:
    result = subprocess.run(
        [str(SCRIPT), "bindir"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.returncode == 0


def _is_here(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect this folder's tests when there is no PostgreSQL to run them on (outside CI)."""
    mine = [item for item in items if _is_here(item)]
    if not mine or os.environ.get(URL_ENV) or _in_ci() or _binaries_found():
        return
    items[:] = [item for item in items if not _is_here(item)]
    config.hook.pytest_deselected(items=mine)
    _deselect_reason.append(f"tests/postgres: {len(mine)} tests deselected. {_MISSING}")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(_deselect_reason[-1], yellow=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Repeat the reason at the end, where it cannot scroll away."""
    for line in _deselect_reason:
        terminalreporter.write_line(line, yellow=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Superuser URL of a running PostgreSQL server (a throwaway cluster unless configured)."""
    configured = os.environ.get(URL_ENV)
    if configured:
        yield configured
        return
    if not _binaries_found():
        # Only reached in CI (elsewhere these tests were deselected): fail loudly, never skip.
        pytest.fail(f"CI=true but {_MISSING}", pytrace=False)
    folder = tempfile.mkdtemp(prefix="wenping-pg-")
    started = subprocess.run(
        [str(SCRIPT), "start", folder], capture_output=True, text=True, check=False, timeout=120
    )
    if started.returncode != 0:
        pytest.fail(f"tools/pg-test-cluster start failed:\n{started.stderr}", pytrace=False)
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(SCRIPT), "stop", folder], check=False, timeout=60)


_database_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """URL of a new, empty database, dropped after the test (``WITH (FORCE)`` ends leftovers)."""
    name = f"wenping_test_{os.getpid()}_{next(_database_numbers)}"
    admin = sqlalchemy.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8'))
        # The driver spelled out, as deploy/ configures it (postgresql:// alone also means psycopg).
        url = sqlalchemy.make_url(pg_server).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
