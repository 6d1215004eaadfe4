"""Text the search tables store: U+0000 (which PostgreSQL text cannot hold) is stored as U+FFFD on
every database, and searches for a value with U+0000 find it; element names come from BPMN
elements only."""

from __future__ import annotations

from typing import Any

from engine.query import QueryService
from engine.query.projection import bpmn_names

NUL, REPLACED = "\x00", "\ufffd"


def test_nul_in_written_and_searched_text_becomes_the_replacement_character(
    log: Any, query: QueryService
) -> None:
    log.deploy_process()
    log.start_instance(1)
    # Written through the write buffer: variable rows, user task rows and candidate rows.
    log.variable(500, f"case{NUL}No", f'"WP{NUL}001"', scope=1, pi=1)
    log.user_task(10, 1, 3, assignee=f"li{NUL}wei", candidateGroupsList=[f"街道{NUL}办"])
    log.emit("USER_TASK", "ASSIGNED", 10, {"userTaskKey": 10, "assignee": f"wang{NUL}fang"})
    # Written through SQLAlchemy statements: incidents.
    log.emit(
        "INCIDENT",
        "CREATED",
        900,
        {
            "errorType": "JOB_NO_RETRIES",
            "errorMessage": f"worker said {NUL}",
            "bpmnProcessId": "Process_Review",
            "processDefinitionKey": 100,
            "processInstanceKey": 1,
            "elementId": "Task_Review",
            "elementInstanceKey": 3,
            "tenantId": "<default>",
        },
    )

    for name in (f"case{NUL}No", f"case{REPLACED}No"):
        (variable,) = query.search_variables({"name": name}).items
        assert (variable["name"], variable["value"]) == (f"case{REPLACED}No", f'"WP{REPLACED}001"')
    (task,) = query.search_user_tasks({"assignee": f"wang{NUL}fang"}).items
    assert task["assignee"] == f"wang{REPLACED}fang"
    assert query.search_user_tasks({"candidateGroup": f"街道{NUL}办"}).total_items == 1
    assert query.search_user_tasks({"candidateGroup": "街道办"}).total_items == 0
    (incident,) = query.search_incidents({"errorMessage": f"worker said {NUL}"}).items
    assert incident["errorMessage"] == f"worker said {REPLACED}"


def test_a_definition_with_nul_in_its_resource_name_is_stored(
    log: Any, query: QueryService
) -> None:
    log.emit(
        "PROCESS",
        "CREATED",
        100,
        {
            "bpmnProcessId": "Process_Review",
            "version": 1,
            "processDefinitionKey": 100,
            "resourceName": f"review{NUL}.bpmn",
            "tenantId": "<default>",
        },
    )
    definition = query.get_process_definition(100)
    assert definition is not None and definition["resourceName"] == f"review{REPLACED}.bpmn"


def test_only_bpmn_elements_give_element_names() -> None:
    # Extension elements may carry ids of any length; the parser checks only BPMN ids.
    xml = (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:x="urn:x" id="d"><bpmn:process id="P" name="稳评">'
        '<bpmn:userTask id="Task_Review" name="审核"><bpmn:extensionElements>'
        f'<x:note id="{"n" * 4000}" name="备注"/>'
        "</bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>"
    )
    assert bpmn_names(xml, "P") == ("稳评", {"P": "稳评", "Task_Review": "审核"})
