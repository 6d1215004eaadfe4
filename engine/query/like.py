"""Camunda's ``$like`` filter operator in SQL: ``*``/``?`` wildcards, ``\\`` escapes, and
case-sensitive matching.

Camunda evaluates ``$like`` as an Elasticsearch ``wildcard`` query without ``case_insensitive``
(camunda/camunda, search/search-client-elasticsearch WildcardQueryTransformer) on keyword fields,
so ``process_*`` does not match ``Process_Review``. PostgreSQL's ``LIKE`` is case-sensitive, but
SQLite's ignores ASCII case, so on SQLite the condition compiles to ``GLOB`` instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

_GLOB_SPECIAL = "*?["


def _tokens(pattern: str) -> list[tuple[str, bool]]:
    """``(character, is_wildcard)`` pairs of a Camunda like pattern; ``\\`` escapes the next
    character (a trailing one stands for itself)."""
    out: list[tuple[str, bool]] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            out.append((next(chars, "\\"), False))
        else:
            out.append((ch, ch in "*?"))
    return out


def like_pattern(pattern: str) -> str:
    """Camunda's ``*``/``?`` wildcards (``\\`` escapes) as a SQL LIKE pattern (escape ``\\``)."""
    out: list[str] = []
    for ch, wildcard in _tokens(pattern):
        if wildcard:
            out.append("%" if ch == "*" else "_")
        elif ch in "%_\\":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def glob_pattern(pattern: str) -> str:
    """The same pattern for SQLite's case-sensitive ``GLOB`` (literal ``* ? [`` bracketed)."""
    out: list[str] = []
    for ch, wildcard in _tokens(pattern):
        out.append(ch if wildcard or ch not in _GLOB_SPECIAL else f"[{ch}]")
    return "".join(out)


class CaseSensitiveLike(ColumnElement[bool]):
    """``expr`` matches Camunda like ``pattern``, respecting case on every dialect."""

    inherit_cache = False  # the pattern is not a bound element SQLAlchemy could key on
    type = Boolean()

    def __init__(self, expr: ColumnElement[Any], pattern: str) -> None:
        self.expr = expr
        self.pattern = pattern


@compiles(CaseSensitiveLike)
def _compile_like(element: CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    condition = element.expr.like(like_pattern(element.pattern), escape="\\")
    return compiler.process(condition, **kw)


@compiles(CaseSensitiveLike, "sqlite")
def _compile_glob(element: CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    condition = element.expr.op("GLOB", is_comparison=True)(glob_pattern(element.pattern))
    return compiler.process(condition, **kw)
