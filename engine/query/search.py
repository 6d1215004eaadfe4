"""Camunda REST v2 search semantics in SQL: filter properties, sort, offset and cursor paging.

A search is described by an :class:`Entity` (which API fields map to which SQL expressions) and
runs as two statements: ``count(*)`` for ``totalItems`` and one page ``SELECT``. Nothing is
loaded into memory beyond the page. Cursor paging is keyset paging on the sort expressions plus
the entity's key as tie-breaker, so pages stay stable while rows are added.

Filter values follow Camunda's ``*FilterProperty`` shapes: a plain value means equality, an
object holds operators (``$eq $neq $exists $in $notIn $like $gt $gte $lt $lte``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    RowMapping,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from engine.api import JsonDict, Page, SearchResult, Sort
from engine.errors import InvalidArgument
from engine.query.like import CaseSensitiveLike
from engine.query.projection import iso_with_offset_to_ms

MAX_LIMIT = 10_000
_INT32 = -(2**31)
_INT64 = -(2**63)
_NULL_LAST_NUMBER = 2**62  # sorts absent numbers/dates after real ones in ascending order


class Kind(StrEnum):
    """How an API field's filter values are read and compared."""

    STRING = "string"
    INT = "integer"
    DATE = "date-time"
    KEY = "key"
    BOOL = "boolean"
    ENUM = "enum"


_OPERATORS: dict[Kind, frozenset[str]] = {
    Kind.STRING: frozenset({"$eq", "$neq", "$exists", "$in", "$notIn", "$like"}),
    Kind.ENUM: frozenset({"$eq", "$neq", "$exists", "$in", "$notIn", "$like"}),
    Kind.INT: frozenset({"$eq", "$neq", "$exists", "$gt", "$gte", "$lt", "$lte", "$in"}),
    Kind.DATE: frozenset({"$eq", "$neq", "$exists", "$gt", "$gte", "$lt", "$lte", "$in"}),
    Kind.KEY: frozenset({"$eq", "$neq", "$exists", "$in", "$notIn"}),
    Kind.BOOL: frozenset({"$eq", "$neq", "$exists"}),
}


@dataclass(frozen=True)
class Field:
    """One filterable/sortable API field."""

    expr: ColumnElement[Any]
    kind: Kind
    enum: tuple[str, ...] = ()
    sortable: bool = False
    nullable: bool = True
    filterable: bool = True


CustomFilter = Callable[[Any, str], ColumnElement[bool]]
"""Builds a condition from a filter value and the value's path (for error messages)."""


@dataclass(frozen=True)
class Entity:
    """What a search endpoint searches: its source, fields, tie-breaker key and item shape."""

    name: str
    source: FromClause
    columns: Sequence[ColumnElement[Any]]
    key: ColumnElement[Any]
    fields: Mapping[str, Field]
    to_item: Callable[[RowMapping], JsonDict]
    custom: Mapping[str, CustomFilter] = field(default_factory=dict)
    unsupported: frozenset[str] = frozenset()
    allow_or: bool = False


def parse_value(kind: Kind, value: Any, path: str, enum: tuple[str, ...] = ()) -> Any:
    """One filter operand as the SQL column stores it; raises naming ``path`` if invalid."""
    if kind in (Kind.STRING, Kind.ENUM):
        if not isinstance(value, str):
            raise InvalidArgument(f"{path}: expected a string")
        if kind is Kind.ENUM and enum and value not in enum:
            raise InvalidArgument(f"{path}: '{value}' is not one of {', '.join(enum)}")
        return value
    if kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int) or not _INT32 <= value < -_INT32:
            raise InvalidArgument(f"{path}: expected a 32-bit integer")
        return value
    if kind is Kind.KEY:
        return parse_key(value, path)
    if kind is Kind.DATE:
        ms = iso_with_offset_to_ms(value)
        if ms is None:
            raise InvalidArgument(f"{path}: expected an ISO 8601 date-time with offset")
        return ms
    if not isinstance(value, bool):
        raise InvalidArgument(f"{path}: expected true or false")
    return value


def parse_key(value: Any, path: str) -> int:
    """A Zeebe key given as a string of digits (Camunda 8.8) or as a number (earlier clients),
    in a search or a REST path or body. Keys are Java longs (8.8's ``LongKey``: ``^-?[0-9]+$``):
    ``0`` or ``-1`` are well-formed keys that merely match nothing (404), while text or a number
    beyond 64 bits is malformed (InvalidArgument, 400)."""
    number: int | None = None
    if isinstance(value, str) and value.isascii() and 0 < len(value) <= 20:
        digits = value.removeprefix("-")
        number = int(value) if digits.isdigit() else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None or not _INT64 <= number < -_INT64:
        raise InvalidArgument(f"{path}: expected a key (a string of digits)")
    return number


def field_condition(f: Field, value: Any, path: str) -> ColumnElement[bool]:
    """The condition of one ``*FilterProperty`` on field ``f``."""
    col = f.expr
    if not isinstance(value, Mapping):
        return _compare(col, "$eq", parse_value(f.kind, value, path, f.enum))
    allowed = _OPERATORS[f.kind]
    conditions: list[ColumnElement[bool]] = []
    for op, operand in value.items():
        op_path = f"{path}.{op}"
        if op not in allowed:
            raise InvalidArgument(f"{op_path}: unknown operator for a {f.kind} filter")
        if op == "$exists":
            if not isinstance(operand, bool):
                raise InvalidArgument(f"{op_path}: expected true or false")
            conditions.append(col.is_not(None) if operand else col.is_(None))
        elif op in ("$in", "$notIn"):
            if not isinstance(operand, list):
                raise InvalidArgument(f"{op_path}: expected an array")
            items = [
                parse_value(f.kind, v, f"{op_path}[{i}]", f.enum) for i, v in enumerate(operand)
            ]
            if op == "$in":
                conditions.append(col.in_(items) if items else false())
            else:
                conditions.append(or_(col.not_in(items), col.is_(None)) if items else true())
        elif op == "$like":
            if not isinstance(operand, str):
                raise InvalidArgument(f"{op_path}: expected a string")
            conditions.append(CaseSensitiveLike(col, operand))
        else:
            v = parse_value(f.kind, operand, op_path, f.enum)
            conditions.append(_compare(col, op, v))
    return and_(true(), *conditions)


def _compare(col: ColumnElement[Any], op: str, v: Any) -> ColumnElement[bool]:
    if op == "$neq":
        return or_(col != v, col.is_(None))
    sql_op = {"$eq": "=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}[op]
    return col.bool_op(sql_op)(v)


def filter_conditions(entity: Entity, flt: Any, path: str = "filter") -> list[ColumnElement[bool]]:
    """All conditions of a search ``filter`` object (ANDed by the caller)."""
    if flt is None:
        return []
    if not isinstance(flt, Mapping):
        raise InvalidArgument(f"{path}: expected an object")
    out: list[ColumnElement[bool]] = []
    for name, value in flt.items():
        sub = f"{path}.{name}"
        if value is None:
            continue  # Camunda treats a null filter property as absent
        if name == "$or" and entity.allow_or:
            if not isinstance(value, list):
                raise InvalidArgument(f"{sub}: expected an array of filter objects")
            alternatives = [
                and_(true(), *filter_conditions(entity, alt, f"{sub}[{i}]"))
                for i, alt in enumerate(value)
            ]
            if alternatives:
                out.append(or_(*alternatives))
        elif name in entity.custom:
            out.append(entity.custom[name](value, sub))
        elif name in entity.fields and entity.fields[name].filterable:
            out.append(field_condition(entity.fields[name], value, sub))
        elif name in entity.unsupported:
            raise InvalidArgument(f"{sub}: this filter is not supported by the embedded engine")
        else:
            raise InvalidArgument(f"{sub}: unknown filter property of a {entity.name} search")
    return out


def _sort_expr(f: Field) -> ColumnElement[Any]:
    if not f.nullable:
        return f.expr
    if f.kind in (Kind.STRING, Kind.ENUM):
        return func.coalesce(f.expr, literal(""))
    if f.kind is Kind.BOOL:
        return func.coalesce(f.expr, false())
    return func.coalesce(f.expr, literal(_NULL_LAST_NUMBER))


def run_search(
    conn: Connection,
    entity: Entity,
    *,
    flt: Any = None,
    sort: Sequence[Sort] = (),
    page: Page | None = None,
    extra: Sequence[ColumnElement[bool]] = (),
) -> SearchResult:
    """Count and fetch one page of ``entity`` matching ``flt`` and ``extra`` conditions."""
    page = page or Page()
    if not 1 <= page.limit <= MAX_LIMIT:
        raise InvalidArgument(f"page.limit: must be between 1 and {MAX_LIMIT}")
    if page.from_ < 0:
        raise InvalidArgument("page.from: must not be negative")
    conditions = [*extra, *filter_conditions(entity, flt)]
    order: list[tuple[ColumnElement[Any], bool]] = []
    for i, s in enumerate(sort):
        f = entity.fields.get(s.field)
        if f is None or not f.sortable:
            raise InvalidArgument(
                f"sort[{i}].field: '{s.field}' is not a sort field of a {entity.name} search"
            )
        order.append((_sort_expr(f), s.order.upper() == "DESC"))
    order.append((entity.key, False))

    total = conn.execute(
        select(func.count()).select_from(entity.source).where(*conditions)
    ).scalar_one()

    cursor = page.search_after if page.search_after is not None else page.search_before
    backward = page.search_after is None and page.search_before is not None
    stmt: Select[Any] = (
        select(*entity.columns, *(expr.label(f"_sort{i}") for i, (expr, _) in enumerate(order)))
        .select_from(entity.source)
        .where(*conditions)
    )
    if cursor is not None:
        if len(cursor) != len(order):
            raise InvalidArgument("page: the cursor does not belong to this sort order")
        stmt = stmt.where(_keyset(order, list(cursor), backward))
    stmt = stmt.order_by(
        *((expr.asc() if desc == backward else expr.desc()) for expr, desc in order)
    ).limit(page.limit)
    if cursor is None and page.from_:
        stmt = stmt.offset(page.from_)
    rows = [row._mapping for row in conn.execute(stmt)]
    if backward:
        rows.reverse()
    items = [entity.to_item(row) for row in rows]
    first = [rows[0][f"_sort{i}"] for i in range(len(order))] if rows else []
    last = [rows[-1][f"_sort{i}"] for i in range(len(order))] if rows else []
    return SearchResult(
        items=items, total_items=total, first_sort_values=first, last_sort_values=last
    )


def _keyset(
    order: list[tuple[ColumnElement[Any], bool]], values: list[Any], backward: bool
) -> ColumnElement[bool]:
    """Rows strictly after (or before) ``values`` in the given lexicographic order."""
    alternatives: list[ColumnElement[bool]] = []
    for i, (expr, desc) in enumerate(order):
        equal_prefix = [order[j][0] == values[j] for j in range(i)]
        after = desc == backward  # ascending forward or descending backward: greater
        step = expr > values[i] if after else expr < values[i]
        alternatives.append(and_(*equal_prefix, step))
    return or_(*alternatives)
