"""Row writes of the projection with statements built once and reused.

Building a SQLAlchemy statement per record costs far more than executing it, so each statement
is built once per table and column set and executed with bound parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, bindparam

_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def update(
    conn: Connection, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]
) -> int:
    """``UPDATE table SET values WHERE key``; the number of rows changed."""
    cache_key = ("update", table.name, tuple(key), tuple(values))
    stmt = _STATEMENTS.get(cache_key)
    if stmt is None:
        stmt = (
            table.update()
            .where(*(table.c[name] == bindparam(f"k_{name}") for name in key))
            .values({name: bindparam(f"v_{name}") for name in values})
        )
        _STATEMENTS[cache_key] = stmt
    params = {f"k_{n}": v for n, v in key.items()} | {f"v_{n}": v for n, v in values.items()}
    return int(conn.execute(stmt, params).rowcount)


def insert(conn: Connection, table: Table, rows: Mapping[str, Any] | list[dict[str, Any]]) -> None:
    """``INSERT`` one row or many."""
    stmt = _STATEMENTS.setdefault(("insert", table.name), table.insert())
    conn.execute(stmt, rows)


def delete(conn: Connection, table: Table, key: Mapping[str, Any]) -> None:
    """``DELETE FROM table WHERE key``."""
    cache_key = ("delete", table.name, tuple(key))
    stmt = _STATEMENTS.get(cache_key)
    if stmt is None:
        stmt = table.delete().where(*(table.c[name] == bindparam(f"k_{name}") for name in key))
        _STATEMENTS[cache_key] = stmt
    conn.execute(stmt, {f"k_{n}": v for n, v in key.items()})


def upsert(
    conn: Connection, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Update the row with primary key ``key``, or insert it: works on SQLite and PostgreSQL."""
    if update(conn, table, key, values) == 0:
        insert(conn, table, {**key, **values})
