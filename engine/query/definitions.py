"""Deployed definitions as searchable entities: processes, decisions, forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, RowMapping, false, func, select, true

from engine.api import JsonDict
from engine.errors import InvalidArgument
from engine.query import tables as t
from engine.query.projection import load_json
from engine.query.search import Entity, Field, Kind

_pd = t.process_definition
_dd = t.decision_definition


def _key(value: int | None) -> str | None:
    return None if value is None else str(value)


def process_definition_item(row: RowMapping) -> JsonDict:
    return {
        "processDefinitionKey": _key(row["process_definition_key"]),
        "processDefinitionId": row["process_definition_id"],
        "name": row["name"],
        "version": row["version"],
        "versionTag": row["version_tag"],
        "resourceName": row["resource_name"],
        "tenantId": row["tenant_id"],
        "hasStartForm": False,
    }


def _latest_version_filter(value: Any, path: str) -> ColumnElement[bool]:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{path}: expected true or false")
    newest = t.process_definition.alias("newest")
    latest = (
        select(func.max(newest.c.version))
        .where(
            newest.c.process_definition_id == _pd.c.process_definition_id,
            newest.c.tenant_id == _pd.c.tenant_id,
        )
        .scalar_subquery()
    )
    return _pd.c.version == latest if value else _pd.c.version != latest


def _start_form_filter(value: Any, path: str) -> ColumnElement[bool]:
    # Linked start forms are not modelled by the embedded engine: hasStartForm is always false.
    if not isinstance(value, bool):
        raise InvalidArgument(f"{path}: expected true or false")
    return false() if value else true()


PROCESS_DEFINITION = Entity(
    to_item=process_definition_item,
    name="process definition",
    source=_pd,
    columns=[c for c in _pd.c if c.name != "bpmn_xml"],
    key=_pd.c.process_definition_key,
    fields={
        "processDefinitionKey": Field(
            _pd.c.process_definition_key, Kind.KEY, sortable=True, nullable=False
        ),
        "processDefinitionId": Field(
            _pd.c.process_definition_id, Kind.STRING, sortable=True, nullable=False
        ),
        "name": Field(_pd.c.name, Kind.STRING, sortable=True),
        "version": Field(_pd.c.version, Kind.INT, sortable=True, nullable=False),
        "versionTag": Field(_pd.c.version_tag, Kind.STRING, sortable=True),
        "resourceName": Field(_pd.c.resource_name, Kind.STRING, sortable=True, nullable=False),
        "tenantId": Field(_pd.c.tenant_id, Kind.STRING, sortable=True, nullable=False),
    },
    custom={"isLatestVersion": _latest_version_filter, "hasStartForm": _start_form_filter},
)


def decision_definition_item(row: RowMapping) -> JsonDict:
    return {
        "decisionDefinitionKey": _key(row["decision_definition_key"]),
        "decisionDefinitionId": row["decision_definition_id"],
        "name": row["name"],
        "version": row["version"],
        "decisionRequirementsId": row["decision_requirements_id"],
        "decisionRequirementsKey": _key(row["decision_requirements_key"]),
        "tenantId": row["tenant_id"],
    }


DECISION_DEFINITION = Entity(
    to_item=decision_definition_item,
    name="decision definition",
    source=_dd,
    columns=list(_dd.c),
    key=_dd.c.decision_definition_key,
    fields={
        "decisionDefinitionKey": Field(
            _dd.c.decision_definition_key, Kind.KEY, sortable=True, nullable=False
        ),
        "decisionDefinitionId": Field(
            _dd.c.decision_definition_id, Kind.STRING, sortable=True, nullable=False
        ),
        "name": Field(_dd.c.name, Kind.STRING, sortable=True),
        "version": Field(_dd.c.version, Kind.INT, sortable=True, nullable=False),
        "decisionRequirementsId": Field(_dd.c.decision_requirements_id, Kind.STRING, sortable=True),
        "decisionRequirementsKey": Field(_dd.c.decision_requirements_key, Kind.KEY, sortable=True),
        "tenantId": Field(_dd.c.tenant_id, Kind.STRING, sortable=True, nullable=False),
    },
)


def form_item(row: RowMapping) -> JsonDict:
    """Camunda's ``FormResult``: the form JSON as an object under ``schema``."""
    return {
        "formKey": _key(row["form_key"]),
        "formId": row["form_id"],
        "version": row["version"],
        "schema": load_json(row["schema"], {}),
        "tenantId": row["tenant_id"],
    }
