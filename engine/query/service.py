"""Reads of the search tables, for the REST API.

Every method opens a short read connection; filters, sorting and paging run in SQL. Methods
return Camunda-shaped JSON dicts (``None`` for an unknown key) or raise
:class:`engine.errors.InvalidArgument` naming the bad filter, sort or page field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, select

from engine.api import JsonDict, Page, SearchResult, Sort
from engine.errors import NotFound
from engine.query import tables as t
from engine.query.definitions import (
    DECISION_DEFINITION,
    PROCESS_DEFINITION,
    form_item,
)
from engine.query.entities import (
    ELEMENT_INSTANCE,
    INCIDENT,
    PROCESS_INSTANCE,
    USER_TASK,
    USER_TASK_VARIABLE,
    VARIABLE,
    variable_item,
    visible_in_scopes,
    with_full_values,
)
from engine.query.exporter import QueryExporter
from engine.query.rebuild import ensure_schema
from engine.query.search import Entity, run_search

_MAX_SCOPE_DEPTH = 256  # guards the scope walk against a corrupt (cyclic) flow-scope chain


class QueryService:
    """Searches and lookups over the ``q_*`` tables that :func:`query_exporter` maintains."""

    def __init__(
        self, sql_engine: sqlalchemy.Engine, *, before_read: Callable[[], object] | None = None
    ) -> None:
        """``before_read`` runs before every read: the engine process passes its
        ``flush_exports``, so a read sees every command acknowledged before it."""
        self._engine = sql_engine
        self._before_read = before_read
        self._schema_ready = False

    def create_schema(self) -> None:
        """Create the search tables, or rebuild them from the record log if their schema is
        outdated (idempotent)."""
        with self._engine.begin() as conn:
            ensure_schema(conn, QueryExporter().project, before_position=None)
        self._schema_ready = True

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._before_read is not None:
            self._before_read()
        if not self._schema_ready:
            self.create_schema()
        with self._engine.connect() as conn:
            yield conn

    def _search(
        self,
        entity: Entity,
        flt: Any,
        sort: Sequence[Sort],
        page: Page | None,
        extra: Sequence[Any] = (),
    ) -> SearchResult:
        with self._read() as conn:
            return run_search(conn, entity, flt=flt, sort=sort, page=page, extra=extra)

    def _get(self, entity: Entity, key: int) -> JsonDict | None:
        with self._read() as conn:
            row = conn.execute(
                select(*entity.columns).select_from(entity.source).where(entity.key == key)
            ).first()
            return None if row is None else entity.to_item(row._mapping)

    # --- user tasks ----------------------------------------------------------------------------

    def search_user_tasks(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        """POST /v2/user-tasks/search."""
        return self._search(USER_TASK, flt, sort, page)

    def get_user_task(self, user_task_key: int) -> JsonDict | None:
        """GET /v2/user-tasks/{userTaskKey}."""
        return self._get(USER_TASK, user_task_key)

    def get_user_task_form(self, user_task_key: int) -> JsonDict | None:
        """The linked form of a user task; ``None`` if it has none; NotFound if no such task."""
        with self._read() as conn:
            form_key = conn.execute(
                select(t.user_task.c.form_key).where(t.user_task.c.user_task_key == user_task_key)
            ).first()
            if form_key is None:
                raise NotFound(f"user task {user_task_key} not found")
            if form_key[0] is None:
                return None
            row = conn.execute(select(t.form).where(t.form.c.form_key == form_key[0])).first()
            return None if row is None else form_item(row._mapping)

    def search_user_task_variables(
        self,
        user_task_key: int,
        flt: Any = None,
        sort: Sequence[Sort] = (),
        page: Page | None = None,
        *,
        truncate: bool = True,
    ) -> SearchResult:
        """Variables visible from a user task's element (its scope and every enclosing one);
        ``truncate=False`` answers whole values (Camunda's ``truncateValues=false``)."""
        with self._read() as conn:
            element = conn.execute(
                select(t.user_task.c.element_instance_key).where(
                    t.user_task.c.user_task_key == user_task_key
                )
            ).scalar_one_or_none()
            if element is None:
                raise NotFound(f"user task {user_task_key} not found")
            scopes = self._scope_chain(conn, element)
            return run_search(
                conn,
                USER_TASK_VARIABLE if truncate else with_full_values(USER_TASK_VARIABLE),
                flt=flt,
                sort=sort,
                page=page,
                extra=visible_in_scopes(scopes),
            )

    def _scope_chain(self, conn: Connection, element_instance_key: int) -> list[int]:
        ei = t.element_instance
        chain = [element_instance_key]
        current: int | None = element_instance_key
        while current is not None and len(chain) < _MAX_SCOPE_DEPTH:
            row = conn.execute(
                select(ei.c.flow_scope_key).where(ei.c.element_instance_key == current)
            ).first()
            current = None if row is None else row[0]
            if current is not None and current not in chain:
                chain.append(current)
            else:
                current = None
        return chain

    # --- process instances, elements, incidents, variables -------------------------------------

    def search_process_instances(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        """POST /v2/process-instances/search."""
        return self._search(PROCESS_INSTANCE, flt, sort, page)

    def get_process_instance(self, process_instance_key: int) -> JsonDict | None:
        """GET /v2/process-instances/{processInstanceKey}."""
        return self._get(PROCESS_INSTANCE, process_instance_key)

    def search_element_instances(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        """POST /v2/element-instances/search: where instances stand."""
        return self._search(ELEMENT_INSTANCE, flt, sort, page)

    def get_element_instance(self, element_instance_key: int) -> JsonDict | None:
        return self._get(ELEMENT_INSTANCE, element_instance_key)

    def search_incidents(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        """POST /v2/incidents/search."""
        return self._search(INCIDENT, flt, sort, page)

    def get_incident(self, incident_key: int) -> JsonDict | None:
        return self._get(INCIDENT, incident_key)

    def search_variables(
        self,
        flt: Any = None,
        sort: Sequence[Sort] = (),
        page: Page | None = None,
        *,
        truncate: bool = True,
    ) -> SearchResult:
        """POST /v2/variables/search: values longer than Camunda's threshold are truncated
        unless ``truncate`` is false (``truncateValues=false``)."""
        return self._search(VARIABLE if truncate else with_full_values(VARIABLE), flt, sort, page)

    def get_variable(self, variable_key: int) -> JsonDict | None:
        """GET /v2/variables/{variableKey}: the full value, never truncated."""
        with self._read() as conn:
            row = conn.execute(
                select(t.variable).where(t.variable.c.variable_key == variable_key)
            ).first()
            if row is None:
                return None
            item = variable_item(row._mapping)
            item["value"] = row.value
            del item["isTruncated"]
            return item

    def latest_decision_evaluation_key(self) -> int | None:
        """The key of the newest decision evaluation. Read on the engine's thread right after
        an evaluation command, it is that evaluation's key (Camunda's decisionEvaluationKey)."""
        with self._read() as conn:
            found = conn.execute(
                select(sqlalchemy.func.max(t.decision_evaluation.c.decision_evaluation_key))
            ).scalar_one_or_none()
            return None if found is None else int(found)

    # --- definitions ---------------------------------------------------------------------------

    def search_process_definitions(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        return self._search(PROCESS_DEFINITION, flt, sort, page)

    def get_process_definition(self, process_definition_key: int) -> JsonDict | None:
        return self._get(PROCESS_DEFINITION, process_definition_key)

    def get_process_definition_xml(self, process_definition_key: int) -> str | None:
        """The deployed BPMN XML (for the web's diagram view)."""
        with self._read() as conn:
            return conn.execute(
                select(t.process_definition.c.bpmn_xml).where(
                    t.process_definition.c.process_definition_key == process_definition_key
                )
            ).scalar_one_or_none()

    def search_decision_definitions(
        self, flt: Any = None, sort: Sequence[Sort] = (), page: Page | None = None
    ) -> SearchResult:
        return self._search(DECISION_DEFINITION, flt, sort, page)

    def get_decision_definition(self, decision_definition_key: int) -> JsonDict | None:
        return self._get(DECISION_DEFINITION, decision_definition_key)

    def get_form(self, form_key: int) -> JsonDict | None:
        with self._read() as conn:
            row = conn.execute(select(t.form).where(t.form.c.form_key == form_key)).first()
            return None if row is None else form_item(row._mapping)

    def latest_form(self, form_id: str, tenant_id: str = "<default>") -> JsonDict | None:
        """The newest deployed version of form ``form_id`` (``bindingType="latest"``)."""
        with self._read() as conn:
            row = conn.execute(
                select(t.form)
                .where(t.form.c.form_id == form_id, t.form.c.tenant_id == tenant_id)
                .order_by(t.form.c.version.desc())
                .limit(1)
            ).first()
            return None if row is None else form_item(row._mapping)
