"""The single-engine lock: one engine per store, or two would corrupt each other's state.

SQLite: an exclusive ``fcntl`` lock on ``<database>.lock`` next to the database file; the file
holds the holder's pid and host so the refusal can name them. PostgreSQL: a session-level
``pg_try_advisory_lock`` held on a dedicated connection for the engine's lifetime. That session
can end under the engine (``pg_terminate_backend``, ``idle_session_timeout``, a network cut, a
fail-over; transaction-mode PgBouncer is not supported), so every commit first checks, inside
its own transaction, that the lock is still held by that session (:meth:`StoreLock.fence`); an
engine that lost it refuses to commit until it is restarted.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from typing import IO

import sqlalchemy
import structlog
from sqlalchemy import text

from engine.errors import FailedPrecondition

log = structlog.get_logger(__name__)

# Arbitrary but fixed: the advisory lock id all wenping engines use on a PostgreSQL store.
_PG_LOCK_ID = 0x57454E50494E47
# A bigint advisory lock shows in pg_locks as classid (high half), objid (low half), objsubid 1;
# pg_locks lists the locks of every database of the cluster, hence the database filter.
_PG_LOCK_ROWS = (
    "l.locktype = 'advisory' AND l.granted "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND l.classid = :classid AND l.objid = :objid AND l.objsubid = 1"
)
_PG_LOCK_PARAMS = {"classid": _PG_LOCK_ID >> 32, "objid": _PG_LOCK_ID & 0xFFFFFFFF}


class StoreLock:
    """Held from :meth:`acquire` until :meth:`release`."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._connection: sqlalchemy.Connection | None = None
        self._backend_pid: int | None = None
        self._lost = False
        self._store_name = ""

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
        self._store_name = engine.url.render_as_string(hide_password=True)
        connection = engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": _PG_LOCK_ID})
        if not got.scalar():
            holder = connection.execute(
                text(
                    "SELECT a.pid, a.client_addr, a.application_name FROM pg_locks l "
                    f"JOIN pg_stat_activity a ON a.pid = l.pid WHERE {_PG_LOCK_ROWS} LIMIT 1"
                ),
                _PG_LOCK_PARAMS,
            ).first()
            connection.close()
            who = (
                f"another engine (database backend pid {holder[0]}, client "
                f"{holder[1] or 'local socket'})"
                if holder
                else "another engine"
            )
            raise FailedPrecondition(
                f"Store '{self._store_name}' is locked by {who}; stop it first, one engine per "
                "store"
            )
        self._backend_pid = int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        connection.commit()
        self._connection = connection
        self._lost = False

    def fence(self, connection: sqlalchemy.Connection) -> None:
        """Raise FailedPrecondition unless this engine's lock session still holds the lock.

        Run inside the committing transaction (PostgreSQL only): a commit after the lock was
        lost could interleave with a second engine that took the store over.
        """
        if self._backend_pid is None:
            return
        if not self._lost:
            held = connection.execute(
                text(f"SELECT 1 FROM pg_locks l WHERE {_PG_LOCK_ROWS} AND l.pid = :pid"),
                {**_PG_LOCK_PARAMS, "pid": self._backend_pid},
            ).first()
            if held is not None:
                return
            self._lost = True
            log.error(
                "store.lock_lost",
                store=self._store_name,
                lock_backend_pid=self._backend_pid,
                action="refusing every commit; restart the engine",
            )
        raise FailedPrecondition(
            f"The engine lost its lock on store '{self._store_name}' (its lock session, backend "
            f"pid {self._backend_pid}, ended) and no longer commits: restart it"
        )

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
            except sqlalchemy.exc.DBAPIError:
                # The session is gone, and with it the lock: nothing left to release.
                log.warning("store.lock_session_gone", store=self._store_name)
            finally:
                self._connection.invalidate()
                self._connection.close()
                self._connection = None
                self._backend_pid = None
