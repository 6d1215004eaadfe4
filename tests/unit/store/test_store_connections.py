"""Which SQLite connection does what: one kept connection writes, pooled ones read."""

from __future__ import annotations

from pathlib import Path

from engine.api import Record
from engine.store import Store, WriteBatch
from engine.store.store import WRITER_CACHE_KIB


def record(position: int) -> Record:
    return Record(
        position=position,
        key=position,
        timestamp=0,
        record_type="EVENT",
        value_type="PROCESS_INSTANCE",
        intent="ELEMENT_ACTIVATED",
        process_instance_key=1,
        value={},
    )


class Seen:
    """An exporter noting the driver connection it was handed."""

    def __init__(self) -> None:
        self.connections: list[object] = []

    def export(self, connection: object, records: object) -> None:
        self.connections.append(connection.connection.driver_connection)  # type: ignore[attr-defined]


def test_commits_and_exports_share_one_connection_with_a_large_cache(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'engine.db'}")
    store.open()
    try:
        store.commit(WriteBatch(records=[record(1)]))
        seen = Seen()
        store.export([record(1)], [seen])
        writer = store._writer_connection().connection.driver_connection
        assert seen.connections == [writer], "another connection would start with a cold cache"
        assert writer.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
        with store.sql_engine.connect() as reader:
            # Pooled readers keep SQLite's default cache: idle connections hold little memory.
            size = reader.exec_driver_sql("PRAGMA cache_size").scalar()
            assert size != -WRITER_CACHE_KIB
            assert reader.exec_driver_sql("SELECT count(*) FROM engine_records").scalar() == 1
    finally:
        store.close()
