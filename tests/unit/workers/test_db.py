"""The database: schema version recorded once, concurrent start-ups agree, bulk insert works."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.db import SCHEMA_VERSION, SchemaVersion, create_schema, make_engine


def test_concurrent_start_ups_record_one_schema_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'w.db'}"  # the folder is created on demand
    engines = [make_engine(url) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        versions = list(pool.map(create_schema, engines))
    assert versions == [SCHEMA_VERSION] * 3
    with Session(engines[0]) as s:
        assert s.scalar(select(func.count()).select_from(SchemaVersion)) == 1
    assert create_schema(engines[0]) == SCHEMA_VERSION
