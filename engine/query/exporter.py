"""The exporter that keeps the search tables in step with the record log.

It runs inside the engine's committing transaction (see :class:`engine.api.Exporter`), so the
search tables never show a state the log does not hold. Only EVENT records change the tables;
commands and rejections change nothing. Projection is idempotent per record (upserts), so
replaying the log rebuilds the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, event, exists, select

from engine.api import Record
from engine.query import tables as t
from engine.query.projection import (
    VARIABLE_TRUNCATION_THRESHOLD,
    bpmn_names,
    int_or,
    iso_to_ms,
    json_list,
    json_map,
    opt_key,
    opt_str,
    resource_text,
    str_list,
    str_map,
)
from engine.query.writes import delete, insert, update, upsert

DEFAULT_TENANT = "<default>"


class QueryExporter:
    """Projects records into the ``q_*`` tables; creates them on first use."""

    def __init__(self) -> None:
        self._schema_ready = False
        # Element and process names per process definition key; definitions are immutable.
        self._names: dict[int, tuple[str | None, dict[str, str]]] = {}

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        """Apply ``records`` (in log order) on the open connection of the committing transaction."""
        conn: Connection = connection
        # What this exporter remembers (tables exist, names of new definitions) may be undone by
        # a rollback of the engine's transaction; then it forgets and looks again.
        if not event.contains(conn, "rollback", self._forget):
            event.listen(conn, "rollback", self._forget)
        if not self._schema_ready:
            t.metadata.create_all(conn, checkfirst=True)
            self._schema_ready = True
        for record in records:
            if record.record_type != "EVENT":
                continue
            handler = _HANDLERS.get(record.value_type)
            if handler is not None:
                handler(self, conn, record)

    def _forget(self, conn: Connection) -> None:
        self._schema_ready = False
        self._names.clear()

    # --- definitions ---------------------------------------------------------------------------

    def _process(self, conn: Connection, record: Record) -> None:
        if record.intent != "CREATED":
            return
        v = record.value
        key = int_or(v.get("processDefinitionKey"), record.key)
        process_id = str(v.get("bpmnProcessId", ""))
        xml = resource_text(v.get("resource"))
        name, names = bpmn_names(xml, process_id)
        upsert(
            conn,
            t.process_definition,
            {"process_definition_key": key},
            {
                "process_definition_id": process_id,
                "name": name,
                "version": int_or(v.get("version"), 1),
                "version_tag": opt_str(v.get("versionTag")),
                "resource_name": str(v.get("resourceName", "")),
                "bpmn_xml": xml,
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )
        delete(conn, t.element_name, {"process_definition_key": key})
        if names:
            insert(
                conn,
                t.element_name,
                [
                    {"process_definition_key": key, "element_id": eid, "name": ename}
                    for eid, ename in names.items()
                ],
            )
        self._names[key] = (name, names)

    def _names_of(self, conn: Connection, definition_key: int) -> tuple[str | None, dict[str, str]]:
        cached = self._names.get(definition_key)
        if cached is None:
            pd_name = conn.execute(
                select(t.process_definition.c.name).where(
                    t.process_definition.c.process_definition_key == definition_key
                )
            ).scalar_one_or_none()
            rows = conn.execute(
                select(t.element_name.c.element_id, t.element_name.c.name).where(
                    t.element_name.c.process_definition_key == definition_key
                )
            ).all()
            cached = (pd_name, {row.element_id: row.name for row in rows})
            self._names[definition_key] = cached
        return cached

    def _form(self, conn: Connection, record: Record) -> None:
        if record.intent != "CREATED":
            return
        v = record.value
        upsert(
            conn,
            t.form,
            {"form_key": int_or(v.get("formKey"), record.key)},
            {
                "form_id": str(v.get("formId", "")),
                "version": int_or(v.get("version"), 1),
                "resource_name": opt_str(v.get("resourceName")),
                "schema": resource_text(v.get("resource")),
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )

    def _decision(self, conn: Connection, record: Record) -> None:
        if record.intent != "CREATED":
            return
        v = record.value
        upsert(
            conn,
            t.decision_definition,
            {"decision_definition_key": int_or(v.get("decisionKey"), record.key)},
            {
                "decision_definition_id": str(v.get("decisionId", "")),
                "name": opt_str(v.get("decisionName")),
                "version": int_or(v.get("version"), 1),
                "decision_requirements_id": opt_str(v.get("decisionRequirementsId")),
                "decision_requirements_key": opt_key(v.get("decisionRequirementsKey")),
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )

    def _decision_requirements(self, conn: Connection, record: Record) -> None:
        if record.intent != "CREATED":
            return
        v = record.value
        version = v.get("decisionRequirementsVersion", v.get("version"))
        upsert(
            conn,
            t.decision_requirements,
            {"decision_requirements_key": int_or(v.get("decisionRequirementsKey"), record.key)},
            {
                "decision_requirements_id": str(v.get("decisionRequirementsId", "")),
                "name": opt_str(v.get("decisionRequirementsName")),
                "version": int_or(version, 1),
                "resource_name": opt_str(v.get("resourceName")),
                "dmn_xml": resource_text(v.get("resource")),
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )

    # --- instances -----------------------------------------------------------------------------

    def _process_instance(self, conn: Connection, record: Record) -> None:
        v = record.value
        is_process = v.get("bpmnElementType") == "PROCESS"
        table = t.process_instance if is_process else t.element_instance
        pk_col = "process_instance_key" if is_process else "element_instance_key"
        if record.intent == "ELEMENT_ACTIVATING":
            definition_key = int_or(v.get("processDefinitionKey"), 0)
            process_name, names = self._names_of(conn, definition_key)
            common = {
                "process_definition_key": definition_key,
                "process_definition_id": str(v.get("bpmnProcessId", "")),
                "state": "ACTIVE",
                "has_incident": False,
                "start_date": record.timestamp,
                "end_date": None,
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            }
            if is_process:
                values = common | {
                    "process_definition_name": process_name,
                    "process_definition_version": int_or(v.get("version"), 1),
                    "parent_process_instance_key": opt_key(v.get("parentProcessInstanceKey")),
                    "parent_element_instance_key": opt_key(v.get("parentElementInstanceKey")),
                }
            else:
                element_id = str(v.get("elementId", ""))
                values = common | {
                    "process_instance_key": int_or(v.get("processInstanceKey"), 0),
                    "flow_scope_key": opt_key(v.get("flowScopeKey")),
                    "element_id": element_id,
                    "element_name": names.get(element_id),
                    "type": str(v.get("bpmnElementType", "UNKNOWN")),
                    "incident_key": None,
                }
            upsert(conn, table, {pk_col: record.key}, values)
        elif record.intent in ("ELEMENT_COMPLETED", "ELEMENT_TERMINATED"):
            state = "COMPLETED" if record.intent == "ELEMENT_COMPLETED" else "TERMINATED"
            update(
                conn, table, {pk_col: record.key}, {"state": state, "end_date": record.timestamp}
            )

    def _user_task(self, conn: Connection, record: Record) -> None:
        v = record.value
        key = int_or(v.get("userTaskKey"), record.key)
        ut = t.user_task
        if record.intent == "CREATED":
            definition_key = int_or(v.get("processDefinitionKey"), 0)
            element_id = str(v.get("elementId", ""))
            _, names = self._names_of(conn, definition_key)
            groups, users = (
                str_list(v.get("candidateGroupsList")),
                str_list(v.get("candidateUsersList")),
            )
            created = int_or(v.get("creationTimestamp"), 0) or record.timestamp
            upsert(
                conn,
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
            self._set_candidates(conn, key, groups, users)
        elif record.intent == "ASSIGNED":
            update(conn, ut, {"user_task_key": key}, {"assignee": opt_str(v.get("assignee"))})
        elif record.intent == "UPDATED":
            self._update_user_task(conn, key, v)
        elif record.intent in ("COMPLETED", "CANCELED"):
            update(
                conn,
                ut,
                {"user_task_key": key},
                {"state": record.intent, "completion_date": record.timestamp},
            )

    def _update_user_task(self, conn: Connection, key: int, v: Mapping[str, Any]) -> None:
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
            update(conn, t.user_task, {"user_task_key": key}, values)
        if groups is not None or users is not None:
            self._set_candidates(conn, key, groups, users)

    def _set_candidates(
        self, conn: Connection, key: int, groups: list[str] | None, users: list[str] | None
    ) -> None:
        c = t.user_task_candidate
        for kind, values in (("group", groups), ("user", users)):
            if values is None:
                continue
            delete(conn, c, {"user_task_key": key, "kind": kind})
            if values:
                insert(
                    conn,
                    c,
                    [
                        {"user_task_key": key, "kind": kind, "value": val}
                        for val in dict.fromkeys(values)
                    ],
                )

    def _variable(self, conn: Connection, record: Record) -> None:
        if record.intent not in ("CREATED", "UPDATED"):
            return
        v = record.value
        value = v.get("value")
        text = value if isinstance(value, str) else "null"
        upsert(
            conn,
            t.variable,
            {"variable_key": record.key},
            {
                "name": str(v.get("name", "")),
                "value": text,
                "is_truncated": len(text) > VARIABLE_TRUNCATION_THRESHOLD,
                "scope_key": int_or(v.get("scopeKey"), 0),
                "process_instance_key": int_or(v.get("processInstanceKey"), 0),
                "tenant_id": v.get("tenantId") or DEFAULT_TENANT,
            },
        )

    def _incident(self, conn: Connection, record: Record) -> None:
        v = record.value
        inc, ei, pi = t.incident, t.element_instance, t.process_instance
        pi_key = int_or(v.get("processInstanceKey"), 0)
        ei_key = int_or(v.get("elementInstanceKey"), 0)
        if record.intent == "CREATED":
            upsert(
                conn,
                inc,
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
                ei,
                {"element_instance_key": ei_key},
                {"has_incident": True, "incident_key": record.key},
            )
            update(conn, pi, {"process_instance_key": pi_key}, {"has_incident": True})
        elif record.intent == "RESOLVED":
            update(conn, inc, {"incident_key": record.key}, {"state": "RESOLVED"})
            update(
                conn,
                ei,
                {"element_instance_key": ei_key, "incident_key": record.key},
                {"has_incident": False, "incident_key": None},
            )
            still_active = exists().where(
                inc.c.process_instance_key == pi_key, inc.c.state == "ACTIVE"
            )
            conn.execute(
                pi.update()
                .where(pi.c.process_instance_key == pi_key)
                .values(has_incident=select(still_active).scalar_subquery())
            )


_HANDLERS = {
    "PROCESS": QueryExporter._process,
    "FORM": QueryExporter._form,
    "DECISION": QueryExporter._decision,
    "DECISION_REQUIREMENTS": QueryExporter._decision_requirements,
    "PROCESS_INSTANCE": QueryExporter._process_instance,
    "USER_TASK": QueryExporter._user_task,
    "VARIABLE": QueryExporter._variable,
    "INCIDENT": QueryExporter._incident,
}
