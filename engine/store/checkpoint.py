"""WAL checkpoints of a SQLite store on a thread of their own.

In WAL mode SQLite copies committed pages back into the database file in a *checkpoint*, which
by default the committing connection runs whenever the log passes 1,000 pages: then one
command in fifty pays for copying and syncing everything the others wrote. The store turns that
off for its own connections and runs passive checkpoints here instead, off the engine's thread
(SQLite releases the GIL meanwhile). A passive checkpoint never blocks readers or the writer.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

INTERVAL_S = 0.5
"""How often the log is checkpointed; it restarts from its beginning once fully copied."""


class Checkpointer:
    """A daemon thread running ``PRAGMA wal_checkpoint(PASSIVE)`` every :data:`INTERVAL_S`."""

    def __init__(self, path: Path, *, interval_s: float = INTERVAL_S) -> None:
        self._path = path
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last checkpoint (so a clean stop leaves a short log)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=5000")
            while True:
                stopping = self._stop.wait(self._interval_s)
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # e.g. the disk is full: the log just grows
                    log.warning("store.checkpoint_failed", error=type(exc).__name__)
                if stopping:
                    return
        finally:
            connection.close()
