"""Projection of INCIDENT and DECISION_EVALUATION records.

An incident marks its element instance and process instance. As in Operate, it also marks every
calling instance up the call chain (the parent process instance and its call activity), so a
root instance whose called child is stuck shows ``hasIncident``. Resolving recomputes those
flags from what is still open, bottom-up.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, exists, or_, select, true

from engine.api import DEFAULT_TENANT, Record
from engine.query import tables as t
from engine.query.projection import int_or, opt_key
from engine.query.writes import update, upsert

_MAX_CALL_DEPTH = 256  # guards the walk up against a corrupt (cyclic) parent chain

_inc, _ei, _pi = t.incident, t.element_instance, t.process_instance
_child = t.process_instance.alias("child_instance")

# Built once: statement construction costs more than execution (see writes.py).
_REFRESH_INSTANCE = (
    _pi.update()
    .where(_pi.c.process_instance_key == bindparam("pi"))
    .values(
        has_incident=or_(
            exists().where(
                _inc.c.process_instance_key == bindparam("pi"), _inc.c.state == "ACTIVE"
            ),
            exists().where(
                _child.c.parent_process_instance_key == bindparam("pi"),
                _child.c.has_incident == true(),
            ),
        )
    )
)
_REFRESH_CALL_ELEMENT = (
    _ei.update()
    .where(_ei.c.element_instance_key == bindparam("ei"))
    .values(
        has_incident=or_(
            _ei.c.incident_key.is_not(None),
            # The caller's instance key narrows the search to its (indexed) children, so the
            # cost does not grow with the number of stored instances.
            exists().where(
                _child.c.parent_process_instance_key == bindparam("pi"),
                _child.c.parent_element_instance_key == bindparam("ei"),
                _child.c.has_incident == true(),
            ),
        )
    )
)
_PARENT = select(_pi.c.parent_process_instance_key, _pi.c.parent_element_instance_key).where(
    _pi.c.process_instance_key == bindparam("pi")
)


def project_incident(conn: Connection, record: Record) -> None:
    """Apply one INCIDENT event (CREATED or RESOLVED)."""
    v = record.value
    pi_key = int_or(v.get("processInstanceKey"), 0)
    ei_key = int_or(v.get("elementInstanceKey"), 0)
    if record.intent == "CREATED":
        upsert(
            conn,
            _inc,
            {"incident_key": record.key},
            {
                "process_definition_id": str(v.get("bpmnProcessId", "")),
                "process_definition_key": int_or(v.get("processDefinitionKey"), 0),
                "process_instance_key": pi_key,
                "error_type": str(v.get("errorType", "UNKNOWN")),
                "error_message": str(v.get("errorMessage", "")),
                "element_id": str(v.get("elementId", "")),
                "element_instance_key": ei_key,
                "job_key": opt_key(v.get("jobKey")),
                "creation_time": record.timestamp,
                "state": "ACTIVE",
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )
        update(
            conn,
            _ei,
            {"element_instance_key": ei_key},
            {"has_incident": True, "incident_key": record.key},
        )
    elif record.intent == "RESOLVED":
        update(conn, _inc, {"incident_key": record.key}, {"state": "RESOLVED"})
        update(
            conn,
            _ei,
            {"element_instance_key": ei_key, "incident_key": record.key},
            {"has_incident": False, "incident_key": None},
        )
        # A call activity whose own incident is resolved may still wait on a stuck child.
        conn.execute(_REFRESH_CALL_ELEMENT, {"ei": ei_key, "pi": pi_key})
    else:
        return
    refresh_call_chain(conn, pi_key)


def refresh_call_chain(conn: Connection, process_instance_key: int) -> None:
    """Recompute ``has_incident`` of an instance, then of each caller and its call activity."""
    current: int | None = process_instance_key
    seen: set[int] = set()
    while current is not None and current not in seen and len(seen) < _MAX_CALL_DEPTH:
        seen.add(current)
        conn.execute(_REFRESH_INSTANCE, {"pi": current})
        row = conn.execute(_PARENT, {"pi": current}).first()
        if row is None or row[0] is None:
            return
        if row[1] is not None:
            conn.execute(_REFRESH_CALL_ELEMENT, {"ei": row[1], "pi": row[0]})
        current = row[0]


def project_decision_evaluation(conn: Connection, record: Record) -> None:
    """Apply one DECISION_EVALUATION event: remember its key (Camunda's decisionEvaluationKey)."""
    if record.intent not in ("EVALUATED", "FAILED"):
        return
    v = record.value
    upsert(
        conn,
        t.decision_evaluation,
        {"decision_evaluation_key": record.key},
        {
            "decision_definition_key": int_or(v.get("decisionKey"), 0),
            "process_instance_key": opt_key(v.get("processInstanceKey")),
            "state": record.intent,
            "evaluation_date": record.timestamp,
            "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
        },
    )
