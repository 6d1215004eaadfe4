"""Collecting everything wrong with a BPMN resource and reporting it in one message.

Zeebe rejects a deployment with every problem listed, grouped by element::

    'order.bpmn': - Element: Task_Ship > extensionElements > taskDefinition (line 12)
        - ERROR: Task type must be present and not empty
    - Element: Flow_3 (line 20)
        - ERROR: Must have a condition or be default flow

We add the source line, so a modeller can find the element without searching ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.errors import InvalidArgument


@dataclass(frozen=True)
class Problem:
    """One validation error: the element it concerns (None for the whole resource) and where."""

    element_id: str | None
    line: int
    message: str
    #: the part of the element at fault, e.g. ``extensionElements > taskDefinition``
    path: str = ""


class BpmnValidationError(InvalidArgument):
    """A BPMN resource that cannot be deployed; ``problems`` lists every reason."""

    def __init__(self, resource_name: str, problems: tuple[Problem, ...]) -> None:
        super().__init__(format_problems(resource_name, problems))
        self.resource_name = resource_name
        self.problems = problems


def format_problems(resource_name: str, problems: tuple[Problem, ...]) -> str:
    """Zeebe's layout: one ``- Element:`` header per element, its errors indented below it."""
    lines: list[str] = []
    header: tuple[str | None, str, int] | None = None
    for problem in problems:
        key = (problem.element_id, problem.path, problem.line)
        if key != header:
            header = key
            lines.append(f"- {_describe(problem)}")
        lines.append(f"    - ERROR: {problem.message}")
    return f"'{resource_name}': " + "\n".join(lines)


def _describe(problem: Problem) -> str:
    if problem.element_id is None:
        return f"Element: (document, line {problem.line})"
    name = problem.element_id
    if problem.path:
        name = f"{name} > {problem.path}"
    return f"Element: {name} (line {problem.line})" if problem.line else f"Element: {name}"


class Problems:
    """Accumulates problems while parsing; :meth:`raise_if_any` turns them into one error."""

    def __init__(self, resource_name: str) -> None:
        self.resource_name = resource_name
        self._items: list[Problem] = []

    def add(self, node: etree._Element | None, message: str) -> None:
        """Record ``message`` against ``node``: its owning element's id, its path, its line."""
        element_id, path = _owner(node)
        line = line_of(node) if node is not None else 0
        self._items.append(Problem(element_id, line, message, path))

    def add_at(self, element_id: str | None, line: int, message: str, *, path: str = "") -> None:
        """Record ``message`` for an element known by id and line (after the XML is gone)."""
        self._items.append(Problem(element_id, line, message, path))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def raise_if_any(self) -> None:
        """Raise one :class:`BpmnValidationError` listing every problem, if there is any."""
        if self._items:
            # By line, so the message reads top to bottom like the file (stable within a line).
            ordered = sorted(self._items, key=lambda p: p.line)
            raise BpmnValidationError(self.resource_name, tuple(ordered))


def line_of(node: etree._Element) -> int:
    """The source line of ``node`` (0 when lxml does not know it)."""
    line = node.sourceline
    return line if isinstance(line, int) else 0


# Parts of a flow node that may carry their own id but are reported under the node, as a path.
_PART_SUFFIXES = ("EventDefinition", "LoopCharacteristics", "Expression", "Condition")
_PARTS = frozenset({"timeDate", "timeDuration", "timeCycle", "extensionElements"})


def _owner(node: etree._Element | None) -> tuple[str | None, str]:
    """The nearest enclosing element that a modeller knows by id, and the path down to ``node``."""
    parts: list[str] = []
    current = node
    while current is not None:
        local = etree.QName(current).localname
        element_id = current.get("id")
        if element_id and not local.endswith(_PART_SUFFIXES) and local not in _PARTS:
            return element_id, " > ".join(reversed(parts))
        parts.append(local)
        current = current.getparent()
    return None, ""
