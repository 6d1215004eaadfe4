"""The exporter writes a whole commit's records at once: the tables must not depend on batching.

A real engine produces the record log (user task lifecycle, variables, a called instance with an
incident that is resolved, a canceled instance); the same log is then projected one record per
transaction, one commit's worth at a time, and all at once, and the tables must be identical.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import select

from engine.api import JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.query import VARIABLE_TRUNCATION_THRESHOLD, query_exporter
from engine.query import tables as t
from engine.query.buffer import WriteBuffer
from engine.runtime import Engine
from engine.store import record_from_row
from engine.store.schema import records as log_table
from wenping.settings import EngineSettings

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">\n'
)

PARENT = f"""{_HEAD}<bpmn:process id="Parent" name="稳评个案" isExecutable="true">
  <bpmn:startEvent id="Start" name="开始"/>
  <bpmn:userTask id="Review" name="审核">
    <bpmn:extensionElements><zeebe:userTask/>
      <zeebe:assignmentDefinition candidateGroups="街道办, 综治办"/>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:callActivity id="Call" name="调查">
    <bpmn:extensionElements><zeebe:calledElement processId="Child"/></bpmn:extensionElements>
  </bpmn:callActivity>
  <bpmn:endEvent id="End"/>
  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Review"/>
  <bpmn:sequenceFlow id="f2" sourceRef="Review" targetRef="Call"/>
  <bpmn:sequenceFlow id="f3" sourceRef="Call" targetRef="End"/>
</bpmn:process></bpmn:definitions>
""".encode()

CHILD = f"""{_HEAD}<bpmn:process id="Child" isExecutable="true">
  <bpmn:startEvent id="Start"/>
  <bpmn:serviceTask id="Work" name="走访">
    <bpmn:extensionElements><zeebe:taskDefinition type="work" retries="1"/>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:endEvent id="End"/>
  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Work"/>
  <bpmn:sequenceFlow id="f2" sourceRef="Work" targetRef="End"/>
</bpmn:process></bpmn:definitions>
""".encode()


def _user_task_key(records: Sequence[Record], pi: int) -> int:
    return next(
        r.key
        for r in records
        if r.value_type == "USER_TASK" and r.intent == "CREATED" and r.process_instance_key == pi
    )


@pytest.fixture(scope="module")
def log_records(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """The record log of a realistic run, produced by the engine without any exporter."""
    path = tmp_path_factory.mktemp("log")
    clock = ControlledClock()
    settings = EngineSettings(
        database_url=f"sqlite:///{path / 'engine.db'}", sqlite_synchronous="OFF"
    )
    engine = Engine(settings, clock=clock)
    engine.open()
    try:
        engine.deploy([Resource("parent.bpmn", PARENT), Resource("child.bpmn", CHILD)])
        big = "长" * (VARIABLE_TRUNCATION_THRESHOLD + 10)
        pi = engine.create_process_instance(
            bpmn_process_id="Parent", variables={"caseNo": "WP-1", "notes": big}
        ).process_instance_key
        other = engine.create_process_instance(bpmn_process_id="Parent").process_instance_key
        clock.advance(1000)
        task = _user_task_key(engine.history(pi), pi)
        engine.assign_user_task(task, assignee="zhang.san")
        engine.update_user_task(task, {"candidateGroups": ["信访办"], "priority": 80})
        engine.complete_user_task(task, variables={"approved": True, "caseNo": "WP-1b"})
        engine.cancel_process_instance(other)
        request = JobActivationRequest("work", "w", 60_000, 1)
        (job,) = engine.activate_jobs(request)
        engine.fail_job(job.key, retries=0, error_message="外部系统不可用")
        incident = next(
            r.key
            for r in engine.history(pi)
            if r.value_type == "INCIDENT" and r.intent == "CREATED"
        )
        engine.update_job_retries(job.key, 1)
        engine.resolve_incident(incident)
        (job,) = engine.activate_jobs(request)
        engine.complete_job(job.key, {"visited": 3})
        with engine.sql_engine.connect() as conn:
            rows = conn.execute(select(log_table).order_by(log_table.c.position))
            return [record_from_row(row) for row in rows]
    finally:
        engine.close()


def _project(
    path: Path, batches: Iterator[Sequence[Record]], **engine_options: Any
) -> dict[str, list[Any]]:
    sql = sqlalchemy.create_engine(f"sqlite:///{path}", **engine_options)
    exporter = query_exporter()
    for batch in batches:
        with sql.begin() as conn:
            exporter.export(conn, batch)
    with sql.connect() as conn:
        dump = {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in t.metadata.sorted_tables
        }
    sql.dispose()
    return dump


def _chunks(records: list[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def test_tables_do_not_depend_on_how_records_are_batched(
    log_records: list[Record], tmp_path: Path
) -> None:
    one_by_one = _project(tmp_path / "a.db", ([r] for r in log_records))
    assert one_by_one["q_user_task"], "the run should have produced a user task"
    assert any(row[-3] for row in one_by_one["q_incident"] if row), "and an incident"
    for size in (3, 7, len(log_records)):
        batched = _project(tmp_path / f"b{size}.db", _chunks(log_records, size))
        assert batched == one_by_one, f"batches of {size} records"


def test_drivers_with_named_parameters_get_the_same_tables(
    log_records: list[Record], tmp_path: Path
) -> None:
    positional = _project(tmp_path / "q.db", iter([log_records]))
    named = _project(tmp_path / "n.db", iter([log_records]), paramstyle="named")
    assert named == positional


def test_step_results_are_what_the_records_say(log_records: list[Record], tmp_path: Path) -> None:
    tables = _project(tmp_path / "all.db", iter([log_records]))
    instances = {row[0]: row for row in tables["q_process_instance"]}
    states = sorted(row[5] for row in instances.values())
    # parent completed, parent canceled, child completed
    assert states == ["COMPLETED", "COMPLETED", "TERMINATED"]
    assert not any(row[6] for row in instances.values()), "the incident was resolved"
    (task,) = [row for row in tables["q_user_task"] if row[2] == "COMPLETED"]
    assert task[3] == "zhang.san"
    assert task[1] == "审核"
    assert sorted(r[2] for r in tables["q_user_task_candidate"] if r[0] == task[0]) == ["信访办"]
    notes = [row for row in tables["q_variable"] if row[1] == "notes"]
    assert notes, "the variable is searchable"
    assert all(row[3] for row in notes), "a long value is flagged as truncated"


def test_buffered_update_of_a_missing_row_changes_nothing(tmp_path: Path) -> None:
    sql = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    t.metadata.create_all(sql)
    with sql.begin() as conn:
        buffer = WriteBuffer(conn)
        buffer.update(t.variable, {"variable_key": 1}, {"value": "2"})
        buffer.flush()
        assert conn.execute(select(t.variable)).all() == []


def test_buffered_writes_to_one_row_apply_in_order(tmp_path: Path) -> None:
    sql = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    t.metadata.create_all(sql)
    row = {
        "name": "a",
        "value": "1",
        "is_truncated": False,
        "scope_key": 5,
        "process_instance_key": 5,
        "tenant_id": "<default>",
    }
    with sql.begin() as conn:
        conn.execute(t.variable.insert(), {"variable_key": 1, **row})
        buffer = WriteBuffer(conn)
        buffer.update(t.variable, {"variable_key": 1}, {"value": "2", "name": "b"})
        buffer.upsert(t.variable, {"variable_key": 1}, row | {"value": "3"})
        buffer.upsert(t.variable, {"variable_key": 2}, row)
        buffer.update(t.variable, {"variable_key": 2}, {"value": "4"})
        buffer.flush()
        got = {r.variable_key: (r.name, r.value) for r in conn.execute(select(t.variable))}
    assert got == {1: ("a", "3"), 2: ("a", "4")}
