"""The searchable entities of the REST API: field maps and item shapes, as in Camunda 8.8.

Item shapes follow the ``*Result`` schemas of Camunda's OpenAPI specification: camelCase
names, keys as strings, dates as ISO 8601 strings in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    case,
    exists,
    not_,
    select,
)

from engine.api import JsonDict
from engine.query import tables as t
from engine.query.enums import (
    ELEMENT_TYPES,
    INCIDENT_ERROR_TYPES,
    INCIDENT_STATES,
    INSTANCE_STATES,
    USER_TASK_STATES,
)
from engine.query.filters import (
    batch_operation_filter,
    element_filter,
    incident_message_filter,
    tags_filter,
    variable_filters,
)
from engine.query.projection import VARIABLE_TRUNCATION_THRESHOLD, load_json, ms_to_iso
from engine.query.search import Entity, Field, Kind, field_condition


def _key(value: int | None) -> str | None:
    return None if value is None else str(value)


# --- user tasks -------------------------------------------------------------------------------

_ut = t.user_task
_pd = t.process_definition
_cand = t.user_task_candidate


def _candidate_filter(kind: str) -> Any:
    def build(value: Any, path: str) -> ColumnElement[bool]:
        cond = field_condition(Field(_cand.c.value, Kind.STRING), value, path)
        matching = select(_cand.c.user_task_key).where(_cand.c.kind == kind, cond)
        return _ut.c.user_task_key.in_(matching)

    return build


def user_task_item(row: RowMapping) -> JsonDict:
    return {
        "userTaskKey": _key(row["user_task_key"]),
        "name": row["name"],
        "state": row["state"],
        "assignee": row["assignee"],
        "elementId": row["element_id"],
        "elementInstanceKey": _key(row["element_instance_key"]),
        "candidateGroups": load_json(row["candidate_groups"], []),
        "candidateUsers": load_json(row["candidate_users"], []),
        "processDefinitionId": row["process_definition_id"],
        "processDefinitionKey": _key(row["process_definition_key"]),
        "processDefinitionVersion": row["process_definition_version"],
        "processName": row["process_name"] or row["process_definition_id"],
        "processInstanceKey": _key(row["process_instance_key"]),
        "creationDate": ms_to_iso(row["creation_date"]),
        "completionDate": ms_to_iso(row["completion_date"]),
        "dueDate": ms_to_iso(row["due_date"]),
        "followUpDate": ms_to_iso(row["follow_up_date"]),
        "priority": row["priority"],
        "formKey": _key(row["form_key"]),
        "externalFormReference": row["external_form_reference"],
        "customHeaders": load_json(row["custom_headers"], {}),
        "tenantId": row["tenant_id"],
    }


USER_TASK = Entity(
    to_item=user_task_item,
    name="user task",
    source=_ut.outerjoin(_pd, _pd.c.process_definition_key == _ut.c.process_definition_key),
    columns=[*_ut.c, _pd.c.name.label("process_name")],
    key=_ut.c.user_task_key,
    fields={
        "state": Field(_ut.c.state, Kind.ENUM, USER_TASK_STATES, nullable=False),
        "assignee": Field(_ut.c.assignee, Kind.STRING),
        "priority": Field(_ut.c.priority, Kind.INT, sortable=True, nullable=False),
        "elementId": Field(_ut.c.element_id, Kind.STRING),
        "name": Field(_ut.c.name, Kind.STRING, sortable=True),
        "tenantId": Field(_ut.c.tenant_id, Kind.STRING),
        "processDefinitionId": Field(_ut.c.process_definition_id, Kind.STRING),
        "creationDate": Field(_ut.c.creation_date, Kind.DATE, sortable=True, nullable=False),
        "completionDate": Field(_ut.c.completion_date, Kind.DATE, sortable=True),
        "followUpDate": Field(_ut.c.follow_up_date, Kind.DATE, sortable=True),
        "dueDate": Field(_ut.c.due_date, Kind.DATE, sortable=True),
        "userTaskKey": Field(_ut.c.user_task_key, Kind.KEY),
        "processDefinitionKey": Field(_ut.c.process_definition_key, Kind.KEY),
        "processInstanceKey": Field(_ut.c.process_instance_key, Kind.KEY),
        "elementInstanceKey": Field(_ut.c.element_instance_key, Kind.KEY),
    },
    custom={
        "candidateGroup": _candidate_filter("group"),
        "candidateUser": _candidate_filter("user"),
        "processInstanceVariables": variable_filters(_ut.c.process_instance_key),
        "localVariables": variable_filters(_ut.c.element_instance_key),
    },
)

# --- process instances ------------------------------------------------------------------------

_pi = t.process_instance
_ei = t.element_instance


def process_instance_item(row: RowMapping) -> JsonDict:
    return {
        "processInstanceKey": _key(row["process_instance_key"]),
        "processDefinitionId": row["process_definition_id"],
        "processDefinitionName": row["process_definition_name"] or row["process_definition_id"],
        "processDefinitionVersion": row["process_definition_version"],
        "processDefinitionVersionTag": row["version_tag"],
        "processDefinitionKey": _key(row["process_definition_key"]),
        "startDate": ms_to_iso(row["start_date"]),
        "endDate": ms_to_iso(row["end_date"]),
        "state": row["state"],
        "hasIncident": bool(row["has_incident"]),
        "parentProcessInstanceKey": _key(row["parent_process_instance_key"]),
        "parentElementInstanceKey": _key(row["parent_element_instance_key"]),
        "tenantId": row["tenant_id"],
        "tags": [],  # Camunda's TagSet; the embedded engine does not support tags
    }


PROCESS_INSTANCE = Entity(
    to_item=process_instance_item,
    name="process instance",
    source=_pi.outerjoin(_pd, _pd.c.process_definition_key == _pi.c.process_definition_key),
    columns=[*_pi.c, _pd.c.version_tag],
    key=_pi.c.process_instance_key,
    fields={
        "processInstanceKey": Field(
            _pi.c.process_instance_key, Kind.KEY, sortable=True, nullable=False
        ),
        "processDefinitionId": Field(_pi.c.process_definition_id, Kind.STRING, sortable=True),
        "processDefinitionName": Field(_pi.c.process_definition_name, Kind.STRING, sortable=True),
        "processDefinitionVersion": Field(
            _pi.c.process_definition_version, Kind.INT, sortable=True
        ),
        "processDefinitionVersionTag": Field(_pd.c.version_tag, Kind.STRING, sortable=True),
        "processDefinitionKey": Field(_pi.c.process_definition_key, Kind.KEY, sortable=True),
        "parentProcessInstanceKey": Field(
            _pi.c.parent_process_instance_key, Kind.KEY, sortable=True
        ),
        "parentElementInstanceKey": Field(
            _pi.c.parent_element_instance_key, Kind.KEY, sortable=True
        ),
        "startDate": Field(_pi.c.start_date, Kind.DATE, sortable=True, nullable=False),
        "endDate": Field(_pi.c.end_date, Kind.DATE, sortable=True),
        "state": Field(_pi.c.state, Kind.ENUM, INSTANCE_STATES, sortable=True, nullable=False),
        "hasIncident": Field(_pi.c.has_incident, Kind.BOOL, sortable=True, nullable=False),
        "tenantId": Field(_pi.c.tenant_id, Kind.STRING, sortable=True),
    },
    custom={
        "variables": variable_filters(_pi.c.process_instance_key),
        "elementId": element_filter(Field(_ei.c.element_id, Kind.STRING)),
        "elementInstanceState": element_filter(Field(_ei.c.state, Kind.ENUM, INSTANCE_STATES)),
        "hasElementInstanceIncident": element_filter(Field(_ei.c.has_incident, Kind.BOOL)),
        "errorMessage": incident_message_filter,
        "tags": tags_filter,
        "batchOperationId": batch_operation_filter,
    },
    unsupported=frozenset({"hasRetriesLeft", "incidentErrorHashCode"}),
    allow_or=True,
)

# --- element instances ------------------------------------------------------------------------


def element_instance_item(row: RowMapping) -> JsonDict:
    return {
        "elementInstanceKey": _key(row["element_instance_key"]),
        "processInstanceKey": _key(row["process_instance_key"]),
        "processDefinitionKey": _key(row["process_definition_key"]),
        "processDefinitionId": row["process_definition_id"],
        "elementId": row["element_id"],
        "elementName": row["element_name"] or row["element_id"],
        "type": row["type"],
        "state": row["state"],
        "hasIncident": bool(row["has_incident"]),
        "incidentKey": _key(row["incident_key"]),
        "startDate": ms_to_iso(row["start_date"]),
        "endDate": ms_to_iso(row["end_date"]),
        "tenantId": row["tenant_id"],
    }


ELEMENT_INSTANCE = Entity(
    to_item=element_instance_item,
    name="element instance",
    source=_ei,
    columns=list(_ei.c),
    key=_ei.c.element_instance_key,
    fields={
        "elementInstanceKey": Field(
            _ei.c.element_instance_key, Kind.KEY, sortable=True, nullable=False
        ),
        "processInstanceKey": Field(
            _ei.c.process_instance_key, Kind.KEY, sortable=True, nullable=False
        ),
        "processDefinitionKey": Field(_ei.c.process_definition_key, Kind.KEY, sortable=True),
        "processDefinitionId": Field(_ei.c.process_definition_id, Kind.STRING, sortable=True),
        "startDate": Field(_ei.c.start_date, Kind.DATE, sortable=True, nullable=False),
        "endDate": Field(_ei.c.end_date, Kind.DATE, sortable=True),
        "elementId": Field(_ei.c.element_id, Kind.STRING, sortable=True),
        "elementName": Field(_ei.c.element_name, Kind.STRING, sortable=True),
        "type": Field(_ei.c.type, Kind.ENUM, ELEMENT_TYPES, sortable=True),
        "state": Field(_ei.c.state, Kind.ENUM, INSTANCE_STATES, sortable=True, nullable=False),
        "hasIncident": Field(_ei.c.has_incident, Kind.BOOL),
        "incidentKey": Field(_ei.c.incident_key, Kind.KEY, sortable=True),
        "tenantId": Field(_ei.c.tenant_id, Kind.STRING, sortable=True),
        "elementInstanceScopeKey": Field(_ei.c.flow_scope_key, Kind.KEY),
    },
)

# --- incidents --------------------------------------------------------------------------------

_inc = t.incident


def incident_item(row: RowMapping) -> JsonDict:
    return {
        "incidentKey": _key(row["incident_key"]),
        "processDefinitionId": row["process_definition_id"],
        "processDefinitionKey": _key(row["process_definition_key"]),
        "processInstanceKey": _key(row["process_instance_key"]),
        "errorType": row["error_type"],
        "errorMessage": row["error_message"],
        "elementId": row["element_id"],
        "elementInstanceKey": _key(row["element_instance_key"]),
        "jobKey": _key(row["job_key"]),
        "creationTime": ms_to_iso(row["creation_time"]),
        "state": row["state"],
        "tenantId": row["tenant_id"],
    }


INCIDENT = Entity(
    to_item=incident_item,
    name="incident",
    source=_inc,
    columns=list(_inc.c),
    key=_inc.c.incident_key,
    fields={
        "incidentKey": Field(_inc.c.incident_key, Kind.KEY, sortable=True, nullable=False),
        "processDefinitionId": Field(_inc.c.process_definition_id, Kind.STRING, sortable=True),
        "processDefinitionKey": Field(_inc.c.process_definition_key, Kind.KEY, sortable=True),
        "processInstanceKey": Field(_inc.c.process_instance_key, Kind.KEY, sortable=True),
        "errorType": Field(_inc.c.error_type, Kind.ENUM, INCIDENT_ERROR_TYPES, sortable=True),
        "errorMessage": Field(_inc.c.error_message, Kind.STRING, sortable=True),
        "elementId": Field(_inc.c.element_id, Kind.STRING, sortable=True),
        "elementInstanceKey": Field(_inc.c.element_instance_key, Kind.KEY, sortable=True),
        "creationTime": Field(_inc.c.creation_time, Kind.DATE, sortable=True, nullable=False),
        "state": Field(_inc.c.state, Kind.ENUM, INCIDENT_STATES, sortable=True, nullable=False),
        "jobKey": Field(_inc.c.job_key, Kind.KEY, sortable=True),
        "tenantId": Field(_inc.c.tenant_id, Kind.STRING, sortable=True),
    },
)

# --- variables --------------------------------------------------------------------------------

_v = t.variable


def variable_item(row: RowMapping) -> JsonDict:
    truncated = bool(row["is_truncated"])
    value: str = row["value"]
    return {
        "variableKey": _key(row["variable_key"]),
        "name": row["name"],
        "value": value[:VARIABLE_TRUNCATION_THRESHOLD] if truncated else value,
        "isTruncated": truncated,
        "scopeKey": _key(row["scope_key"]),
        "processInstanceKey": _key(row["process_instance_key"]),
        "tenantId": row["tenant_id"],
    }


def full_variable_item(row: RowMapping) -> JsonDict:
    """A variable with its whole value (Camunda's ``truncateValues=false``)."""
    return {**variable_item(row), "value": row["value"], "isTruncated": False}


_VARIABLE_FIELDS = {
    "name": Field(_v.c.name, Kind.STRING, sortable=True, nullable=False),
    "value": Field(_v.c.value, Kind.STRING, sortable=True, nullable=False),
    "tenantId": Field(_v.c.tenant_id, Kind.STRING, sortable=True, nullable=False),
    "isTruncated": Field(_v.c.is_truncated, Kind.BOOL, nullable=False),
    "variableKey": Field(_v.c.variable_key, Kind.KEY, sortable=True, nullable=False),
    "scopeKey": Field(_v.c.scope_key, Kind.KEY, sortable=True, nullable=False),
    "processInstanceKey": Field(_v.c.process_instance_key, Kind.KEY, sortable=True, nullable=False),
}

VARIABLE = Entity(
    to_item=variable_item,
    name="variable",
    source=_v,
    columns=list(_v.c),
    key=_v.c.variable_key,
    fields=_VARIABLE_FIELDS,
)

# A user task's variables: only the name filter, as in Camunda's UserTaskVariableFilter.
USER_TASK_VARIABLE = Entity(
    to_item=variable_item,
    name="user task variable",
    source=_v,
    columns=list(_v.c),
    key=_v.c.variable_key,
    fields={
        name: (
            f
            if name == "name"
            else Field(f.expr, f.kind, sortable=True, nullable=False, filterable=False)
        )
        for name, f in _VARIABLE_FIELDS.items()
        if name != "isTruncated"
    },
)


def with_full_values(entity: Entity) -> Entity:
    """``entity`` (a variable search) answering whole values instead of truncated ones."""
    return replace(entity, to_item=full_variable_item)


def visible_in_scopes(scopes: Sequence[int]) -> list[ColumnElement[bool]]:
    """Variables visible from the first scope of ``scopes`` (innermost first), as Zeebe resolves
    them: a variable is hidden by one of the same name in an inner scope."""
    if not scopes:
        return [_v.c.variable_key.is_(None)]
    depth_of = {key: depth for depth, key in enumerate(scopes)}
    inner = t.variable.alias("inner_var")
    depth = case(depth_of, value=_v.c.scope_key)
    inner_depth = case(depth_of, value=inner.c.scope_key)
    shadowed = exists(
        select(inner.c.variable_key).where(
            inner.c.name == _v.c.name,
            inner.c.scope_key.in_(list(scopes)),
            inner_depth < depth,
        )
    )
    return [_v.c.scope_key.in_(list(scopes)), not_(shadowed)]
