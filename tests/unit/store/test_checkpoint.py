"""The WAL is checkpointed off the engine's thread, so it does not grow without bound."""

from __future__ import annotations

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

    def __init__(self, path: Path) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


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
