"""The single-engine lock: one engine per store, or two would corrupt each other's state.

SQLite: an exclusive ``fcntl`` lock on ``<database>.lock`` next to the database file; the file
holds the holder's pid and host so the refusal can name them. PostgreSQL: a session-level
``pg_try_advisory_lock`` held on a dedicated connection for the engine's lifetime.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from typing import IO

import sqlalchemy
from sqlalchemy import text

from engine.errors import FailedPrecondition

# Arbitrary but fixed: the advisory lock id all wenping engines use on a PostgreSQL store.
_PG_LOCK_ID = 0x57454E50494E47


class StoreLock:
    """Held from :meth:`acquire` until :meth:`release`."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._connection: sqlalchemy.Connection | None = None

    def acquire_file(self, database_path: Path) -> None:
        """Lock ``<database_path>.lock`` or raise FailedPrecondition naming the holder."""
        lock_path = database_path.with_name(database_path.name + ".lock")
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held while open
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown process"
            handle.close()
            raise FailedPrecondition(
                f"Store '{database_path}' is locked by another engine ({holder}); "
                "stop it first, one engine per store"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on host {socket.gethostname()}")
        handle.flush()
        self._file = handle

    def acquire_postgres(self, engine: sqlalchemy.Engine) -> None:
        """Take the advisory lock on a dedicated connection or raise FailedPrecondition."""
        connection = engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
        if not got.scalar():
            holder = connection.execute(
                text(
                    "SELECT a.pid, a.client_addr, a.application_name FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.objid = :objid LIMIT 1"
                ),
                {"objid": _PG_LOCK_ID & 0xFFFFFFFF},
            ).first()
            connection.close()
            who = (
                f"another engine (database backend pid {holder[0]}, client "
                f"{holder[1] or 'local socket'})"
                if holder
                else "another engine"
            )
            raise FailedPrecondition(
                f"Store '{engine.url.render_as_string(hide_password=True)}' is locked by "
                f"{who}; stop it first, one engine per store"
            )
        connection.commit()
        self._connection = connection

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            # Unlock explicitly: closing only returns the connection to the pool, where the
            # session (and so its advisory lock) would live on.
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": _PG_LOCK_ID}
                )
                self._connection.commit()
            finally:
                self._connection.invalidate()
                self._connection.close()
                self._connection = None
