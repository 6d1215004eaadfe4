"""The durable store of the embedded engine (SQLite WAL by default, PostgreSQL by URL)."""

from engine.store.store import (
    EXPORTED_POSITION,
    ResourceRow,
    StateRow,
    Store,
    WriteBatch,
    create_sql_engine,
    read_history,
    record_from_row,
    sqlite_path,
)

__all__ = [
    "EXPORTED_POSITION",
    "ResourceRow",
    "StateRow",
    "Store",
    "WriteBatch",
    "create_sql_engine",
    "read_history",
    "record_from_row",
    "sqlite_path",
]
