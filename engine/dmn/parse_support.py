"""Shared pieces of the DMN parser: namespaces, element helpers, error reporting, FEEL compiling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.dmn import feel_bridge
from engine.dmn.model import CompiledTests, Invalid, Literal, Where
from engine.errors import InvalidArgument

DMN_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",  # 1.1
        "http://www.omg.org/spec/DMN/20151101/dmn11.xsd",  # 1.1 (alternative, Camunda 7)
        "http://www.omg.org/spec/DMN/20180521/MODEL/",  # 1.2
        "https://www.omg.org/spec/DMN/20191111/MODEL/",  # 1.3 (Camunda Modeler)
        "http://www.omg.org/spec/DMN/20191111/MODEL/",  # 1.3 (alternative)
        "https://www.omg.org/spec/DMN/20211108/MODEL/",  # 1.4
        "https://www.omg.org/spec/DMN/20230324/MODEL/",  # 1.5
    }
)

# Values of expressionLanguage that mean FEEL (DMN 1.1–1.5 URIs, and Camunda's short name).
_FEEL_LANGUAGES = frozenset(
    {
        "feel",
        "http://www.omg.org/spec/feel/20140401",
        "http://www.omg.org/spec/dmn/20180521/feel/",
        "https://www.omg.org/spec/dmn/20191111/feel/",
        "https://www.omg.org/spec/dmn/20211108/feel/",
        "https://www.omg.org/spec/dmn/20230324/feel/",
    }
)


def line_of(element: etree._Element) -> int | None:
    """The XML line of an element (lxml's stubs leave ``sourceline`` untyped)."""
    line: Any = element.sourceline
    return line if isinstance(line, int) else None


def local(element: etree._Element) -> str:
    """The local name of an element."""
    return etree.QName(element).localname


def children(element: etree._Element, name: str, ctx: ParseContext) -> list[etree._Element]:
    """Direct DMN children called ``name``."""
    return list(element.iterchildren(f"{{{ctx.namespace}}}{name}"))


def child(element: etree._Element, name: str, ctx: ParseContext) -> etree._Element | None:
    """The first direct DMN child called ``name``, or None."""
    return element.find(f"{{{ctx.namespace}}}{name}")


def text_of(element: etree._Element | None, ctx: ParseContext) -> tuple[str, int | None]:
    """The ``<text>`` content of ``element`` and its line (empty text if there is none)."""
    if element is None:
        return "", None
    text = child(element, "text", ctx)
    if text is None:
        return "", line_of(element)
    return text.text or "", line_of(text)


def href_id(element: etree._Element, ctx: ParseContext) -> str:
    """The element id an ``href="#id"`` points at; a reference into an import is reported."""
    href = element.get("href") or ""
    namespace, _, target = href.rpartition("#")
    if namespace:
        ctx.structural(
            f"reference '{href}' points into another model; DMN imports are not supported",
            line_of(element),
        )
    return target


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAMED_TAGS = frozenset(
    {
        "variable",
        "inputData",
        "decision",
        "businessKnowledgeModel",
        "decisionService",
        "formalParameter",
        "column",
        "parameter",
        "itemDefinition",
        "itemComponent",
    }
)


def model_names(root: etree._Element) -> frozenset[str]:
    """Every name the model defines (variables, decisions, BKMs, parameters, columns …).

    FEEL reads most names bare, but not those containing a keyword, a number or an operator
    character (``values in a list``, ``Pre-bureauRiskCategory``); the FEEL compiler takes the
    model's names so it can read them whole. (Camunda runs the DMN TCK with dmn-scala's
    ``escapeNamesWithSpaces`` / ``escapeNamesWithDashes`` for the same reason.)
    """
    names: set[str] = set()
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in _NAMED_TAGS:
            name = (element.get("name") or "").strip()
            # A plain identifier always reads bare; leaving those out keeps the set (which the
            # FEEL compiler scans for every expression) small in models with many decisions.
            if name and not _IDENTIFIER.fullmatch(name):
                names.add(name)
    return frozenset(names)


@dataclass
class ParseContext:
    """Where the parser is (resource, DRG element, rule, column) and what went wrong so far."""

    resource_name: str
    namespace: str
    strict: bool
    problems: list[str] = field(default_factory=list)
    element_id: str = ""
    element_kind: str = "decision"
    row: int | None = None
    column: str | None = None
    names: frozenset[str] = frozenset()

    @contextmanager
    def scope(self, element_id: str, kind: str = "decision") -> Iterator[None]:
        saved = (self.element_id, self.element_kind)
        self.element_id, self.element_kind = element_id, kind
        try:
            yield
        finally:
            self.element_id, self.element_kind = saved

    @contextmanager
    def cell(self, row: int | None, column: str | None) -> Iterator[None]:
        saved = (self.row, self.column)
        self.row, self.column = row, column
        try:
            yield
        finally:
            self.row, self.column = saved

    def locate(self, line: int | None) -> str:
        parts = [f"resource '{self.resource_name}'"]
        if self.element_id:
            parts.append(f"{self.element_kind} '{self.element_id}'")
        if self.row is not None:
            parts.append(f"rule {self.row}")
        if self.column is not None:
            parts.append(self.column)
        if line is not None:
            parts.append(f"line {line}")
        return ", ".join(parts)

    def structural(self, message: str, line: int | None) -> None:
        """A problem of the model's structure: raises when strict, else recorded."""
        full = f"{self.locate(line)}: {message}"
        if self.strict:
            raise InvalidArgument(full)
        self.problems.append(full)

    def invalid(self, message: str, where: Where) -> Invalid:
        """A broken expression: raises when strict, else recorded and returned as ``Invalid``."""
        full = f"{self.locate(where.line)}: {message}"
        if self.strict:
            raise InvalidArgument(full)
        self.problems.append(full)
        return Invalid(full, where)

    def check_language(self, element: etree._Element) -> str | None:
        language = element.get("expressionLanguage")
        if language is None or language.lower() in _FEEL_LANGUAGES:
            return None
        return f"expression language '{language}' is not supported (only FEEL)"

    def expression(self, element: etree._Element | None, where: Where) -> Literal | Invalid:
        """Compile the FEEL expression in ``element``'s ``<text>`` (empty text: null)."""
        text, line = text_of(element, self)
        where = Where(where.element_id, line if line is not None else where.line)
        if element is not None and (problem := self.check_language(element)):
            return self.invalid(problem, where)
        if not text.strip():
            return Literal(text, None, where)
        try:
            compiled = feel_bridge.compile_expression(text, self.names)
            return Literal(text, compiled, where, feel_bridge.fast_evaluator(text, compiled))
        except Exception as error:  # FEEL reports syntax errors; anything else is a bug there
            return self.invalid(_feel_problem(text, error), where)

    def unary_tests(self, element: etree._Element, where: Where) -> CompiledTests | Invalid | None:
        """Compile an input entry; ``-`` or empty text gives None (matches anything)."""
        text, line = text_of(element, self)
        where = Where(where.element_id, line if line is not None else where.line)
        if problem := self.check_language(element):
            return self.invalid(problem, where)
        if text.strip() in ("", "-"):
            return None
        try:
            return feel_bridge.compile_unary_tests(text, self.names)
        except Exception as error:
            return self.invalid(_feel_problem(text, error, unary=True), where)


def _feel_problem(text: str, error: Exception, *, unary: bool = False) -> str:
    what = "FEEL unary tests" if unary else "FEEL expression"
    detail = getattr(error, "message", None) or str(error)
    if not feel_bridge.is_syntax_error(error):
        detail = f"{type(error).__name__}: {detail}"
    return f"{what} '{text.strip()}' does not parse: {detail}"
