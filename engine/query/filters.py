"""Custom search filters: variable values, and process instance filters that look at other
tables (element instances, incidents) or at features the embedded engine does not have."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, null, select, true

from engine.errors import InvalidArgument
from engine.query import tables as t
from engine.query.search import Field, Kind, field_condition

_pi = t.process_instance
_ei = t.element_instance

_v = t.variable
_VALUE = Field(_v.c.value, Kind.STRING)


def variable_filters(scope: ColumnElement[Any]) -> Any:
    """A custom filter: ``[{name, value}]``, each an existing variable in ``scope``."""

    def build(value: Any, path: str) -> ColumnElement[bool]:
        if not isinstance(value, list):
            raise InvalidArgument(f"{path}: expected an array of {{name, value}} objects")
        conditions: list[ColumnElement[bool]] = []
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
                raise InvalidArgument(f"{item_path}.name: expected a string")
            if "value" not in item:
                raise InvalidArgument(f"{item_path}.value: required")
            value = item["value"]
            named = select(_v.c.scope_key).where(_v.c.name == item["name"])
            if isinstance(value, Mapping) and value.get("$exists") is False:
                # "not containing variable X" (Camunda's data-fetching guide): a variable's
                # value is never absent, so {"$exists": false} asks for the name to be missing.
                if len(value) > 1:
                    raise InvalidArgument(f"{item_path}.value: $exists false stands alone")
                conditions.append(scope.not_in(named))
                continue
            # IN (subquery) rather than a correlated EXISTS: SQLite then drives the search
            # from the variable-name index instead of scanning every candidate row.
            matching = named.where(field_condition(_VALUE, value, f"{item_path}.value"))
            conditions.append(scope.in_(matching))
        return and_(true(), *conditions)

    return build


def element_filter(f: Field) -> Any:
    """A process instance filter on its element instances (any element matching)."""

    def build(value: Any, path: str) -> ColumnElement[bool]:
        cond = field_condition(f, value, path)
        return _pi.c.process_instance_key.in_(select(_ei.c.process_instance_key).where(cond))

    return build


def incident_message_filter(value: Any, path: str) -> ColumnElement[bool]:
    """``errorMessage``: instances with an open incident whose message matches."""
    cond = field_condition(Field(t.incident.c.error_message, Kind.STRING), value, path)
    open_incidents = select(t.incident.c.process_instance_key).where(
        t.incident.c.state == "ACTIVE", cond
    )
    return _pi.c.process_instance_key.in_(open_incidents)


# Camunda 8.8's Tag: "Needs to start with a letter; then alphanumerics, `_`, `-`, `:`, or `.`;
# length <= 100"; a TagSet holds at most 10 unique tags.
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_\-:.]{0,99}")
MAX_TAGS = 10


def check_tags(value: Any, path: str) -> list[str]:
    """A TagSet, or :class:`InvalidArgument` naming ``path`` and what is wrong with it."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"{path}: expected an array of tags")
    if len(value) > MAX_TAGS:
        raise InvalidArgument(f"{path}: at most {MAX_TAGS} tags are allowed")
    if len(set(value)) != len(value):
        raise InvalidArgument(f"{path}: tags must be unique")
    for i, tag in enumerate(value):
        if not _TAG.fullmatch(tag):
            raise InvalidArgument(
                f"{path}[{i}]: a tag starts with a letter, then letters, digits, '_', '-', "
                "':' or '.', at most 100 characters"
            )
    return list(value)


def tags_filter(value: Any, path: str) -> ColumnElement[bool]:
    """``tags``: instances carrying all of them. The embedded engine has no tags."""
    return true() if not check_tags(value, path) else false()


# Batch operations do not exist in the embedded engine: an instance's batchOperationId is absent.
_NO_BATCH_OPERATION = Field(null(), Kind.STRING)


def batch_operation_filter(value: Any, path: str) -> ColumnElement[bool]:
    """``batchOperationId``: never set here, so only ``$exists: false`` (or ``$neq``) match."""
    return field_condition(_NO_BATCH_OPERATION, value, path)
