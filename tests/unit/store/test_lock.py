"""The PostgreSQL lock fence, with a stand-in connection (the real lock runs in tests/postgres)."""

from __future__ import annotations

from typing import Any, cast

import pytest
import sqlalchemy

from engine.errors import FailedPrecondition
from engine.store.lock import StoreLock


class _Result:
    def __init__(self, row: tuple[int] | None) -> None:
        self._row = row

    def first(self) -> tuple[int] | None:
        return self._row


class _Connection:
    """Answers the fence's pg_locks query with whether the lock session still holds the lock."""

    def __init__(self, held: bool) -> None:
        self.held = held
        self.queries: list[dict[str, Any]] = []

    def execute(self, _statement: Any, parameters: dict[str, Any]) -> _Result:
        self.queries.append(parameters)
        return _Result((1,) if self.held else None)


def _locked(pid: int = 4242) -> StoreLock:
    lock = StoreLock()
    lock._backend_pid = pid  # as acquire_postgres leaves it
    lock._store_name = "postgresql+psycopg://engine@db/wenping"
    return lock


def test_a_commit_goes_ahead_while_the_lock_session_holds_the_lock() -> None:
    lock, connection = _locked(), _Connection(held=True)
    lock.fence(cast(sqlalchemy.Connection, connection))
    assert connection.queries[0]["pid"] == 4242


def test_after_losing_the_lock_every_commit_is_refused() -> None:
    lock, connection = _locked(), _Connection(held=False)
    with pytest.raises(FailedPrecondition, match=r"lost its lock on store .*wenping"):
        lock.fence(cast(sqlalchemy.Connection, connection))
    connection.held = True  # even if a lock shows up again (another engine may hold it now)
    with pytest.raises(FailedPrecondition, match="restart it"):
        lock.fence(cast(sqlalchemy.Connection, connection))
    assert len(connection.queries) == 1


def test_sqlite_and_unlocked_stores_are_not_fenced() -> None:
    connection = _Connection(held=False)
    StoreLock().fence(cast(sqlalchemy.Connection, connection))
    assert connection.queries == []
