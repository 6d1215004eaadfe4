"""Incidents of called instances mark their callers; decision evaluations keep their keys."""

from __future__ import annotations

from typing import Any

from engine.query import QueryService


def _activate(
    log: Any, key: int, pi: int, element_id: str, kind: str, scope: int, parent: tuple[int, int]
) -> None:
    log.emit(
        "PROCESS_INSTANCE",
        "ELEMENT_ACTIVATING",
        key,
        {
            "bpmnProcessId": "Process_Review",
            "version": 1,
            "processDefinitionKey": 100,
            "processInstanceKey": pi,
            "elementId": element_id,
            "flowScopeKey": scope,
            "bpmnElementType": kind,
            "parentProcessInstanceKey": parent[0],
            "parentElementInstanceKey": parent[1],
            "tenantId": "<default>",
        },
    )


def _incident(pi: int, element: int) -> dict[str, Any]:
    return {
        "errorType": "JOB_NO_RETRIES",
        "errorMessage": "短信网关不可用",
        "bpmnProcessId": "Process_Review",
        "processDefinitionKey": 100,
        "processInstanceKey": pi,
        "elementId": "Task_Notify",
        "elementInstanceKey": element,
        "jobKey": 77,
        "tenantId": "<default>",
    }


def _call_chain(log: Any) -> None:
    """Root 1 calls child 10 (from call activity 2), which calls grandchild 20 (from 11);
    the grandchild's service task is element 21. Root 30 is an unrelated instance."""
    log.deploy_process()
    none = (-1, -1)
    _activate(log, 1, 1, "Process_Review", "PROCESS", -1, none)
    _activate(log, 2, 1, "Call_Child", "CALL_ACTIVITY", 1, none)
    _activate(log, 10, 10, "Process_Review", "PROCESS", -1, (1, 2))
    _activate(log, 11, 10, "Call_Child", "CALL_ACTIVITY", 10, (1, 2))
    _activate(log, 20, 20, "Process_Review", "PROCESS", -1, (10, 11))
    _activate(log, 21, 20, "Task_Notify", "SERVICE_TASK", 20, (10, 11))
    _activate(log, 30, 30, "Process_Review", "PROCESS", -1, none)


def _flags(query: QueryService, *keys: int) -> list[bool]:
    out = []
    for key in keys:
        found = query.get_process_instance(key) or query.get_element_instance(key)
        assert found is not None, key
        out.append(found["hasIncident"])
    return out


def test_an_incident_in_a_called_instance_marks_every_caller(log: Any, query: QueryService) -> None:
    _call_chain(log)
    log.emit("INCIDENT", "CREATED", 900, _incident(20, 21))

    # the instances up the chain and the call activities that lead to the incident
    assert _flags(query, 20, 10, 1, 11, 2, 30) == [True, True, True, True, True, False]
    marked = query.search_process_instances({"hasIncident": True})
    assert sorted(i["processInstanceKey"] for i in marked.items) == ["1", "10", "20"]
    # the incident itself stays where it happened
    [incident] = query.search_incidents({"state": "ACTIVE"}).items
    assert incident["processInstanceKey"] == "20"

    log.emit("INCIDENT", "RESOLVED", 900, _incident(20, 21))
    assert _flags(query, 20, 10, 1, 11, 2) == [False] * 5


def test_a_caller_stays_marked_while_another_child_incident_is_open(
    log: Any, query: QueryService
) -> None:
    _call_chain(log)
    log.emit("INCIDENT", "CREATED", 900, _incident(20, 21))
    _activate(log, 12, 10, "Task_Notify", "SERVICE_TASK", 10, (1, 2))
    log.emit("INCIDENT", "CREATED", 901, _incident(10, 12))

    log.emit("INCIDENT", "RESOLVED", 900, _incident(20, 21))
    # the grandchild is clear; the child still has its own incident, so the root is marked
    assert _flags(query, 20, 11, 10, 2, 1) == [False, False, True, True, True]
    log.emit("INCIDENT", "RESOLVED", 901, _incident(10, 12))
    assert _flags(query, 10, 2, 1) == [False, False, False]


def test_the_newest_decision_evaluation_key_is_known(log: Any, query: QueryService) -> None:
    assert query.latest_decision_evaluation_key() is None
    for key in (700, 705):
        log.emit(
            "DECISION_EVALUATION",
            "EVALUATED",
            key,
            {"decisionKey": 7, "decisionId": "Decision_RiskLevel", "tenantId": "<default>"},
        )
    assert query.latest_decision_evaluation_key() == 705


def test_instances_are_found_by_the_message_of_an_open_incident(
    log: Any, query: QueryService
) -> None:
    _call_chain(log)
    log.emit("INCIDENT", "CREATED", 900, _incident(20, 21))
    found = query.search_process_instances({"errorMessage": {"$like": "*网关*"}})
    assert [i["processInstanceKey"] for i in found.items] == ["20"]
    log.emit("INCIDENT", "RESOLVED", 900, _incident(20, 21))
    assert query.search_process_instances({"errorMessage": "短信网关不可用"}).total_items == 0
