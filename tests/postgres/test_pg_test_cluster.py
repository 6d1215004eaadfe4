"""tools/pg-test-cluster never deletes or reuses a folder it did not create."""

from __future__ import annotations

import subprocess
from pathlib import Path

import sqlalchemy

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "pg-test-cluster"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, timeout=60
    )


def test_stop_refuses_a_folder_it_did_not_create(tmp_path: Path) -> None:
    keep = tmp_path / "data.txt"
    keep.write_text("重要数据", encoding="utf-8")
    result = _run("stop", str(tmp_path))
    assert result.returncode == 1
    assert "not a cluster made by pg-test-cluster" in result.stderr
    assert keep.read_text(encoding="utf-8") == "重要数据"


def test_start_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x", encoding="utf-8")
    result = _run("start", str(tmp_path))
    assert result.returncode == 64
    assert "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["something"]


def test_the_printed_url_is_a_superuser_postgres_url(pg_server: str) -> None:
    url = sqlalchemy.make_url(pg_server)
    assert url.get_backend_name() == "postgresql"
    sql = sqlalchemy.create_engine(url)
    try:
        with sql.connect() as connection:
            assert connection.execute(sqlalchemy.text("SHOW is_superuser")).scalar() == "on"
            assert connection.execute(sqlalchemy.text("SHOW server_encoding")).scalar() == "UTF8"
    finally:
        sql.dispose()
