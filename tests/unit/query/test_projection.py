"""Records fed through the query exporter show up in the search tables as Camunda shows them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import sqlalchemy

from engine.api import Page
from engine.query import VARIABLE_TRUNCATION_THRESHOLD, QueryService, query_exporter


def test_where_an_instance_stands(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.element("ELEMENT_ACTIVATING", 2, 1, "Start", "START_EVENT", scope=1)
    log.element("ELEMENT_COMPLETED", 2, 1, "Start", "START_EVENT", scope=1)
    log.user_task(10, 1, 3)

    active = query.search_element_instances({"processInstanceKey": "1", "state": "ACTIVE"})
    assert [(i["elementId"], i["elementName"], i["type"]) for i in active.items] == [
        ("Task_Review", "审核材料", "USER_TASK")
    ]
    done = query.search_element_instances({"processInstanceKey": "1", "state": "COMPLETED"})
    assert done.items[0]["elementId"] == "Start"
    assert done.items[0]["endDate"] is not None

    instance = query.get_process_instance(1)
    assert instance is not None
    assert instance["state"] == "ACTIVE"
    assert instance["processDefinitionName"] == "稳评审核"
    assert instance["processInstanceKey"] == "1"
    assert instance["endDate"] is None


def test_process_instance_end_states(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.start_instance(2)
    log.element("ELEMENT_COMPLETED", 1, 1, "Process_Review", "PROCESS")
    log.element("ELEMENT_TERMINATED", 2, 2, "Process_Review", "PROCESS")
    states = {i["processInstanceKey"]: i["state"] for i in query.search_process_instances().items}
    assert states == {"1": "COMPLETED", "2": "TERMINATED"}
    # the process itself is not one of its element instances, as in Operate
    assert query.search_element_instances().total_items == 0


def test_user_task_lifecycle(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.user_task(
        10,
        1,
        3,
        candidateGroupsList=["街道办"],
        dueDate="2026-02-01T10:00:00+08:00",
        priority=70,
        customHeaders={"stage": "3"},
    )
    task = query.get_user_task(10)
    assert task is not None
    assert task["state"] == "CREATED"
    assert task["name"] == "审核材料"
    assert task["processName"] == "稳评审核"
    assert task["candidateGroups"] == ["街道办"]
    assert task["dueDate"] == "2026-02-01T02:00:00.000Z"
    assert task["customHeaders"] == {"stage": "3"}
    assert task["assignee"] is None
    assert task["formKey"] is None

    log.emit("USER_TASK", "ASSIGNED", 10, {"userTaskKey": 10, "assignee": "li.wei"})
    log.emit(
        "USER_TASK",
        "UPDATED",
        10,
        {
            "userTaskKey": 10,
            "candidateGroupsList": ["区信访局"],
            "priority": 90,
            "changedAttributes": ["candidateGroupsList", "priority"],
        },
    )
    task = query.get_user_task(10)
    assert task is not None
    assert (task["assignee"], task["candidateGroups"], task["priority"]) == (
        "li.wei",
        ["区信访局"],
        90,
    )
    assert task["dueDate"] == "2026-02-01T02:00:00.000Z"  # not in changedAttributes: kept
    assert query.search_user_tasks({"candidateGroup": "街道办"}).total_items == 0

    log.emit("USER_TASK", "COMPLETED", 10, {"userTaskKey": 10})
    task = query.get_user_task(10)
    assert task is not None
    assert task["state"] == "COMPLETED"
    assert task["completionDate"] is not None


def test_commands_and_rejections_change_nothing(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.user_task(10, 1, 3)
    log.emit("USER_TASK", "COMPLETE", 10, {"userTaskKey": 10}, record_type="COMMAND")
    log.emit("USER_TASK", "COMPLETE", 10, {"userTaskKey": 10}, record_type="COMMAND_REJECTION")
    task = query.get_user_task(10)
    assert task is not None and task["state"] == "CREATED"


def test_long_variable_values_are_truncated_in_search_only(log: Any, query: QueryService) -> None:
    long_text = '"' + "民" * (VARIABLE_TRUNCATION_THRESHOLD + 10) + '"'
    log.variable(50, "opinion", long_text, scope=1, pi=1)
    log.variable(51, "count", "3", scope=1, pi=1)
    found = {v["name"]: v for v in query.search_variables({"processInstanceKey": "1"}).items}
    assert found["opinion"]["isTruncated"] is True
    assert len(found["opinion"]["value"]) == VARIABLE_TRUNCATION_THRESHOLD
    assert found["count"] == found["count"] | {"value": "3", "isTruncated": False}
    full = query.get_variable(50)
    assert full is not None and full["value"] == long_text
    assert query.search_variables({"isTruncated": True}).total_items == 1


def test_variable_update_replaces_value(log: Any, query: QueryService) -> None:
    log.variable(50, "level", '"low"', scope=1, pi=1)
    log.emit(
        "VARIABLE",
        "UPDATED",
        50,
        {"name": "level", "value": '"high"', "scopeKey": 1, "processInstanceKey": 1},
    )
    items = query.search_variables({"name": "level"}).items
    assert [v["value"] for v in items] == ['"high"']


def test_incident_flags_follow_creation_and_resolution(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.element("ELEMENT_ACTIVATING", 4, 1, "Task_Notify", "SERVICE_TASK", scope=1)
    incident = {
        "errorType": "JOB_NO_RETRIES",
        "errorMessage": "短信网关不可用",
        "bpmnProcessId": "Process_Review",
        "processDefinitionKey": 100,
        "processInstanceKey": 1,
        "elementId": "Task_Notify",
        "elementInstanceKey": 4,
        "jobKey": 77,
        "variableScopeKey": 4,
        "tenantId": "<default>",
    }
    log.emit("INCIDENT", "CREATED", 900, incident)
    pi = query.get_process_instance(1)
    assert pi is not None and pi["hasIncident"] is True
    element = query.get_element_instance(4)
    assert element is not None and (element["hasIncident"], element["incidentKey"]) == (True, "900")
    found = query.search_incidents({"state": "ACTIVE", "errorType": "JOB_NO_RETRIES"})
    assert [(i["incidentKey"], i["jobKey"]) for i in found.items] == [("900", "77")]

    log.emit("INCIDENT", "RESOLVED", 900, incident)
    pi = query.get_process_instance(1)
    assert pi is not None and pi["hasIncident"] is False
    assert query.search_incidents({"state": "ACTIVE"}).total_items == 0
    assert query.search_incidents({"state": "RESOLVED"}).total_items == 1


def test_linked_form_resolves_by_form_key(log: Any, query: QueryService) -> None:
    log.deploy_process()
    for version, key in ((1, 300), (2, 301)):
        log.emit(
            "FORM",
            "CREATED",
            key,
            {
                "formId": "Form_Review",
                "version": version,
                "formKey": key,
                "resourceName": "review.form",
                "resource": json.dumps({"id": "Form_Review", "components": [], "v": version}),
                "tenantId": "<default>",
            },
        )
    log.start_instance(1)
    log.user_task(10, 1, 3, formKey=300)
    log.user_task(11, 1, 5)
    form = query.get_user_task_form(10)
    assert form is not None
    assert (form["formKey"], form["version"], form["schema"]["v"]) == ("300", 1, 1)
    assert query.get_user_task_form(11) is None
    latest = query.latest_form("Form_Review")
    assert latest is not None and latest["version"] == 2


def test_replaying_the_log_is_idempotent(log: Any, query: QueryService) -> None:
    log.deploy_process()
    log.start_instance(1)
    log.user_task(10, 1, 3, candidateGroupsList=["a", "b"])
    log.variable(50, "x", "1", scope=1, pi=1)
    with log.sql.begin() as conn:
        log.exporter.export(conn, log.exported)
    assert query.search_user_tasks().total_items == 1
    assert query.search_user_tasks({"candidateGroup": "b"}).total_items == 1
    assert query.search_variables().total_items == 1
    assert query.search_element_instances(page=Page(limit=10)).total_items == 1


def test_process_definition_keeps_xml_for_the_diagram(log: Any, query: QueryService) -> None:
    log.deploy_process(key=100, version=1)
    log.deploy_process(key=101, version=2)
    xml = query.get_process_definition_xml(100)
    assert xml is not None and "Task_Review" in xml
    latest = query.search_process_definitions({"isLatestVersion": True})
    assert [d["processDefinitionKey"] for d in latest.items] == ["101"]


def test_tables_come_back_after_the_first_transaction_rolls_back(log: Any) -> None:
    log.deploy_process()
    sql = sqlalchemy.create_engine("sqlite://", poolclass=sqlalchemy.pool.StaticPool)
    exporter = query_exporter()
    with sql.connect() as conn:
        trans = conn.begin()
        conn.exec_driver_sql("create table earlier (x int)")
        conn.exec_driver_sql("insert into earlier values (1)")  # the transaction is now open
        exporter.export(conn, [])  # creates the search tables inside it
        trans.rollback()
        with conn.begin():
            exporter.export(conn, log.exported)
        count = conn.exec_driver_sql("select count(*) from q_process_definition").scalar()
    assert count == 1


def test_deleted_resources_leave_the_definition_searches(log: Any, query: QueryService) -> None:
    log.deploy_process(key=100, version=1)
    log.deploy_process(key=101, version=2)
    log.start_instance(1)
    log.emit("RESOURCE_DELETION", "DELETED", 101, {"resourceKey": 101, "tenantId": "<default>"})
    assert [d["processDefinitionKey"] for d in query.search_process_definitions().items] == ["100"]
    assert query.get_process_definition_xml(101) is None
    assert query.get_process_instance(1) is not None  # instances are not part of the deletion


def test_names_of_a_rolled_back_deployment_are_forgotten(log: Any, query: QueryService) -> None:
    # The engine's key counter rolls back with the transaction, so the key comes again, with
    # another diagram, and instances must carry the names of the one that was committed.
    log.deploy_process(key=100)
    deployed = log.exported[-1]
    draft_xml = deployed.value["resource"].replace("审核材料", "草稿")
    draft = dataclasses.replace(deployed, value=deployed.value | {"resource": draft_xml})
    with log.sql.connect() as conn:
        trans = conn.begin()
        log.exporter.export(conn, [draft])
        trans.rollback()
    log.start_instance(1)
    log.user_task(10, 1, 3)
    (task,) = query.search_user_tasks().items
    assert task["name"] == "审核材料"
