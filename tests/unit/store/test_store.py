"""The durable store: state survives a restart, one engine per store, migrations, history."""

import io
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy
from runtime.support import END, ONE_TASK, START, Harness, bpmn, chain, service

from engine.api import Resource
from engine.clock import ControlledClock
from engine.errors import FailedPrecondition
from engine.history import print_history
from engine.runtime import Engine
from engine.store import Store
from engine.store.migrations import MIGRATIONS, current_version
from wenping.settings import EngineSettings


def _live_rows(engine: Engine) -> list[tuple[str, int, str]]:
    with engine.sql_engine.connect() as connection:
        rows = connection.execute(sqlalchemy.text("SELECT kind, key, payload FROM engine_state"))
        return sorted((r.kind, r.key, r.payload) for r in rows)


def test_live_state_round_trips_through_close_and_reopen(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    timer = (
        '<bpmn:boundaryEvent id="late" attachedToRef="task" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    h.deploy(bpmn(chain(START, service("task", "work"), END) + timer))
    pi = h.start(a=1)
    job = h.jobs("work", timeout_ms=10_000)[0]
    before = _live_rows(h.engine)
    kinds = {kind for kind, _k, _p in before}
    assert {"element", "variable", "job", "timer"} <= kinds
    h.reopen()
    assert _live_rows(h.engine) == before
    # The reopened engine carries on: the job completes and the instance ends.
    h.engine.complete_job(job.key, {"b": 2})
    assert h.completed(pi)
    assert _live_rows(h.engine) == []  # completed instances leave live state
    h.engine.close()


def test_keys_continue_after_restart(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.deploy(ONE_TASK)
    first = h.start()
    h.reopen()
    second = h.start()
    assert second > first
    h.engine.close()


def test_due_work_after_restart_runs_on_next_tick(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.deploy(ONE_TASK)
    pi = h.start()
    h.jobs("work", timeout_ms=5_000)
    h.engine.close()
    h.clock.advance(60_000)  # the engine was down while the deadline passed
    h.reopen()
    assert h.jobs("work") == []  # not before the tick
    h.engine.tick()
    assert len(h.jobs("work")) == 1
    assert "TIMED_OUT" in [r.intent for r in h.records(pi) if r.value_type == "JOB"]
    h.engine.close()


def test_second_engine_on_same_store_is_refused(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    other = Engine(h.settings, clock=ControlledClock())
    with pytest.raises(
        FailedPrecondition, match=r"locked by another engine \((database backend )?pid \d+"
    ):
        other.open()
    h.engine.close()
    other.open()  # free once the first one stopped
    other.close()


def test_schema_is_migrated_to_the_latest_version(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.open()
    with store.sql_engine.connect() as connection:
        assert current_version(connection) == len(MIGRATIONS)
        mode = connection.execute(sqlalchemy.text("PRAGMA journal_mode")).scalar()
    assert mode == "wal"
    store.close()


def test_failed_command_leaves_memory_and_store_unchanged(tmp_path: Path) -> None:
    class FailingExporter:
        """Fails the transaction that completes a job, as a broken database would."""

        def export(self, connection: sqlalchemy.Connection, records: list) -> None:  # type: ignore[type-arg]
            if any(r.value_type == "JOB" and r.intent == "COMPLETED" for r in records):
                raise RuntimeError("disk full")

    h = Harness(tmp_path)
    h.deploy(ONE_TASK)
    pi = h.start(a=1)
    job = h.job("work")
    before = _live_rows(h.engine)
    records_before = len(h.records(pi))
    h.engine.exporters = (FailingExporter(),)
    with pytest.raises(RuntimeError, match="disk full"):
        h.engine.complete_job(job.key, {"b": 2})
    assert _live_rows(h.engine) == before
    assert len(h.records(pi)) == records_before
    h.engine.exporters = ()
    h.engine.complete_job(job.key, {"b": 2})  # memory was rolled back too: the job is there
    assert h.completed(pi)
    assert h.variables(pi) == {"a": 1, "b": 2}
    h.engine.close()


def test_print_history_lists_records_of_an_instance_and_children(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    child = bpmn(chain(START, END), "child")
    call = (
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="child"/></bpmn:extensionElements></bpmn:callActivity>'
    )
    h.engine.deploy([Resource("c.bpmn", child), Resource("p.bpmn", bpmn(chain(START, call, END)))])
    pi = h.start()
    out = io.StringIO()
    count = print_history(h.settings, pi, out)  # read-only while the engine runs
    lines = out.getvalue().splitlines()
    assert count == len(lines) - 1  # a header line, then one line per record
    assert any(
        "PROCESS_INSTANCE" in line and "ELEMENT_COMPLETED" in line and "child" in line
        for line in lines
    )
    assert lines[-1].split()[3] == "ELEMENT_COMPLETED" and "p" in lines[-1].split()
    h.engine.close()


def test_exporters_see_records_inside_the_transaction(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []

    class Exporter:
        def export(self, connection: sqlalchemy.Connection, records: list) -> None:  # type: ignore[type-arg]
            # Reading through the same connection sees the uncommitted rows.
            count = connection.execute(sqlalchemy.text("SELECT count(*) FROM engine_records"))
            assert count.scalar() >= len(records)
            seen.extend((r.value_type, r.intent) for r in records)

    settings = EngineSettings(database_url=f"sqlite:///{tmp_path / 'e.db'}")
    engine = Engine(settings, clock=ControlledClock(), exporters=[Exporter()])
    engine.open()
    engine.deploy([Resource("p.bpmn", bpmn(chain(START, END)))])
    assert ("DEPLOYMENT", "CREATED") in seen and ("PROCESS", "CREATED") in seen
    engine.close()


def test_every_kind_of_wait_state_survives_a_restart(tmp_path: Path) -> None:
    from runtime.support import flow

    defs = (
        '<bpmn:message id="M" name="reply"><bpmn:extensionElements>'
        '<zeebe:subscription correlationKey="=caseId"/></bpmn:extensionElements></bpmn:message>'
        '<bpmn:signal id="S" name="go"/>'
    )
    branches = [
        '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask/>'
        "</bpmn:extensionElements></bpmn:userTask>",
        '<bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition messageRef="M"/>'
        "</bpmn:intermediateCatchEvent>",
        '<bpmn:intermediateCatchEvent id="sig"><bpmn:signalEventDefinition signalRef="S"/>'
        "</bpmn:intermediateCatchEvent>",
        service("flaky", "flaky"),
    ]
    ids = ["review", "msg", "sig", "flaky"]
    body = [START, '<bpmn:parallelGateway id="fork"/>', '<bpmn:parallelGateway id="join"/>', END]
    body += [*branches, flow("start", "fork"), flow("join", "end")]
    body += [flow("fork", i) for i in ids] + [flow(i, "join") for i in ids]
    h = Harness(tmp_path)
    h.deploy(bpmn("\n".join(body), extra=defs))
    pi = h.start(caseId="R")
    h.engine.publish_message(name="other", correlation_key="x", time_to_live_ms=60_000)
    h.engine.fail_job(h.job("flaky").key, retries=0, error_message="boom")
    before = _live_rows(h.engine)
    assert {k for k, _key, _p in before} == {
        "element",
        "variable",
        "job",
        "incident",
        "user_task",
        "message_subscription",
        "signal_subscription",
        "message",
    }
    h.reopen()
    assert _live_rows(h.engine) == before
    [incident] = h.incidents(pi)
    h.engine.update_job_retries(incident.value["jobKey"], 1)
    h.engine.resolve_incident(incident.key)
    h.engine.complete_job(h.job("flaky").key, {})
    h.engine.publish_message(name="reply", correlation_key="R", time_to_live_ms=0)
    h.engine.broadcast_signal(signal_name="go")
    task_key = next(
        r.key for r in h.records(pi) if r.value_type == "USER_TASK" and r.intent == "CREATED"
    )
    h.engine.complete_user_task(task_key)
    assert h.completed(pi)
    h.engine.close()


def test_print_history_refuses_a_missing_store(tmp_path: Path) -> None:
    from engine.errors import NotFound

    settings = EngineSettings(database_url=f"sqlite:///{tmp_path / 'absent.db'}")
    with pytest.raises(NotFound, match=r"absent\.db"):
        print_history(settings, 1, io.StringIO())
    assert not (tmp_path / "absent.db").exists()


def test_migration_3_leaves_only_the_indexes_a_step_needs(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = Store(f"sqlite:///{db}")
    store.open()
    store.close()
    # As a store written before migration 3 was: both indexes in their first form, version 2.
    raw = sqlite3.connect(db)
    raw.execute("DROP INDEX ix_engine_records_parent_pi")
    raw.execute(
        "CREATE INDEX ix_engine_records_parent_pi ON engine_records (parent_process_instance_key)"
    )
    raw.execute("CREATE INDEX ix_engine_state_pi ON engine_state (process_instance_key)")
    raw.execute("UPDATE engine_schema_version SET version = 2")
    raw.commit()
    raw.close()

    store = Store(f"sqlite:///{db}")
    store.open()
    try:
        with store.sql_engine.connect() as connection:
            assert current_version(connection) == len(MIGRATIONS) >= 3
            indexes = dict(
                connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name IN ('engine_records', 'engine_state') AND sql IS NOT NULL"
                ).all()
            )
            assert "ix_engine_state_pi" not in indexes
            assert "WHERE parent_process_instance_key > 0" in indexes["ix_engine_records_parent_pi"]
            # history's query for child instances still finds them through the index
            plan = " ".join(
                str(row[-1])
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT DISTINCT process_instance_key "
                    "FROM engine_records WHERE parent_process_instance_key IN (7, 8) "
                    "AND parent_process_instance_key > 0"
                )
            )
            assert "ix_engine_records_parent_pi" in plan
    finally:
        store.close()


def test_after_a_restart_keys_and_positions_go_on_after_everything_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Commits write neither counter each time: keys are reserved a block at a time and the
    # next position follows the last logged record.
    monkeypatch.setattr("engine.runtime.state.KEY_BLOCK", 7)
    h = Harness(tmp_path)
    h.deploy(ONE_TASK)
    for _ in range(30):
        h.start()
    h.engine.close()
    sql = sqlalchemy.create_engine(h.settings.database_url)
    with sql.connect() as connection:
        max_key = connection.exec_driver_sql("SELECT max(key) FROM engine_records").scalar()
        max_state_key = connection.exec_driver_sql("SELECT max(key) FROM engine_state").scalar()
        last = connection.exec_driver_sql("SELECT max(position) FROM engine_records").scalar()
    sql.dispose()

    h.engine = Engine(h.settings, clock=h.clock)  # a new process: nothing but the store
    h.engine.open()
    try:
        pi = h.start()
        assert pi > max(max_key, max_state_key), "no key is handed out twice"
        positions = [r.position for r in h.records(pi)]
        assert positions[0] == last + 1 and positions == sorted(positions)
    finally:
        h.engine.close()
