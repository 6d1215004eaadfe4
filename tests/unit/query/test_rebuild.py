"""The search tables are rebuilt from the record log when missing or of an older schema."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy

from engine.api import Record
from engine.query import QueryService, query_exporter
from engine.query import tables as t
from engine.store.schema import metadata as store_metadata
from engine.store.schema import records as log_table


def _log_rows(records: list[Record]) -> list[dict[str, Any]]:
    return [
        {
            "position": r.position, "key": r.key, "timestamp": r.timestamp,
            "record_type": r.record_type, "value_type": r.value_type, "intent": r.intent,
            "process_instance_key": r.process_instance_key, "parent_process_instance_key": -1,
            "rejection_type": "", "rejection_reason": "", "value": json.dumps(r.value),
        }
        for r in records
    ]  # fmt: skip


def _store_with_log(log: Any) -> sqlalchemy.Engine:
    """A second database whose record log holds what ``log`` exported, but no search tables."""
    sql = sqlalchemy.create_engine("sqlite://", poolclass=sqlalchemy.pool.StaticPool)
    store_metadata.create_all(sql)
    with sql.begin() as conn:
        conn.execute(log_table.insert(), _log_rows(log.exported))
    return sql


def test_a_store_older_than_the_search_tables_is_projected_on_first_export(log: Any) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.user_task(10, 1, 3, candidateGroupsList=["街道办"])
    sql = _store_with_log(log)
    later = Record(99, 11, log.now, "EVENT", "USER_TASK", "ASSIGNED", 1,
                   {"userTaskKey": 10, "assignee": "li.wei"})  # fmt: skip
    with sql.begin() as conn:
        conn.execute(log_table.insert(), _log_rows([later]))
        query_exporter().export(conn, [later])
    task = QueryService(sql).get_user_task(10)
    assert task is not None
    assert (task["name"], task["candidateGroups"], task["assignee"]) == (
        "审核材料",
        ["街道办"],
        "li.wei",
    )


def test_an_outdated_schema_is_dropped_and_rebuilt(log: Any) -> None:
    log.deploy_process()
    log.start_instance(1)
    sql = _store_with_log(log)
    QueryService(sql).create_schema()  # current schema, projected from the log
    with sql.begin() as conn:
        conn.execute(t.meta.update().values(value=t.SCHEMA_VERSION - 1))
        conn.execute(t.process_instance.update().values(state="BOGUS"))  # not what the log says
    query = QueryService(sql)
    instance = query.get_process_instance(1)
    assert instance is not None and instance["state"] == "ACTIVE"
    with sql.connect() as conn:
        version = conn.execute(sqlalchemy.select(t.meta.c.value)).scalar_one()
    assert version == t.SCHEMA_VERSION


def test_a_current_schema_is_left_alone(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    with log.sql.begin() as conn:
        conn.execute(t.process_instance.update().values(state="TERMINATED"))
    query.create_schema()
    instance = query.get_process_instance(1)
    assert instance is not None and instance["state"] == "TERMINATED"
