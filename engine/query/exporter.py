"""The exporter that keeps the search tables in step with the record log.

It runs inside the engine's committing transaction (see :class:`engine.api.Exporter`), so the
search tables never show a state the log does not hold. Only EVENT records change the tables;
commands and rejections change nothing. Projection is idempotent per record (upserts), so
replaying the log rebuilds the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, event, select

from engine.api import DEFAULT_TENANT, Record
from engine.query import tables as t
from engine.query.buffer import WriteBuffer
from engine.query.incidents import project_decision_evaluation, project_incident
from engine.query.projection import (
    VARIABLE_TRUNCATION_THRESHOLD,
    bpmn_names,
    int_or,
    opt_key,
    opt_str,
    resource_text,
)
from engine.query.rebuild import ensure_schema
from engine.query.user_tasks import project_user_task
from engine.query.writes import delete, insert, upsert


class QueryExporter:
    """Projects records into the ``q_*`` tables; creates them on first use."""

    def __init__(self) -> None:
        self._schema_ready = False
        # Element and process names per process definition key; definitions are immutable.
        self._names: dict[int, tuple[str | None, dict[str, str]]] = {}

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        """Apply ``records`` (in log order) on the open connection of the committing transaction."""
        conn: Connection = connection
        if not self._schema_ready:
            self._forget_on_rollback(conn)
            first = min((r.position for r in records), default=None)
            ensure_schema(conn, self.project, before_position=first)
            self._schema_ready = True
        self.project(conn, records)

    def project(self, conn: Connection, records: Sequence[Record]) -> None:
        """Apply ``records`` to the search tables (which must exist).

        Instance, user task and variable rows are written through a :class:`WriteBuffer`, one
        statement per table and shape for the whole batch; the other (rare) records flush it
        first and write directly, since they may read the tables.
        """
        buffer = WriteBuffer(conn)
        for record in records:
            if record.record_type != "EVENT":
                continue
            buffered = _BUFFERED.get(record.value_type)
            if buffered is not None:
                buffered(self, buffer, conn, record)
                continue
            handler = _HANDLERS.get(record.value_type)
            if handler is not None:
                buffer.flush()
                handler(self, conn, record)
        buffer.flush()

    def _forget_on_rollback(self, conn: Connection) -> None:
        """What this exporter learns in a transaction (tables exist, names of new definitions)
        is undone by its rollback; then the exporter forgets and looks again. Registered only
        when there is something to forget: registering on every commit cost a tenth of a step."""
        if not event.contains(conn, "rollback", self._forget):
            event.listen(conn, "rollback", self._forget)

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
        self._forget_on_rollback(conn)
        self._names[key] = (name, names)

    def _resource_deletion(self, conn: Connection, record: Record) -> None:
        """A deleted resource leaves the definition searches (its instances stay)."""
        if record.intent != "DELETED":
            return
        key = int_or(record.value.get("resourceKey"), record.key)
        delete(conn, t.process_definition, {"process_definition_key": key})
        delete(conn, t.element_name, {"process_definition_key": key})
        delete(conn, t.form, {"form_key": key})
        delete(conn, t.decision_requirements, {"decision_requirements_key": key})
        delete(conn, t.decision_definition, {"decision_requirements_key": key})
        delete(conn, t.decision_definition, {"decision_definition_key": key})
        self._names.pop(key, None)

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

    def _process_instance(self, buffer: WriteBuffer, conn: Connection, record: Record) -> None:
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
            buffer.upsert(table, {pk_col: record.key}, values)
        elif record.intent in ("ELEMENT_COMPLETED", "ELEMENT_TERMINATED"):
            state = "COMPLETED" if record.intent == "ELEMENT_COMPLETED" else "TERMINATED"
            buffer.update(
                table, {pk_col: record.key}, {"state": state, "end_date": record.timestamp}
            )

    def _user_task(self, buffer: WriteBuffer, conn: Connection, record: Record) -> None:
        project_user_task(buffer, conn, record, self._names_of)

    def _variable(self, buffer: WriteBuffer, conn: Connection, record: Record) -> None:
        if record.intent not in ("CREATED", "UPDATED"):
            return
        v = record.value
        value = v.get("value")
        text = value if isinstance(value, str) else "null"
        buffer.upsert(
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
        project_incident(conn, record)

    def _decision_evaluation(self, conn: Connection, record: Record) -> None:
        project_decision_evaluation(conn, record)


# Records of every step: their rows go through the write buffer.
_BUFFERED = {
    "PROCESS_INSTANCE": QueryExporter._process_instance,
    "USER_TASK": QueryExporter._user_task,
    "VARIABLE": QueryExporter._variable,
}

# Rare records (deployments, incidents, evaluations): written directly; some read the tables.
_HANDLERS = {
    "PROCESS": QueryExporter._process,
    "FORM": QueryExporter._form,
    "DECISION": QueryExporter._decision,
    "DECISION_REQUIREMENTS": QueryExporter._decision_requirements,
    "INCIDENT": QueryExporter._incident,
    "DECISION_EVALUATION": QueryExporter._decision_evaluation,
    "RESOURCE_DELETION": QueryExporter._resource_deletion,
}
