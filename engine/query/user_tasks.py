"""Projection of USER_TASK records into the user task table and its candidate rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection

from engine.api import DEFAULT_TENANT, Record
from engine.query import tables as t
from engine.query.buffer import WriteBuffer
from engine.query.projection import (
    int_or,
    iso_to_ms,
    json_list,
    json_map,
    opt_key,
    opt_str,
    str_list,
    str_map,
)

NamesOf = Callable[[Connection, int], tuple[str | None, dict[str, str]]]
"""Looks up a process definition's name and its elements' names (id → name)."""


def project_user_task(
    buffer: WriteBuffer, conn: Connection, record: Record, names_of: NamesOf
) -> None:
    """Apply one USER_TASK event: created, assigned, updated, completed or canceled.

    Rows are written through ``buffer``; ``conn`` is only read (definition names)."""
    v = record.value
    key = int_or(v.get("userTaskKey"), record.key)
    ut = t.user_task
    if record.intent == "CREATED":
        definition_key = int_or(v.get("processDefinitionKey"), 0)
        element_id = str(v.get("elementId", ""))
        _, names = names_of(conn, definition_key)
        groups, users = (
            str_list(v.get("candidateGroupsList")),
            str_list(v.get("candidateUsersList")),
        )
        created = int_or(v.get("creationTimestamp"), 0) or record.timestamp
        buffer.upsert(
            ut,
            {"user_task_key": key},
            {
                "name": names.get(element_id) or element_id,
                "state": "CREATED",
                "assignee": opt_str(v.get("assignee")),
                "element_id": element_id,
                "element_instance_key": int_or(v.get("elementInstanceKey"), 0),
                "candidate_groups": json_list(groups),
                "candidate_users": json_list(users),
                "process_definition_id": str(v.get("bpmnProcessId", "")),
                "process_definition_key": definition_key,
                "process_definition_version": int_or(v.get("processDefinitionVersion"), 1),
                "process_instance_key": int_or(v.get("processInstanceKey"), 0),
                "creation_date": created,
                "completion_date": None,
                "due_date": iso_to_ms(v.get("dueDate")),
                "follow_up_date": iso_to_ms(v.get("followUpDate")),
                "priority": int_or(v.get("priority"), 50),
                "form_key": opt_key(v.get("formKey")),
                "external_form_reference": opt_str(v.get("externalFormReference")),
                "custom_headers": json_map(str_map(v.get("customHeaders"))),
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )
        _set_candidates(buffer, key, groups, users)
    elif record.intent == "ASSIGNED":
        buffer.update(ut, {"user_task_key": key}, {"assignee": opt_str(v.get("assignee"))})
    elif record.intent == "UPDATED":
        _update_user_task(buffer, key, v)
    elif record.intent in ("COMPLETED", "CANCELED"):
        buffer.update(
            ut,
            {"user_task_key": key},
            {"state": record.intent, "completion_date": record.timestamp},
        )


def _update_user_task(buffer: WriteBuffer, key: int, v: Mapping[str, Any]) -> None:
    changed = set(str_list(v.get("changedAttributes"))) or {
        "candidateGroupsList",
        "candidateUsersList",
        "dueDate",
        "followUpDate",
        "priority",
    }
    values: dict[str, Any] = {}
    if "dueDate" in changed:
        values["due_date"] = iso_to_ms(v.get("dueDate"))
    if "followUpDate" in changed:
        values["follow_up_date"] = iso_to_ms(v.get("followUpDate"))
    if "priority" in changed:
        values["priority"] = int_or(v.get("priority"), 50)
    groups = users = None
    if changed & {"candidateGroupsList", "candidateGroups"}:
        groups = str_list(v.get("candidateGroupsList"))
        values["candidate_groups"] = json_list(groups)
    if changed & {"candidateUsersList", "candidateUsers"}:
        users = str_list(v.get("candidateUsersList"))
        values["candidate_users"] = json_list(users)
    if values:
        buffer.update(t.user_task, {"user_task_key": key}, values)
    if groups is not None or users is not None:
        _set_candidates(buffer, key, groups, users)


def _set_candidates(
    buffer: WriteBuffer, key: int, groups: list[str] | None, users: list[str] | None
) -> None:
    for kind, values in (("group", groups), ("user", users)):
        if values is not None:
            buffer.set_candidates(t.user_task_candidate, key, kind, values)
