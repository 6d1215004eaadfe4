"""WAL checkpoints of a SQLite store on a thread of their own.

In WAL mode SQLite copies committed pages back into the database file in a *checkpoint*, which
by default the committing connection runs whenever the log passes 1,000 pages: then one
command in fifty pays for copying and syncing everything the others wrote. The store turns that
off for its own connections and runs passive checkpoints here instead, off the engine's thread
(SQLite releases the GIL meanwhile). A passive checkpoint never blocks readers or the writer.

Under a steady stream of commits the log would never start again from its beginning: SQLite
restarts it only when a write begins while every frame is copied, and new frames arrive while
a checkpoint runs. So once the log passes :data:`RESTART_FRAMES`, this thread checkpoints in
quick succession (each pass copies only what came since the last one) and raises
:attr:`Checkpointer.restart_wanted`; the store's writer then runs the last, tiny, passive
checkpoint itself between two commits (:meth:`Checkpointer.finish_on`), and its next commit
starts the log from the beginning. ``journal_size_limit`` then gives the space back.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

INTERVAL_S = 0.5
"""How often the log is checkpointed; it restarts from its beginning once fully copied."""

RESTART_FRAMES = 4096
"""A log this long (pages of 4 KiB: 16 MiB) is brought back to its beginning."""

CATCH_UP_S = 0.01
"""The pause between checkpoints while the log is longer than :data:`RESTART_FRAMES`."""


class Checkpointer:
    """A daemon thread running ``PRAGMA wal_checkpoint(PASSIVE)`` every :data:`INTERVAL_S`."""

    def __init__(self, path: Path, *, interval_s: float | None = None) -> None:
        self._path = path
        self._interval_s = INTERVAL_S if interval_s is None else interval_s
        self._stop = threading.Event()
        self.restart_wanted = False
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last checkpoint (so a clean stop leaves a short log)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def finish_on(self, connection: sqlite3.Connection) -> None:
        """On the store's writing connection, between two commits: copy the last frames, so
        the next commit starts the log from its beginning (only when :attr:`restart_wanted`)."""
        if not self.restart_wanted:
            return
        self.restart_wanted = False
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as exc:
            log.warning("store.checkpoint_failed", error=type(exc).__name__)

    def checkpoint(self, connection: sqlite3.Connection) -> bool:
        """One background pass on this thread's ``connection``; True while the log is long
        (the next pass follows after :data:`CATCH_UP_S`)."""
        try:
            (busy, frames, copied) = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # e.g. the disk is full: the log just grows
            log.warning("store.checkpoint_failed", error=type(exc).__name__)
            return False
        long_log = bool(frames > RESTART_FRAMES)
        # Only when this pass copied everything it saw: then the writer's last checkpoint has
        # just the frames of the last few milliseconds to copy. (A reader holding an old
        # snapshot, e.g. a backup, keeps frames uncopied; the writer must not then copy the
        # whole backlog itself.)
        self.restart_wanted = long_log and busy == 0 and copied == frames
        return long_log

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, check_same_thread=False)
        try:
            connection.execute("PRAGMA busy_timeout=5000")
            interval = self._interval_s
            while True:
                stopping = self._stop.wait(interval)
                long_log = self.checkpoint(connection)
                if stopping:
                    self.restart_wanted = False
                    return
                interval = CATCH_UP_S if long_log else self._interval_s
        finally:
            connection.close()
