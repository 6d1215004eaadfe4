"""The durable store: live state rows, deployed resources, counters and the record log.

Every engine command (or group of commands, with group commit) ends in exactly one
:meth:`Store.commit` — one SQL transaction holding its state-row changes, new records, resources
and counters, with any inline exporters called inside it — so a command is either entirely
durable or not at all. Deferred exporters get the committed records later (:meth:`Store.export`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import bindparam, event, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import StaticPool

from engine.api import Exporter, Record
from engine.errors import InvalidArgument
from engine.store import schema, sqlite_writes
from engine.store.checkpoint import Checkpointer
from engine.store.lock import StoreLock
from engine.store.migrations import migrate
from engine.store.rows import (
    EXPORTED_POSITION,
    ResourceRow,
    StateRow,
    WriteBatch,
    record_from_row,
    record_row,
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


def sqlite_path(url: sqlalchemy.URL) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database or "")


WRITER_CACHE_KIB = 64 * 1024
"""SQLite page cache of the writing connection, in KiB."""

JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
"""Bytes of WAL file kept after the log restarts (SQLite truncates it to this)."""


def create_sql_engine(
    database_url: str, *, sqlite_synchronous: str = "NORMAL", background_checkpoints: bool = False
) -> sqlalchemy.Engine:
    """A SQLAlchemy engine for the store URL, with WAL and the synchronous pragma on SQLite.

    ``background_checkpoints``: its connections never checkpoint the WAL themselves (the
    store's :class:`~engine.store.checkpoint.Checkpointer` does)."""
    url = sqlalchemy.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return sqlalchemy.create_engine(url)
    path = sqlite_path(url)
    if path is None:
        engine = sqlalchemy.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sqlalchemy.create_engine(url, connect_args={"check_same_thread": False})
    synchronous = sqlite_synchronous.upper()
    if synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise InvalidArgument(
            f"sqlite_synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}"
        )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=5000")
        if background_checkpoints and path is not None:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            # After the log restarts from its beginning, the file shrinks back to this.
            cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        cursor.close()

    return engine


class Store:
    """Owns the SQL engine and the single-engine lock of one store."""

    def __init__(self, database_url: str, *, sqlite_synchronous: str = "NORMAL") -> None:
        self._url = database_url
        self._synchronous = sqlite_synchronous
        self._engine: sqlalchemy.Engine | None = None
        self._lock = StoreLock()
        self._prepared: dict[str, Any] | None = None
        # SQLite file stores: every write goes through one kept connection, so SQLite's page
        # cache stays warm (another connection's write would make it start cold).
        self._writer: sqlalchemy.Connection | None = None
        self._checkpointer: Checkpointer | None = None
        self._sqlite_file = False  # a SQLite file store: commits take the raw connection

    @property
    def sql_engine(self) -> sqlalchemy.Engine:
        if self._engine is None:
            raise RuntimeError("store is not open")
        return self._engine

    def open(self) -> None:
        """Connect, take the single-engine lock, and migrate the schema."""
        engine = create_sql_engine(
            self._url, sqlite_synchronous=self._synchronous, background_checkpoints=True
        )
        try:
            path = sqlite_path(engine.url)
            if path is not None:
                self._lock.acquire_file(path)
                self._checkpointer = Checkpointer(path)
            elif engine.url.get_backend_name() == "postgresql":
                self._lock.acquire_postgres(engine)
            with engine.begin() as connection:
                migrate(connection, store_name=engine.url.render_as_string(hide_password=True))
        except BaseException:
            self._checkpointer = None
            self._lock.release()
            engine.dispose()
            raise
        self._engine = engine
        self._sqlite_file = path is not None
        if self._checkpointer is not None:
            self._checkpointer.start()

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._writer is not None:
            self._writer.close()  # back to the pool, disposed below
            self._writer = None
        self._lock.release()  # before dispose: the lock may hold one of the pool's connections
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def load_state(self) -> list[StateRow]:
        with self.sql_engine.connect() as connection:
            rows = connection.execute(select(schema.state).order_by(schema.state.c.key))
            return [StateRow(r.kind, r.key, r.process_instance_key, r.payload) for r in rows]

    def load_resources(self) -> list[ResourceRow]:
        t = schema.resources
        with self.sql_engine.connect() as connection:
            rows = connection.execute(select(t).order_by(t.c.key))
            return [
                ResourceRow(
                    key=r.key,
                    kind=r.kind,
                    resource_id=r.resource_id,
                    version=r.version,
                    resource_name=r.resource_name,
                    checksum=r.checksum,
                    deployment_key=r.deployment_key,
                    tenant_id=r.tenant_id,
                    parent_key=r.parent_key,
                    payload=r.payload,
                    content=r.content,
                    deleted=bool(r.deleted),
                )
                for r in rows
            ]

    def load_counters(self) -> dict[str, int]:
        """``engine_meta``'s counters; ``next_position`` follows the last logged record (commits
        do not write it; stores from before kept it in engine_meta)."""
        with self.sql_engine.connect() as connection:
            counters = {r.name: r.value for r in connection.execute(select(schema.meta))}
            last = connection.execute(select(sqlalchemy.func.max(schema.records.c.position)))
            after_last = (last.scalar() or 0) + 1
        counters["next_position"] = max(counters.get("next_position", 1), after_last)
        return counters

    def _statements(self) -> dict[str, Any]:
        """Statements built once per store: a command's commit only binds parameters."""
        if self._prepared is None:
            state, meta = schema.state, schema.meta
            upsert_state = self._insert(state)
            upsert_state = upsert_state.on_conflict_do_update(
                index_elements=["kind", "key"],
                set_={
                    "payload": upsert_state.excluded.payload,
                    "process_instance_key": upsert_state.excluded.process_instance_key,
                },
            )
            upsert_meta = self._insert(meta)
            upsert_meta = upsert_meta.on_conflict_do_update(
                index_elements=["name"], set_={"value": upsert_meta.excluded.value}
            )
            self._prepared = {
                "delete_state": state.delete().where(
                    state.c.kind == bindparam("b_kind"), state.c.key == bindparam("b_key")
                ),
                "upsert_state": upsert_state,
                "upsert_meta": upsert_meta,
                "insert_records": schema.records.insert(),
                "insert_resources": schema.resources.insert(),
                "delete_resource": schema.resources.update()
                .where(schema.resources.c.key == bindparam("b_key"))
                .values(deleted=1),
            }
        return self._prepared

    def commit(self, batch: WriteBatch, exporters: Sequence[Exporter] = ()) -> None:
        """Write ``batch`` in one transaction, calling each exporter inside it."""
        if self._sqlite_file and not (exporters or batch.resources or batch.deleted_resources):
            self._commit_sqlite(batch)
            return
        records = batch.records
        statements = self._statements()
        sqlite_fast = self.sql_engine.dialect.name == "sqlite"
        with self._begin() as connection:
            self._lock.fence(connection)
            if sqlite_fast:
                sqlite_writes.write_batch(connection.exec_driver_sql, batch)
                batch = dataclasses.replace(
                    batch, upserts={}, deletes=set(), counters={}, records=[]
                )
            if batch.deletes:
                connection.execute(
                    statements["delete_state"],
                    [{"b_kind": kind, "b_key": key} for kind, key in batch.deletes],
                )
            if batch.upserts:
                connection.execute(
                    statements["upsert_state"],
                    [
                        {
                            "kind": r.kind,
                            "key": r.key,
                            "process_instance_key": r.process_instance_key,
                            "payload": r.payload,
                        }
                        for r in batch.upserts.values()
                    ],
                )
            if batch.resources:
                connection.execute(
                    statements["insert_resources"],
                    [
                        {
                            "key": r.key,
                            "kind": r.kind,
                            "resource_id": r.resource_id,
                            "version": r.version,
                            "resource_name": r.resource_name,
                            "checksum": r.checksum,
                            "deployment_key": r.deployment_key,
                            "tenant_id": r.tenant_id,
                            "deleted": int(r.deleted),
                            "parent_key": r.parent_key,
                            "payload": r.payload,
                            "content": r.content,
                        }
                        for r in batch.resources
                    ],
                )
            if batch.deleted_resources:
                connection.execute(
                    statements["delete_resource"],
                    [{"b_key": key} for key in batch.deleted_resources],
                )
            if batch.counters:
                connection.execute(
                    statements["upsert_meta"],
                    [{"name": k, "value": v} for k, v in batch.counters.items()],
                )
            if batch.records:
                connection.execute(
                    statements["insert_records"], [record_row(r) for r in batch.records]
                )
            if records:
                for exporter in exporters:
                    exporter.export(connection, records)

    def _writer_connection(self) -> sqlalchemy.Connection:
        if self._writer is None:
            self._writer = self.sql_engine.connect()
            # A large page cache for the one connection that writes every step (pooled
            # readers keep SQLite's default, so idle connections hold little memory).
            self._writer.exec_driver_sql(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self._writer.commit()
        return self._writer

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sqlalchemy.Connection]:
        """A write transaction: on the kept connection of a SQLite file, else a pooled one."""
        if not self._sqlite_file:
            with self.sql_engine.begin() as connection:
                yield connection
            return
        connection = self._writer_connection()
        with connection.begin():
            yield connection

    def _commit_sqlite(self, batch: WriteBatch) -> None:
        """The commit of a step on a SQLite file, on the driver's connection (kept open)."""
        connection: Any = self._writer_connection().connection.driver_connection
        try:
            sqlite_writes.write_batch(connection.executemany, batch)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        if self._checkpointer is not None:
            self._checkpointer.finish_on(connection)

    def export(self, records: Sequence[Record], exporters: Sequence[Exporter]) -> None:
        """Hand committed ``records`` to ``exporters`` in a transaction of their own, and note
        the last one as exported (``exported_position``), so a restart goes on from there."""
        if not records or not exporters:
            return
        statements = self._statements()
        with self._begin() as connection:
            self._lock.fence(connection)
            for exporter in exporters:
                exporter.export(connection, records)
            connection.execute(
                statements["upsert_meta"],
                [{"name": EXPORTED_POSITION, "value": records[-1].position}],
            )

    def set_counter(self, name: str, value: int) -> None:
        """Write one ``engine_meta`` counter in a transaction of its own."""
        with self._begin() as connection:
            self._lock.fence(connection)
            connection.execute(self._statements()["upsert_meta"], [{"name": name, "value": value}])

    def records_after(self, position: int, limit: int) -> list[Record]:
        """Up to ``limit`` logged records after ``position``, in log order."""
        t = schema.records
        with self.sql_engine.connect() as connection:
            rows = connection.execute(
                select(t).where(t.c.position > position).order_by(t.c.position).limit(limit)
            )
            return [record_from_row(r) for r in rows]

    def _insert(self, table: sqlalchemy.Table) -> Any:
        if self.sql_engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)


def read_history(engine: sqlalchemy.Engine, process_instance_key: int) -> list[Record]:
    """Records of an instance and its descendants (call activities), in log order."""
    t = schema.records
    with engine.connect() as connection:
        keys = {process_instance_key}
        frontier = [process_instance_key]
        while frontier:
            children = connection.execute(
                select(t.c.process_instance_key)
                # "> 0" lets the database use the partial index of child records; a literal,
                # so that a generic PostgreSQL plan can use it too.
                .where(
                    t.c.parent_process_instance_key.in_(frontier),
                    t.c.parent_process_instance_key > literal_column("0"),
                )
                .distinct()
            ).scalars()
            frontier = [k for k in children if k not in keys]
            keys.update(frontier)
        rows = connection.execute(
            select(t).where(t.c.process_instance_key.in_(keys)).order_by(t.c.position)
        )
        return [record_from_row(r) for r in rows]
