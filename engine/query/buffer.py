"""Row writes of one export call, coalesced in memory and written with one statement per shape.

A commit's records touch few rows many times (an element is activated and completed in the same
step; a process instance row is written, then its end date), and each SQL statement costs far
more in the driver layers than in the database. So the hot record types write here: upserts of
whole rows, partial updates and candidate sets are merged per row, then :meth:`flush` sends one
``executemany`` per table and column set, as plain driver SQL (no statement compilation).

Merging keeps SQL semantics: an update of a row pending insertion changes the pending row; an
update of another row stays an ``UPDATE`` (a no-op when the row does not exist); an upsert
overwrites the columns it names. A write the buffer cannot merge exactly flushes first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, text

from engine.query.tables import NUL, SearchText, storable

RowKey = tuple[Any, ...]
Row = dict[str, Any]

# (dialect, paramstyle, statement kind, table, columns…) → SQL text; built once per shape.
_SQL_CACHE: dict[tuple[str, ...], str] = {}


class WriteBuffer:
    """Pending writes of one export call on ``conn``; :meth:`flush` before anything reads."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # table → primary key values → the row to insert, or the columns to overwrite
        self._upserts: dict[Table, dict[RowKey, Row]] = {}
        # table → primary key values → columns to set on an existing row
        self._updates: dict[Table, dict[RowKey, Row]] = {}
        # (user task key, kind) → the complete candidate list of that kind
        self._candidates: dict[Table, dict[tuple[int, str], list[str]]] = {}

    def upsert(self, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Insert the row with primary key ``key``, or overwrite the columns ``values`` names.

        Upserts name every non-null column (a new row must be complete)."""
        row_key = tuple(key.values())
        updates = self._updates.get(table)
        if updates is not None and row_key in updates:
            if not updates[row_key].keys() <= values.keys():
                # The update changes columns this upsert keeps: they must apply in order.
                self.flush()
            else:
                del updates[row_key]
        rows = self._upserts.setdefault(table, {})
        pending = rows.get(row_key)
        if pending is None:
            rows[row_key] = {**key, **values}
        else:
            pending.update(values)

    def update(self, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Set ``values`` on the row with primary key ``key``, if that row exists.

        ``key`` names the table's primary key columns, in their order."""
        row_key = tuple(key.values())
        pending_row = self._upserts.get(table, {}).get(row_key)
        if pending_row is not None:
            pending_row.update(values)
            return
        updates = self._updates.setdefault(table, {})
        pending = updates.get(row_key)
        if pending is None:
            updates[row_key] = dict(values)
        else:
            pending.update(values)

    def set_candidates(
        self, table: Table, user_task_key: int, kind: str, values: list[str]
    ) -> None:
        """Replace the candidate rows of one kind (``group``/``user``) of a user task."""
        self._candidates.setdefault(table, {})[(user_task_key, kind)] = list(dict.fromkeys(values))

    def flush(self) -> None:
        """Write everything pending and start empty."""
        conn = self._conn
        for table, rows in self._upserts.items():
            _write_upserts(conn, table, rows)
        for table, updates in self._updates.items():
            _write_updates(conn, table, updates)
        for table, candidates in self._candidates.items():
            _write_candidates(conn, table, candidates)
        self._upserts.clear()
        self._updates.clear()
        self._candidates.clear()


_KEY_COLUMNS: dict[str, tuple[str, ...]] = {}


def _key_columns(table: Table) -> tuple[str, ...]:
    columns = _KEY_COLUMNS.get(table.name)
    if columns is None:
        columns = _KEY_COLUMNS[table.name] = tuple(c.name for c in table.primary_key.columns)
    return columns


def _write_upserts(conn: Connection, table: Table, rows: dict[RowKey, Row]) -> None:
    key_columns = _key_columns(table)
    for columns, shaped in _by_shape(rows.values()).items():

        def build(q: Callable[[str], str], p: str, cols: tuple[str, ...] = columns) -> str:
            others = [c for c in cols if c not in key_columns]
            action = (
                "DO UPDATE SET " + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in others)
                if others
                else "DO NOTHING"
            )
            return (
                f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) "
                f"VALUES ({', '.join(p for _ in cols)}) "
                f"ON CONFLICT ({', '.join(q(c) for c in key_columns)}) {action}"
            )

        _execute_many(conn, table, ("upsert", table.name, *columns), build, columns, shaped)


def _write_updates(conn: Connection, table: Table, updates: dict[RowKey, Row]) -> None:
    key_columns = _key_columns(table)
    rows = [
        values | dict(zip(key_columns, row_key, strict=True)) for row_key, values in updates.items()
    ]
    for shape, shaped in _by_shape(rows).items():
        columns = tuple(c for c in shape if c not in key_columns)
        order = (*columns, *key_columns)

        def build(q: Callable[[str], str], p: str, cols: tuple[str, ...] = columns) -> str:
            return (
                f"UPDATE {q(table.name)} SET {', '.join(f'{q(c)} = {p}' for c in cols)} "
                f"WHERE {' AND '.join(f'{q(c)} = {p}' for c in key_columns)}"
            )

        _execute_many(conn, table, ("update", table.name, *order), build, order, shaped)


def _write_candidates(
    conn: Connection, table: Table, candidates: dict[tuple[int, str], list[str]]
) -> None:
    name = table.name

    def delete(q: Callable[[str], str], p: str) -> str:
        return f"DELETE FROM {q(name)} WHERE {q('user_task_key')} = {p} AND {q('kind')} = {p}"

    order = ("user_task_key", "kind", "ordinal", "value")

    def insert(q: Callable[[str], str], p: str) -> str:
        return f"INSERT INTO {q(name)} ({', '.join(map(q, order))}) VALUES ({p}, {p}, {p}, {p})"

    keys = [{"user_task_key": key, "kind": kind} for key, kind in candidates]
    _execute_many(conn, table, ("delete", name), delete, ("user_task_key", "kind"), keys)
    rows = [
        {"user_task_key": key, "kind": kind, "ordinal": ordinal, "value": value}
        for (key, kind), values in candidates.items()
        for ordinal, value in enumerate(values)
    ]
    if rows:
        _execute_many(conn, table, ("insert", name), insert, order, rows)


def _by_shape(rows: Any) -> dict[tuple[str, ...], list[Row]]:
    shapes: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    return shapes


_POSITIONAL = {"qmark": "?", "format": "%s", "pyformat": "%s"}


_TEXT_COLUMNS: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def _make_storable(table: Table, order: Sequence[str], rows: list[Row]) -> None:
    """Replace U+0000 in the rows' text values, in place, as :class:`SearchText` does for
    SQLAlchemy statements: the SQL here bypasses column types."""
    cache_key = (table.name, tuple(order))
    columns = _TEXT_COLUMNS.get(cache_key)
    if columns is None:
        columns = tuple(c for c in order if isinstance(table.c[c].type, SearchText))
        _TEXT_COLUMNS[cache_key] = columns
    for row in rows:
        for column in columns:
            value = row[column]
            if type(value) is str and NUL in value:
                row[column] = storable(value)


def _execute_many(
    conn: Connection,
    table: Table,
    cache_key: tuple[str, ...],
    build: Callable[[Callable[[str], str], str], str],
    order: Sequence[str],
    rows: list[Row],
) -> None:
    """Run the statement ``build(quote, placeholder)`` on ``table`` once per row, parameters in
    ``order`` (text values made storable first).

    With a positional DB-API paramstyle (SQLite's ``qmark``, psycopg's ``format``) the SQL goes
    straight to the driver (on SQLite, its cursor); otherwise it runs as a SQLAlchemy ``text``
    with named parameters.
    """
    _make_storable(table, order, rows)
    dialect = conn.dialect
    marker = _POSITIONAL.get(dialect.paramstyle)
    full_key = (dialect.name, dialect.paramstyle, *cache_key)
    sql = _SQL_CACHE.get(full_key)
    if sql is None:
        quote = dialect.identifier_preparer.quote
        if marker is None:
            names = iter(order)
            sql = build(quote, "\0")
            while "\0" in sql:
                sql = sql.replace("\0", f":{next(names)}", 1)
        else:
            sql = build(quote, marker)
        _SQL_CACHE[full_key] = sql
    if marker is None:
        conn.execute(text(sql), rows)
        return
    params = [tuple(row[c] for c in order) for row in rows]
    if dialect.name == "sqlite":
        # The DB-API cursor of the connection's open transaction: SQLAlchemy's execution layers
        # cost more than SQLite's own work for these few rows, on every commit.
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(sql, params)
        finally:
            cursor.close()
    else:
        conn.exec_driver_sql(sql, params)
