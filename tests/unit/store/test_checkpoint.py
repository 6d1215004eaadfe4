"""The WAL is checkpointed off the engine's thread, so it does not grow without bound."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from runtime.support import ONE_TASK

from engine.api import Resource
from engine.clock import ControlledClock
from engine.runtime import Engine
from engine.store.checkpoint import Checkpointer
from wenping.settings import EngineSettings


class _Idle:
    """Stands in for the store's own checkpointer, so the test decides when one runs."""

    restart_wanted = False

    def __init__(self, path: Path) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def finish_on(self, connection: object) -> None: ...


def test_the_store_checkpoints_its_log_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("engine.store.store.Checkpointer", _Idle)
    db = tmp_path / "engine.db"
    engine = Engine(EngineSettings(database_url=f"sqlite:///{db}"), clock=ControlledClock())
    engine.open()
    try:
        engine.deploy([Resource("p.bpmn", ONE_TASK)])
        for _ in range(300):
            engine.create_process_instance(bpmn_process_id="p")
        # The store's own connections never checkpoint: the new pages are all in the log.
        assert Path(f"{db}-wal").stat().st_size > 4096 * 10
        before = db.stat().st_size
        # One passive checkpoint, on a thread of its own as the store's runs every interval.
        checkpointer = Checkpointer(db, interval_s=0)
        checkpointer.start()
        checkpointer.stop()
        assert db.stat().st_size > before + 4096 * 10, "the log was copied into the database"
    finally:
        engine.close()


def test_under_steady_commits_the_log_restarts_instead_of_growing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite starts the log again only when a write begins with every frame copied; commits
    # that never pause would keep a background checkpoint one step behind for ever.
    monkeypatch.setattr("engine.store.checkpoint.INTERVAL_S", 0.005)
    monkeypatch.setattr("engine.store.checkpoint.CATCH_UP_S", 0.001)
    monkeypatch.setattr("engine.store.checkpoint.RESTART_FRAMES", 200)
    monkeypatch.setattr("engine.store.store.JOURNAL_SIZE_LIMIT", 0)
    db = tmp_path / "engine.db"
    engine = Engine(EngineSettings(database_url=f"sqlite:///{db}"), clock=ControlledClock())
    engine.open()
    try:
        engine.deploy([Resource("p.bpmn", ONE_TASK)])
        wal = Path(f"{db}-wal")
        sizes = []
        for _ in range(1500):  # each commit appends several pages: ~30 MB of log in all
            engine.create_process_instance(bpmn_process_id="p")
            sizes.append(wal.stat().st_size)
        # With restarts the file is truncated back (journal_size_limit 0 here) and stays
        # near RESTART_FRAMES pages; without them it would hold every page ever written.
        assert max(sizes[750:]) < 4096 * 2_000, f"the log grew to {max(sizes) // 4096} pages"
    finally:
        engine.close()


def test_the_writer_is_asked_to_finish_only_what_the_background_pass_could_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader holding an old snapshot (a backup, a history query) keeps frames uncopied; the
    # engine's own thread must not then copy that whole backlog between two commits.
    monkeypatch.setattr("engine.store.checkpoint.RESTART_FRAMES", 10)
    db = tmp_path / "log.db"
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (x BLOB)")
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()  # pins the log as it is now
    for _ in range(50):
        writer.execute("INSERT INTO t VALUES (randomblob(3000))")
    checkpointer = Checkpointer(db)
    background = sqlite3.connect(db)
    try:
        assert checkpointer.checkpoint(background), "the log is long"
        assert not checkpointer.restart_wanted, "frames were left uncopied"
        reader.execute("COMMIT")
        assert checkpointer.checkpoint(background)
        assert checkpointer.restart_wanted, "everything copied: the writer finishes the rest"
        checkpointer.finish_on(writer)
        assert not checkpointer.restart_wanted
        writer.execute("INSERT INTO t VALUES (1)")  # starts the log from its beginning
        assert writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1] < 10
    finally:
        background.close()
        reader.close()
        writer.close()
