"""The writes of a step on SQLite as plain SQL: statement compilation and SQLAlchemy's
bookkeeping cost more than SQLite's own work for these small batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.store.rows import WriteBatch, record_tuple

ExecuteMany = Callable[[str, list[tuple[Any, ...]]], object]
"""``sqlite3.Connection.executemany`` or SQLAlchemy's ``Connection.exec_driver_sql``."""

SQLITE_DELETE_STATE = "DELETE FROM engine_state WHERE kind = ? AND key = ?"
SQLITE_UPSERT_STATE = (
    "INSERT INTO engine_state (kind, key, process_instance_key, payload) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload, "
    "process_instance_key = excluded.process_instance_key"
)
SQLITE_UPSERT_META = (
    "INSERT INTO engine_meta (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
# Column order is that of _record_tuple (and record_tuple's dict).
SQLITE_INSERT_RECORD = (
    "INSERT INTO engine_records (position, key, timestamp, record_type, value_type, intent, "
    "process_instance_key, parent_process_instance_key, rejection_type, rejection_reason, value) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def write_batch(executemany: ExecuteMany, batch: WriteBatch) -> None:
    """State rows, counters and records of ``batch`` (not its resources)."""
    if batch.deletes:
        executemany(SQLITE_DELETE_STATE, list(batch.deletes))
    if batch.upserts:
        executemany(
            SQLITE_UPSERT_STATE,
            [(r.kind, r.key, r.process_instance_key, r.payload) for r in batch.upserts.values()],
        )
    if batch.counters:
        executemany(SQLITE_UPSERT_META, list(batch.counters.items()))
    if batch.records:
        executemany(SQLITE_INSERT_RECORD, [record_tuple(r) for r in batch.records])
