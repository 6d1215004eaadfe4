"""The REST API's search tables (engine.query) kept by the engine's exporter on PostgreSQL."""

from __future__ import annotations

import sqlalchemy
from pg_support import END, START, activate, bpmn, running_engine, service, user_task

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
