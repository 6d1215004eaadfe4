"""Keeping the search tables' schema current: create them, or rebuild them from the record log.

The search tables are a projection of the log, so their "migration" is a rebuild: when their
schema version differs from :data:`~engine.query.tables.SCHEMA_VERSION` (or they do not exist
yet while the log already holds records, e.g. a store created before the REST API), they are
dropped, recreated and every logged record is projected again, in log order, inside the
transaction that asked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog
from sqlalchemy import Connection, inspect, select

from engine.api import Record
from engine.query import tables as t
from engine.store import record_from_row
from engine.store.schema import records as log_table

log = structlog.get_logger(__name__)

REPLAY_CHUNK = 1000

Project = Callable[[Connection, Sequence[Record]], None]


def schema_version(conn: Connection) -> int | None:
    """The search tables' schema version, or ``None`` if they were never created."""
    if not inspect(conn).has_table(t.meta.name):
        return None
    return conn.execute(
        select(t.meta.c.value).where(t.meta.c.name == "schema_version")
    ).scalar_one_or_none()


def ensure_schema(conn: Connection, project: Project, *, before_position: int | None) -> bool:
    """Make the search tables current on ``conn``; ``True`` if they were (re)built.

    ``project`` applies records to the tables; the log is replayed up to (not including)
    ``before_position`` — the records of the committing batch are projected by the caller.
    """
    if schema_version(conn) == t.SCHEMA_VERSION:
        return False
    t.metadata.drop_all(conn, checkfirst=True)
    t.metadata.create_all(conn)
    conn.execute(t.meta.insert().values(name="schema_version", value=t.SCHEMA_VERSION))
    replayed = _replay(conn, project, before_position)
    log.info("search tables rebuilt", schema_version=t.SCHEMA_VERSION, records=replayed)
    return True


def _replay(conn: Connection, project: Project, before_position: int | None) -> int:
    if not inspect(conn).has_table(log_table.name):
        return 0
    position = log_table.c.position
    last = -1
    count = 0
    while True:
        stmt = select(log_table).where(position > last).order_by(position).limit(REPLAY_CHUNK)
        if before_position is not None:
            stmt = stmt.where(position < before_position)
        chunk = [record_from_row(row) for row in conn.execute(stmt)]
        if not chunk:
            return count
        project(conn, chunk)
        count += len(chunk)
        last = chunk[-1].position
