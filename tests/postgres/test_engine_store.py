"""The engine store on PostgreSQL: state and history survive a restart, failures roll back."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import pytest
import sqlalchemy
from pg_support import (
    END,
    REVIEW,
    START,
    activate,
    bpmn,
    completed,
    deploy,
    intents,
    live_rows,
    root_variables,
    running_engine,
    settings,
)

from engine.api import Record, Resource
from engine.clock import ControlledClock
from engine.errors import FailedPrecondition, InvalidArgument, NotFound
from engine.history import print_history
from engine.store.migrations import MIGRATIONS

TWO_HOURS_MS = 2 * 3_600_000
BIG = 2**62  # a 64-bit integer variable must come back exactly, not as a float


def test_live_state_and_history_survive_close_and_open(pg_url: str) -> None:
    clock = ControlledClock()
    with running_engine(pg_url, clock) as engine:
        first = engine.deploy([Resource("review.bpmn", REVIEW)])
        pi = engine.create_process_instance(
            bpmn_process_id="Process_Review", variables={"申请人": "张三", "big": BIG}
        ).process_instance_key
        (job,) = activate(engine, "review")
        before = live_rows(engine)
        history = engine.history(pi)
    assert {"element", "variable", "job", "timer"} <= {kind for kind, *_ in before}
    assert pi > 2**32 and job.key > 2**32  # Zeebe-style keys need 64-bit columns

    with running_engine(pg_url, clock) as engine:
        assert live_rows(engine) == before
        assert engine.history(pi) == history
        # The deployment came back from the store: an identical redeploy keeps its version.
        again = engine.deploy([Resource("review.bpmn", REVIEW)])
        assert [(p.version, p.process_definition_key) for p in again.processes] == [
            (1, first.processes[0].process_definition_key)
        ]
        engine.complete_job(job.key, {"结论": "通过"})
        records = engine.history(pi)
        assert completed(records, pi)
        assert root_variables(records, pi) == {"申请人": "张三", "big": BIG, "结论": "通过"}
        assert live_rows(engine) == []  # a finished instance leaves no live state


def test_history_command_reads_a_postgres_store_while_the_engine_runs(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock()) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        pi = engine.create_process_instance(bpmn_process_id="Process_Review").process_instance_key
        out = io.StringIO()
        # `wenping engine history KEY` takes no lock: it works beside the running engine.
        count = print_history(settings(pg_url), pi, out)
        assert count == len(engine.history(pi))
    lines = out.getvalue().splitlines()
    assert len(lines) == count + 1  # a header, then one line per record
    assert any("PROCESS_INSTANCE_CREATION" in line for line in lines)
    assert any("Task_Review" in line and "JOB" not in line for line in lines)


def test_keys_and_positions_continue_after_restart(pg_url: str) -> None:
    clock = ControlledClock()
    with running_engine(pg_url, clock) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        first = engine.create_process_instance(bpmn_process_id="Process_Review")
        last_position = engine.history(first.process_instance_key)[-1].position
    with running_engine(pg_url, clock) as engine:
        second = engine.create_process_instance(bpmn_process_id="Process_Review")
        records = engine.history(second.process_instance_key)
    assert second.process_instance_key > first.process_instance_key
    assert records[0].position > last_position


def test_work_that_fell_due_during_an_outage_runs_after_restart(pg_url: str) -> None:
    clock = ControlledClock()
    with running_engine(pg_url, clock) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        pi = engine.create_process_instance(bpmn_process_id="Process_Review").process_instance_key
        (job,) = activate(engine, "review", timeout_ms=5_000)
    clock.advance(TWO_HOURS_MS)  # the engine is down while the timer and the job deadline pass
    with running_engine(pg_url, clock) as engine:
        assert activate(engine, "review") == []  # nothing happens before the first tick
        engine.tick()
        records = engine.history(pi)
        assert "TRIGGERED" in intents(records, "TIMER")
        assert "TIMED_OUT" in intents(records, "JOB")
        assert [j.key for j in activate(engine, "review")] == [job.key]


class _FailOnJobCompleted:
    """Fails the transaction that completes a job, as a broken database connection would."""

    def export(self, connection: sqlalchemy.Connection, records: Sequence[Record]) -> None:
        if any(r.value_type == "JOB" and r.intent == "COMPLETED" for r in records):
            raise RuntimeError("connection lost")


def test_a_failed_commit_leaves_store_and_memory_unchanged(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock()) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        pi = engine.create_process_instance(
            bpmn_process_id="Process_Review", variables={"a": 1}
        ).process_instance_key
        (job,) = activate(engine, "review")
        rows, records = live_rows(engine), engine.history(pi)
        engine.exporters = (_FailOnJobCompleted(),)
        with pytest.raises(RuntimeError, match="connection lost"):
            engine.complete_job(job.key, {"b": 2})
        assert live_rows(engine) == rows
        assert engine.history(pi) == records
        engine.exporters = ()
        engine.complete_job(job.key, {"b": 2})  # the job is still there in memory too
        assert completed(engine.history(pi), pi)


def test_a_rejected_command_is_logged_as_a_rejection(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock()) as engine:
        with pytest.raises(NotFound, match="123456789"):
            engine.complete_job(123_456_789, {})
        with engine.sql_engine.connect() as connection:
            rejections = connection.execute(
                sqlalchemy.text(
                    "SELECT value_type, intent, rejection_type FROM engine_records "
                    "WHERE record_type = 'COMMAND_REJECTION'"
                )
            ).all()
    assert [tuple(r) for r in rejections] == [("JOB", "COMPLETE", "NOT_FOUND")]


def _schema_versions(url: str) -> list[int]:
    sql = sqlalchemy.create_engine(url)
    try:
        with sql.connect() as connection:
            return list(
                connection.execute(
                    sqlalchemy.text("SELECT version FROM engine_schema_version")
                ).scalars()
            )
    finally:
        sql.dispose()


def test_schema_is_migrated_once_and_a_newer_store_is_refused(pg_url: str) -> None:
    clock = ControlledClock()
    with running_engine(pg_url, clock):
        pass
    with running_engine(pg_url, clock):
        pass
    assert _schema_versions(pg_url) == [len(MIGRATIONS)]

    sql = sqlalchemy.create_engine(pg_url)
    with sql.begin() as connection:
        connection.execute(
            sqlalchemy.text("UPDATE engine_schema_version SET version = :v"),
            {"v": len(MIGRATIONS) + 1},
        )
    sql.dispose()
    with (
        pytest.raises(FailedPrecondition, match="newer than this engine"),
        running_engine(pg_url, clock),
    ):
        pass
    # The refused open released its lock: a downgrade back to a known version opens again.
    sql = sqlalchemy.create_engine(pg_url)
    with sql.begin() as connection:
        connection.execute(
            sqlalchemy.text("UPDATE engine_schema_version SET version = :v"),
            {"v": len(MIGRATIONS)},
        )
    sql.dispose()
    with running_engine(pg_url, clock):
        pass


@pytest.mark.parametrize("name", ["r" * 600 + ".bpmn", "nul\x00.bpmn"])
def test_a_resource_name_postgres_cannot_store_is_rejected_as_invalid(
    pg_url: str, name: str
) -> None:
    """engine_resources.resource_name holds at most 512 characters and no U+0000: a name
    beyond that is refused as INVALID_ARGUMENT naming it, not failed inside the database."""
    with running_engine(pg_url, ControlledClock()) as engine:
        with pytest.raises(InvalidArgument, match="resource name") as refused:
            engine.deploy([Resource(name, bpmn("Process_Short", START, END))])
        assert name[:40].replace("\x00", "\\0") in refused.value.message


def test_a_rejection_whose_reason_quotes_a_nul_is_still_logged(pg_url: str) -> None:
    """A reason may quote client input; U+0000 in it must not cost the rejection record."""
    with running_engine(pg_url, ControlledClock()) as engine:
        with pytest.raises(NotFound):
            engine.create_process_instance(bpmn_process_id="Process_Unknown\x00")
        with engine.sql_engine.connect() as connection:
            rejections = connection.execute(
                sqlalchemy.text(
                    "SELECT value_type, rejection_type, rejection_reason FROM engine_records "
                    "WHERE record_type = 'COMMAND_REJECTION'"
                )
            ).all()
    assert [tuple(r)[:2] for r in rejections] == [("PROCESS_INSTANCE_CREATION", "NOT_FOUND")]
    assert "Process_Unknown\ufffd" in rejections[0][2]


def test_a_form_id_longer_than_255_characters_is_deployed(pg_url: str) -> None:
    """Camunda sets no limit on form (or decision) ids; the store keeps them as text."""
    form_id = "表单" * 200
    form = {"id": form_id, "type": "default", "components": []}
    with running_engine(pg_url, ControlledClock()) as engine:
        deployed = engine.deploy(
            [Resource("long-id.form", json.dumps(form, ensure_ascii=False).encode())]
        )
    assert [f.form_id for f in deployed.forms] == [form_id]
    with running_engine(pg_url, ControlledClock()) as engine:  # and it loads again
        again = engine.deploy(
            [Resource("long-id.form", json.dumps(form, ensure_ascii=False).encode())]
        )
    assert [f.version for f in again.forms] == [1], "an identical redeploy keeps the version"


def test_a_store_of_schema_version_1_gets_unbounded_resource_ids(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock()):
        pass
    sql = sqlalchemy.create_engine(pg_url)
    with sql.begin() as connection:  # back to how version 1 created the table
        connection.execute(
            sqlalchemy.text(
                "ALTER TABLE engine_resources ALTER COLUMN resource_id TYPE VARCHAR(255), "
                "ALTER COLUMN tenant_id TYPE VARCHAR(255)"
            )
        )
        connection.execute(sqlalchemy.text("UPDATE engine_schema_version SET version = 1"))
    with running_engine(pg_url, ControlledClock()):
        pass
    with sql.connect() as connection:
        types = connection.execute(
            sqlalchemy.text(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'engine_resources' "
                "AND column_name IN ('resource_id', 'tenant_id') ORDER BY column_name"
            )
        ).all()
    sql.dispose()
    assert [tuple(t) for t in types] == [("resource_id", "text"), ("tenant_id", "text")]
    assert _schema_versions(pg_url) == [len(MIGRATIONS)]
