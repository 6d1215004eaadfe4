"""The REST API's search tables (engine.query) kept by the engine's exporter on PostgreSQL."""

from __future__ import annotations

import random

import sqlalchemy
from pg_support import (
    END,
    REVIEW,
    START,
    activate,
    bpmn,
    deploy,
    running_engine,
    service,
    user_task,
)

from engine.api import Page, Resource, Sort
from engine.clock import ControlledClock
from engine.query import QueryService, query_exporter

CASE = bpmn(
    "Process_Case",
    START,
    user_task("Task_Visit", "走访群众", "街道办"),
    service("Task_Archive", "archive"),
    END,
    name="稳评个案",
)


def _start_cases(engine: object, n: int) -> list[int]:
    return [
        engine.create_process_instance(  # type: ignore[attr-defined]
            bpmn_process_id="Process_Case", variables={"caseNo": f"WP-2026-{i:03d}"}
        ).process_instance_key
        for i in range(1, n + 1)
    ]


def test_searches_filter_sort_and_page_in_postgres(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock(), exporters=[query_exporter()]) as engine:
        engine.deploy([Resource("case.bpmn", CASE)])
        instances = _start_cases(engine, 5)
        query = QueryService(engine.sql_engine)

        tasks = query.search_user_tasks({"candidateGroup": "街道办"}, sort=[Sort("creationDate")])
        assert tasks.total_items == 5
        assert {t["name"] for t in tasks.items} == {"走访群众"}
        assert [int(t["processInstanceKey"]) for t in tasks.items] == instances

        # Cursor paging walks all five in order, two at a time, without repeats.
        seen: list[str] = []
        page = Page(limit=2)
        while True:
            result = query.search_user_tasks(sort=[Sort("creationDate", "DESC")], page=page)
            if not result.items:
                break
            seen += [t["userTaskKey"] for t in result.items]
            page = Page(limit=2, search_after=result.last_sort_values)
        assert seen == [t["userTaskKey"] for t in reversed(tasks.items)]

        first_task = int(tasks.items[0]["userTaskKey"])
        engine.assign_user_task(first_task, assignee="li.wei")
        assert [
            t["userTaskKey"] for t in query.search_user_tasks({"assignee": "li.wei"}).items
        ] == [str(first_task)]
        engine.complete_user_task(first_task, variables={"visited": True})
        assert query.get_user_task(first_task)["state"] == "COMPLETED"  # type: ignore[index]

        like = query.search_variables({"name": "caseNo", "value": {"$like": '"WP-2026-00*'}})
        assert like.total_items == 5
        active = query.search_process_instances({"state": "ACTIVE"})
        assert sorted(int(i["processInstanceKey"]) for i in active.items) == instances
        xml = query.get_process_definition_xml(
            int(query.search_process_definitions({"processDefinitionId": "Process_Case"})
                .items[0]["processDefinitionKey"])
        )  # fmt: skip
        assert xml is not None and "稳评个案" in xml


def test_incidents_are_searchable_and_resolved(pg_url: str) -> None:
    with running_engine(pg_url, ControlledClock(), exporters=[query_exporter()]) as engine:
        engine.deploy([Resource("case.bpmn", CASE)])
        (pi,) = _start_cases(engine, 1)
        (task,) = QueryService(engine.sql_engine).search_user_tasks().items
        engine.complete_user_task(int(task["userTaskKey"]))
        (job,) = activate(engine, "archive")
        engine.fail_job(job.key, retries=0, error_message="档案系统不可用")
        query = QueryService(engine.sql_engine)
        (incident,) = query.search_incidents({"processInstanceKey": pi, "state": "ACTIVE"}).items
        assert incident["errorType"] == "JOB_NO_RETRIES"
        assert incident["errorMessage"] == "档案系统不可用"
        engine.update_job_retries(job.key, 1)
        engine.resolve_incident(int(incident["incidentKey"]))
        assert query.search_incidents({"state": "ACTIVE"}).total_items == 0
        assert query.get_incident(int(incident["incidentKey"]))["state"] == "RESOLVED"  # type: ignore[index]


def test_search_tables_are_rebuilt_from_the_postgres_record_log(pg_url: str) -> None:
    clock = ControlledClock()
    with running_engine(pg_url, clock) as engine:  # no exporter: a store from before the REST API
        engine.deploy([Resource("case.bpmn", CASE)])
        instances = _start_cases(engine, 3)
    sql = sqlalchemy.create_engine(pg_url)
    try:
        query = QueryService(sql)
        result = query.search_user_tasks({"candidateGroup": "街道办"})
        assert sorted(int(t["processInstanceKey"]) for t in result.items) == instances
    finally:
        sql.dispose()
    # An engine with the exporter continues the projection where the rebuild stopped.
    with running_engine(pg_url, clock, exporters=[query_exporter()]) as engine:
        more = _start_cases(engine, 1)
        result = QueryService(engine.sql_engine).search_process_instances({"state": "ACTIVE"})
        assert sorted(int(i["processInstanceKey"]) for i in result.items) == instances + more


def test_a_variable_name_longer_than_255_characters_is_accepted(pg_url: str) -> None:
    """Zeebe sets no length limit on variable names."""
    with running_engine(pg_url, ControlledClock(), exporters=[query_exporter()]) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        engine.create_process_instance(bpmn_process_id="Process_Review", variables={"v" * 300: 1})
        assert QueryService(engine.sql_engine).search_variables({"name": "v" * 300}).total_items


def test_nul_characters_in_names_and_error_messages_are_accepted(pg_url: str) -> None:
    """PostgreSQL text cannot hold U+0000: the search tables store U+FFFD instead."""
    with running_engine(pg_url, ControlledClock(), exporters=[query_exporter()]) as engine:
        deploy(engine, "review.bpmn", REVIEW)
        engine.create_process_instance(
            bpmn_process_id="Process_Review", variables={"a\x00b": "c\x00d"}
        )
        (job, *_rest) = activate(engine, "review")
        engine.fail_job(job.key, retries=0, error_message="worker said \x00")
        query = QueryService(engine.sql_engine)
        (incident,) = query.search_incidents().items
        assert incident["errorMessage"] == "worker said \ufffd"
        (variable,) = query.search_variables({"name": "a\x00b"}).items
        # The value is JSON text, where U+0000 is escaped: it is kept as it is.
        assert (variable["name"], variable["value"]) == ("a\ufffdb", '"c\\u0000d"')


def _giant(seed: int) -> str:
    """Text that stays over PostgreSQL's 2704-byte B-tree entry limit after compression."""
    chars = random.Random(seed)
    return "".join(chr(chars.randrange(0x4E00, 0x9FFF)) for _ in range(1500))


def test_giant_names_assignees_and_candidates_are_stored_and_found(pg_url: str) -> None:
    """Variable names, assignees and candidate groups are indexed; none of them is bounded."""
    name, assignee, group = _giant(1), _giant(2), _giant(3)
    with running_engine(pg_url, ControlledClock(), exporters=[query_exporter()]) as engine:
        engine.deploy([Resource("case.bpmn", CASE)])
        engine.create_process_instance(bpmn_process_id="Process_Case", variables={name: 1})
        query = QueryService(engine.sql_engine)
        (task,) = query.search_user_tasks().items
        key = int(task["userTaskKey"])
        engine.assign_user_task(key, assignee=assignee)
        engine.update_user_task(key, {"candidateGroups": [group, "街道办"]})

        assert query.search_variables({"name": name}).total_items == 1
        assert [
            t["userTaskKey"] for t in query.search_user_tasks({"assignee": assignee}).items
        ] == [str(key)]
        assert query.search_user_tasks({"candidateGroup": group}).total_items == 1
        assert query.search_user_tasks({"candidateGroup": "街道办"}).total_items == 1


def test_search_tables_of_an_older_schema_are_rebuilt_with_unbounded_text(pg_url: str) -> None:
    """A store whose search tables predate schema 4 (names as VARCHAR(255)) gets new ones."""
    clock = ControlledClock()
    with running_engine(pg_url, clock, exporters=[query_exporter()]) as engine:
        engine.deploy([Resource("case.bpmn", CASE)])
        instances = _start_cases(engine, 2)
        with engine.sql_engine.begin() as connection:
            connection.execute(
                sqlalchemy.text("ALTER TABLE q_variable ALTER COLUMN name TYPE VARCHAR(255)")
            )
            connection.execute(sqlalchemy.text("UPDATE q_meta SET value = 3"))
    with running_engine(pg_url, clock, exporters=[query_exporter()]) as engine:
        engine.create_process_instance(bpmn_process_id="Process_Case", variables={"v" * 300: 1})
        query = QueryService(engine.sql_engine)
        assert query.search_variables({"name": "v" * 300}).total_items == 1
        old = query.search_variables({"name": "caseNo"}).items
        assert sorted(int(v["processInstanceKey"]) for v in old) == instances
