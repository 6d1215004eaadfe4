"""Handing committed records to the exporters (the search tables, test watchers).

Inline (a bare :class:`~engine.runtime.Engine`): the exporters run inside each command's
transaction. Deferred (the engine process): they run after the commit, as Zeebe's exporters do,
in batches — at most :data:`DELAY_S` after a commit, at once when :data:`MAX_QUEUED` records
wait, and whenever a reader calls :meth:`Exports.flush` (the REST API does before every read, so
a search sees every acknowledged command). ``engine_meta.exported_position`` holds the last
exported record; records after it are exported from the log when the engine opens, and after
a failed export (without keeping them in memory meanwhile).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from engine.api import Exporter, Record
from engine.store import EXPORTED_POSITION, Store, WriteBatch

log = structlog.get_logger(__name__)

DELAY_S = 0.05
MAX_QUEUED = 5_000
RETRY_S = 1.0
CATCH_UP_CHUNK = 1_000


class Exports:
    """The export position and, when deferred, the records waiting for the exporters."""

    def __init__(self, store: Store, exporters: Sequence[Exporter], *, deferred: bool) -> None:
        self._store = store
        self.exporters = tuple(exporters)
        self.deferred = deferred
        self._queue: list[Record] = []
        self._handle: asyncio.TimerHandle | asyncio.Handle | None = None
        self._exported = 0  # position of the last exported record
        self._from_log = False

    def open(self, counters: dict[str, int], next_position: int) -> None:
        """Read the export position (a new store, or one from before it was kept, has exported
        everything logged so far) and export what was committed but not exported."""
        exported = counters.get(EXPORTED_POSITION)
        if exported is None:
            exported = next_position - 1
            self._store.set_counter(EXPORTED_POSITION, exported)
        self._exported = exported
        self._from_log = bool(self.exporters)
        self._catch_up()

    def close(self) -> None:
        self.flush()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def commit(self, batch: WriteBatch, loop: asyncio.AbstractEventLoop | None) -> None:
        """Commit ``batch`` (which has records) and export its records, inline or deferred;
        without a ``loop`` to defer on, the export follows the commit at once."""
        records = batch.records
        if not self.deferred:
            batch.counters[EXPORTED_POSITION] = records[-1].position
            self._store.commit(batch, self.exporters)
            self._exported = records[-1].position
            return
        self._store.commit(batch)
        if not self._from_log:
            self._queue.extend(records)
        if loop is None:
            self.flush()
        elif len(self._queue) >= MAX_QUEUED:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = loop.call_soon(self._flush_later, loop)
        elif self._handle is None:
            self._handle = loop.call_later(DELAY_S, self._flush_later, loop)

    def _flush_later(self, loop: asyncio.AbstractEventLoop) -> None:
        self._handle = None
        if not self.flush():
            self._handle = loop.call_later(RETRY_S, self._flush_later, loop)

    def flush(self) -> bool:
        """Export every committed record the exporters have not seen. False if that failed;
        it is retried later, from the log."""
        if self._from_log:
            return self._catch_up()
        queue, self._queue = self._queue, []
        if not queue:
            return True
        try:
            self._store.export(queue, self.exporters)
        except Exception:
            # The records are in the log: export from there next time, whatever piled up.
            log.exception("engine.export_failed", records=len(queue))
            self._from_log = True
            return False
        self._exported = queue[-1].position
        return True

    def _catch_up(self) -> bool:
        """Export the logged records after the last exported position, in chunks."""
        self._queue = []
        try:
            while self.exporters:
                chunk = self._store.records_after(self._exported, CATCH_UP_CHUNK)
                if not chunk:
                    break
                self._store.export(chunk, self.exporters)
                self._exported = chunk[-1].position
                log.info("engine.exports_caught_up", position=self._exported)
        except Exception:
            log.exception("engine.export_failed", position=self._exported)
            return False
        self._from_log = False
        return True
