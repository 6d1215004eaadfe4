"""What every part of the parser shares: XML helpers and the per-resource parse context."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.model.problems import Problems
from engine.model.specs import (
    ErrorDefinition,
    EscalationDefinition,
    Expression,
    MessageDefinition,
    SignalDefinition,
)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"

Node = etree._Element

# Zeebe's path pattern for mapping targets and variable names (ZeebeExpressionValidator).
_PATH_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$")
_PATH_RESERVED = (
    "null",
    "true",
    "false",
    "function",
    "if",
    "then",
    "else",
    "for",
    "between",
    "instance",
    "of",
)


def bpmn(local: str) -> str:
    """Clark name of a BPMN model element, for lxml lookups."""
    return f"{{{BPMN_NS}}}{local}"


def zeebe(local: str) -> str:
    """Clark name of a Zeebe extension element."""
    return f"{{{ZEEBE_NS}}}{local}"


def local_name(node: Node) -> str:
    """Tag without namespace."""
    return etree.QName(node).localname


def namespace(node: Node) -> str | None:
    """Namespace URI of the tag."""
    return etree.QName(node).namespace


def elements(parent: Node) -> Iterator[Node]:
    """Element children only (comments and processing instructions skipped)."""
    for child in parent:
        if isinstance(child.tag, str):
            yield child


def extensions(node: Node, local: str) -> list[Node]:
    """The ``zeebe:<local>`` elements inside ``node``'s ``bpmn:extensionElements``."""
    found: list[Node] = []
    for ext in node.findall(bpmn("extensionElements")):
        found.extend(ext.findall(zeebe(local)))
    return found


def text_of(node: Node | None) -> str | None:
    """Text content (CDATA included), stripped; None when empty."""
    if node is None:
        return None
    content = "".join(str(part) for part in node.itertext()).strip()
    return content or None


def bool_attr(node: Node, name: str, default: bool) -> bool:
    """An ``xsd:boolean`` attribute; ``default`` when absent or empty."""
    value = node.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() == "true"


@dataclass(frozen=True)
class ExpressionCheck:
    """An expression to verify once the whole resource is read (FEEL compile, static rules)."""

    node: Node
    attribute: str
    expression: Expression
    #: Zeebe's ``isNonStatic``: the value must be a FEEL expression (start with ``=``)
    feel_only: bool = False


@dataclass
class ParseContext:
    """State of one ``parse_bpmn`` call: problems found and root-level definitions by id."""

    resource_name: str
    problems: Problems
    messages: dict[str, MessageDefinition] = field(default_factory=dict)
    signals: dict[str, SignalDefinition] = field(default_factory=dict)
    errors: dict[str, ErrorDefinition] = field(default_factory=dict)
    escalations: dict[str, EscalationDefinition] = field(default_factory=dict)
    #: the XML node of each root-level definition, for error locations
    definition_nodes: dict[str, Node] = field(default_factory=dict)
    checks: list[ExpressionCheck] = field(default_factory=list)
    #: expressions Zeebe evaluates at deployment without variables (process-level timer start
    #: events, message and signal start event names): node, what, expression
    constant_checks: list[tuple[Node, str, Expression]] = field(default_factory=list)
    #: ids of elements already rejected as unsupported: flows to them are not reported again
    rejected_ids: set[str] = field(default_factory=set)

    def expression(
        self,
        node: Node,
        attribute: str,
        *,
        feel_only: bool = False,
        mandatory: bool = True,
        value: str | None = None,
    ) -> Expression | None:
        """Read ``attribute`` of ``node`` (or ``value``) as an expression and queue its checks."""
        raw = node.get(attribute) if value is None else value
        if raw is None or not raw.strip():
            if mandatory:
                self.problems.add(node, f"Attribute '{attribute}' must be present and not empty")
            return None
        expression = Expression(raw)
        self.checks.append(ExpressionCheck(node, attribute, expression, feel_only))
        return expression

    def path(self, node: Node, attribute: str, *, mandatory: bool = True) -> str | None:
        """Read ``attribute`` as a variable path (mapping target, result variable …)."""
        raw = node.get(attribute)
        if raw is None or not raw.strip():
            if mandatory:
                self.problems.add(node, f"Attribute '{attribute}' must be present and not empty")
            return None
        value = raw.strip()
        if not _PATH_RE.match(value):
            self.problems.add(
                node,
                f"Expected path expression '{value}' in attribute '{attribute}' but it doesn't "
                f"match the pattern '{_PATH_RE.pattern[1:-1]}'.",
            )
        elif value in _PATH_RESERVED:
            self.problems.add(
                node,
                f"Expected path expression '{value}' in attribute '{attribute}' but it is one of "
                f"the reserved words ({', '.join(_PATH_RESERVED)}).",
            )
        return value
