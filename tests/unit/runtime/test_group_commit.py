"""Group commit and deferred export: what the engine process does (engine.server)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from engine.api import ActivatedJob, JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.errors import NotFound, Unavailable
from engine.runtime import Engine
from engine.store import EXPORTED_POSITION, Store
from wenping.settings import EngineSettings

from .support import ONE_TASK

WORK = JobActivationRequest("work", "test-worker", 60_000, 10)


class Exported:
    """An exporter that remembers what it saw, and can be told to fail."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.fail = False

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        if self.fail:
            raise RuntimeError("exporter down")
        self.records.extend(records)

    def positions(self) -> list[int]:
        return [r.position for r in self.records]


class Commits:
    """Counts the store's commits (transactions of engine state)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.fail_next = False
        real = Store.commit

        def commit(store: Store, batch: Any, exporters: Any = ()) -> None:
            if self.fail_next:
                self.fail_next = False
                raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))
            self.count += 1
            real(store, batch, exporters)

        monkeypatch.setattr(Store, "commit", commit)


@pytest.fixture
def settings(tmp_path: Path) -> EngineSettings:
    return EngineSettings(database_url=f"sqlite:///{tmp_path / 'engine.db'}")


@pytest.fixture
def exported() -> Exported:
    return Exported()


@pytest.fixture
def engine(settings: EngineSettings, exported: Exported) -> Iterator[Engine]:
    engine = Engine(
        settings,
        clock=ControlledClock(),
        exporters=[exported],
        group_commit=True,
        deferred_export=True,
    )
    engine.open()
    try:
        yield engine
    finally:
        engine.close()


def committed_instances(settings: EngineSettings) -> set[int]:
    """Process instance keys in the store's log, read on a connection of its own."""
    sql = sqlalchemy.create_engine(settings.database_url)
    try:
        with sql.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT DISTINCT process_instance_key FROM engine_records "
                "WHERE value_type = 'PROCESS_INSTANCE'"
            )
            return {row[0] for row in rows}
    finally:
        sql.dispose()


async def test_commands_of_one_loop_turn_share_one_commit_and_are_durable_when_awaited(
    engine: Engine, settings: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    commits = Commits(monkeypatch)
    keys = [
        engine.create_process_instance(bpmn_process_id="p").process_instance_key for _ in range(3)
    ]
    assert commits.count == 0 and not committed_instances(settings) & set(keys)
    await engine.durable()
    assert commits.count == 1
    assert set(keys) <= committed_instances(settings)
    assert len(engine.activate_jobs(WORK)) == 3


async def test_durable_is_done_at_once_when_nothing_is_pending(engine: Engine) -> None:
    assert engine.durable().done()


async def test_a_failed_group_commit_acknowledges_nothing_and_keeps_what_was_committed(
    engine: Engine, settings: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    kept = engine.create_process_instance(bpmn_process_id="p").process_instance_key
    await engine.durable()
    commits = Commits(monkeypatch)
    commits.fail_next = True
    lost = engine.create_process_instance(bpmn_process_id="p").process_instance_key
    with pytest.raises(Unavailable, match="nothing of it was kept"):
        await engine.durable()
    # Memory was reloaded from the store: the lost instance is gone, the kept one is there
    # with its job, and the engine takes commands again.
    with pytest.raises(NotFound):
        engine.cancel_process_instance(lost)
    assert [job.process_instance_key for job in engine.activate_jobs(WORK)] == [kept]
    again = engine.create_process_instance(bpmn_process_id="p").process_instance_key
    await engine.durable()
    assert {kept, again} <= committed_instances(settings)
    assert lost not in committed_instances(settings)


async def test_export_follows_the_commit_and_a_read_flushes_it(
    engine: Engine, exported: Exported
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    key = engine.create_process_instance(bpmn_process_id="p").process_instance_key
    await engine.durable()
    assert engine.flush_exports()
    assert key in {r.process_instance_key for r in exported.records}
    positions = exported.positions()
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


async def test_export_happens_by_itself_shortly_after_the_commit(
    engine: Engine, exported: Exported
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    await engine.durable()
    for _ in range(100):  # the export is due 50 ms after the commit
        if exported.records:
            break
        await asyncio.sleep(0.01)
    assert "DEPLOYMENT" in {r.value_type for r in exported.records}


async def test_a_failed_export_is_caught_up_from_the_log_in_order(
    engine: Engine, exported: Exported
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    await engine.durable()
    assert engine.flush_exports()
    before = len(exported.records)
    exported.fail = True
    engine.create_process_instance(bpmn_process_id="p")
    await engine.durable()
    assert not engine.flush_exports()
    exported.fail = False
    engine.create_process_instance(bpmn_process_id="p")
    await engine.durable()
    assert engine.flush_exports()
    positions = exported.positions()
    assert len(exported.records) > before
    assert positions == list(range(positions[0], positions[-1] + 1)), "no record lost or doubled"


async def test_records_not_exported_before_a_crash_are_exported_on_restart(
    settings: EngineSettings, tmp_path: Path
) -> None:
    first = Exported()
    engine = Engine(settings, exporters=[first], group_commit=True, deferred_export=True)
    engine.open()
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    await engine.durable()
    first.fail = True  # as if the process died before its export ran
    engine.create_process_instance(bpmn_process_id="p")
    await engine.durable()
    engine.close()
    sql = sqlalchemy.create_engine(settings.database_url)
    with sql.connect() as connection:
        last = connection.exec_driver_sql("SELECT max(position) FROM engine_records").scalar()
        exported_position = connection.exec_driver_sql(
            f"SELECT value FROM engine_meta WHERE name = '{EXPORTED_POSITION}'"
        ).scalar()
    sql.dispose()
    assert exported_position < last

    second = Exported()
    engine = Engine(settings, exporters=[second], group_commit=True, deferred_export=True)
    engine.open()
    try:
        assert second.positions()[-1] == last
        assert any(r.value_type == "PROCESS_INSTANCE_CREATION" for r in second.records)
    finally:
        engine.close()


def test_without_a_running_loop_each_command_commits_at_once(
    settings: EngineSettings, exported: Exported
) -> None:
    engine = Engine(settings, exporters=[exported], group_commit=True, deferred_export=True)
    engine.open()
    try:
        engine.deploy([Resource("p.bpmn", ONE_TASK)])
        key = engine.create_process_instance(bpmn_process_id="p").process_instance_key
        assert key in committed_instances(settings)
        assert key in {r.process_instance_key for r in exported.records}
    finally:
        engine.close()


def test_evolve_copies_an_entity_with_changes_and_refuses_unknown_fields() -> None:
    from engine.runtime.entities import Timer, evolve

    timer = Timer(key=1, due_date=1000, element_id="wait", process_definition_key=2)
    changed = evolve(timer, due_date=2000, repetitions=3)
    assert (changed.due_date, changed.repetitions, changed.element_id) == (2000, 3, "wait")
    assert (timer.due_date, timer.repetitions) == (1000, 1), "the original is unchanged"
    assert changed == Timer(
        key=1, due_date=2000, element_id="wait", process_definition_key=2, repetitions=3
    )
    with pytest.raises(TypeError, match="no field"):
        evolve(timer, no_such_field=1)


async def committed_activated_job(engine: Engine) -> tuple[int, ActivatedJob]:
    """A one-task instance whose job is activated, all committed: its instance key and job."""
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    key = engine.create_process_instance(bpmn_process_id="p").process_instance_key
    (job,) = engine.activate_jobs(WORK)
    await engine.durable()
    return key, job


async def test_an_awaited_result_is_not_given_when_the_completing_group_fails(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, job = await committed_activated_job(engine)
    result = engine.instance_result(key)
    commits = Commits(monkeypatch)
    commits.fail_next = True
    engine.complete_job(job.key, {"x": 1})
    with pytest.raises(Unavailable):
        await engine.durable()
    with pytest.raises(Unavailable):
        await result
    # the completion was not kept: the job is still activated and can be completed now
    result = engine.instance_result(key)
    engine.complete_job(job.key, {"x": 2})
    await engine.durable()
    assert (await result).variables == {"x": 2}


async def test_an_awaited_result_is_given_once_the_completion_is_committed(
    engine: Engine,
) -> None:
    key, job = await committed_activated_job(engine)
    result = engine.instance_result(key)
    engine.complete_job(job.key, {"x": 1})
    assert not result.done(), "not before the commit"
    await engine.durable()
    assert (await result).variables == {"x": 1}


async def test_the_instance_result_is_answered_before_the_completing_caller_resumes(
    engine: Engine,
) -> None:
    # CreateProcessInstanceWithResult's client is the one waiting on the instance; it gets
    # its answer first, the worker's CompleteJob acknowledgement after it.
    key, job = await committed_activated_job(engine)
    order: list[str] = []

    async def completing_caller() -> None:
        engine.complete_job(job.key, {})
        await engine.durable()
        order.append("CompleteJob")

    async def result_caller() -> None:
        await engine.instance_result(key)
        order.append("result")

    waiting = asyncio.ensure_future(result_caller())
    await asyncio.sleep(0)  # the result caller waits first, as a client's earlier request
    await asyncio.gather(completing_caller(), waiting)
    assert order == ["result", "CompleteJob"]


async def test_after_a_failed_reload_polling_retries_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.deploy([Resource("p.bpmn", ONE_TASK)])
    engine.create_process_instance(bpmn_process_id="p")
    await engine.durable()
    commits = Commits(monkeypatch)
    commits.fail_next = True
    real_load = Store.load_state
    monkeypatch.setattr(Store, "load_state", lambda store: (_ for _ in ()).throw(OSError("io")))
    engine.create_process_instance(bpmn_process_id="p")
    with pytest.raises(Unavailable):
        await engine.durable()
    with pytest.raises(Unavailable):
        engine.activate_jobs(WORK)  # the store is still down
    monkeypatch.setattr(Store, "load_state", real_load)
    assert len(engine.activate_jobs(WORK)) == 1, "the poll itself reloaded the engine"
