"""The parsed DMN model: immutable specs built once at deploy time and shared by evaluations.

Every FEEL text is compiled by the parser; an evaluation only runs the compiled objects. A cell
that failed to compile in lenient mode (the TCK runner, like Camunda's, keeps a model whose other
decisions are fine) is an :class:`Invalid` expression that fails when it is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from engine.clock import Clock


class EvaluationFailure(Exception):
    """A decision cannot be evaluated; ``message`` says why without variable values."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HitPolicy(StrEnum):
    """Decision table hit policies, spelled as in the DMN XML."""

    UNIQUE = "UNIQUE"
    FIRST = "FIRST"
    ANY = "ANY"
    RULE_ORDER = "RULE ORDER"
    COLLECT = "COLLECT"
    # Not in Camunda 8's documented list, but the engine Zeebe embeds (dmn-scala) evaluates them,
    # and the DMN TCK cases Camunda passes use them.
    PRIORITY = "PRIORITY"
    OUTPUT_ORDER = "OUTPUT ORDER"


class Aggregation(StrEnum):
    """COLLECT aggregators."""

    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"


class DecisionType(StrEnum):
    """Zeebe's ``DecisionType`` names for the decision logic kinds."""

    DECISION_TABLE = "DECISION_TABLE"
    LITERAL_EXPRESSION = "LITERAL_EXPRESSION"
    CONTEXT = "CONTEXT"
    LIST = "LIST"
    RELATION = "RELATION"
    INVOCATION = "INVOCATION"
    UNKNOWN = "UNKNOWN"


class CompiledFeel(Protocol):
    """What the parser keeps of a compiled FEEL expression (``engine.feel`` provides it)."""

    def evaluate(self, context: Mapping[str, Any], *, clock: Clock | None = None) -> Any: ...


class CompiledTests(Protocol):
    """What the parser keeps of compiled FEEL unary tests."""

    def matches(
        self, input_value: Any, context: Mapping[str, Any], *, clock: Clock | None = None
    ) -> bool: ...


@dataclass(frozen=True)
class Where:
    """Where an element sits, for error messages: element id and XML line."""

    element_id: str
    line: int | None


# --- boxed expressions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """An expression that did not compile (lenient parsing only); evaluating it fails."""

    message: str
    where: Where

    def matches(
        self, input_value: Any, context: Mapping[str, Any], *, clock: Clock | None = None
    ) -> bool:
        """As an input entry: fail the evaluation."""
        raise EvaluationFailure(self.message)

    def run(self, context: Mapping[str, Any]) -> Any:
        """As an expression: fail the evaluation."""
        raise EvaluationFailure(self.message)

    def evaluate_at(self, context: Mapping[str, Any], clock: Clock) -> Any:
        """As an expression: fail the evaluation."""
        raise EvaluationFailure(self.message)


def _null(scope: Mapping[str, Any]) -> Any:
    return None


@dataclass(frozen=True)
class Literal:
    """A FEEL literal expression. ``compiled`` is None for an empty text (evaluates to null).

    ``run`` evaluates it: ``compiled.evaluate`` or a faster equivalent the parser found.
    """

    text: str
    compiled: CompiledFeel | None
    where: Where
    run: Callable[[Mapping[str, Any]], Any] = field(default=_null, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.run is _null and self.compiled is not None:
            object.__setattr__(self, "run", self.compiled.evaluate)

    def evaluate_at(self, context: Mapping[str, Any], clock: Clock) -> Any:
        """Evaluate with ``clock`` feeding ``now()`` and ``today()``."""
        if self.compiled is None:
            return None
        return self.compiled.evaluate(context, clock=clock)


@dataclass(frozen=True)
class ContextEntry:
    """One entry of a boxed context; ``name`` None marks the result entry."""

    name: str | None
    value: Expression


@dataclass(frozen=True)
class BoxedContext:
    """A boxed context: entries see the ones before them; a result entry gives the value."""

    entries: tuple[ContextEntry, ...]
    where: Where


@dataclass(frozen=True)
class BoxedList:
    """A boxed list of expressions."""

    items: tuple[Expression, ...]
    where: Where


@dataclass(frozen=True)
class Relation:
    """A boxed relation: a list of contexts, one per row, keyed by column name."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Expression, ...], ...]
    where: Where


@dataclass(frozen=True)
class FunctionDefinition:
    """A boxed function; ``parameters`` are (name, typeRef) pairs."""

    parameters: tuple[tuple[str, str], ...]
    body: Expression | None
    kind: str
    where: Where


@dataclass(frozen=True)
class Binding:
    """A named argument of an invocation (no expression: null)."""

    parameter: str
    value: Expression | None


@dataclass(frozen=True)
class Invocation:
    """A boxed invocation of a BKM / decision service / function by name with named bindings."""

    callee: str
    callee_expression: Literal | Invalid
    bindings: tuple[Binding, ...]
    where: Where


@dataclass(frozen=True)
class Conditional:
    """DMN 1.5 boxed ``if``/``then``/``else``."""

    condition: Expression
    then: Expression
    otherwise: Expression
    where: Where


@dataclass(frozen=True)
class Iteration:
    """DMN 1.5 boxed ``for``/``some``/``every`` over ``in`` binding ``variable``."""

    kind: str  # for | some | every
    variable: str
    source: Expression
    body: Expression
    where: Where


@dataclass(frozen=True)
class Filter:
    """DMN 1.5 boxed filter: items of ``source`` for which ``match`` is true (``item`` bound)."""

    source: Expression
    match: Expression
    where: Where


@dataclass(frozen=True)
class TableInput:
    """A decision table input column: its id, label and compiled input expression."""

    id: str
    label: str | None
    expression: Literal | Invalid

    @property
    def name(self) -> str:
        """The name Zeebe reports: the label, else the expression text cut to 30 characters."""
        if self.label is not None:
            return self.label
        text = self.expression.text if isinstance(self.expression, Literal) else ""
        return text[:30]


@dataclass(frozen=True)
class TableOutput:
    """A decision table output column."""

    id: str
    name: str | None
    label: str | None
    type_ref: str | None
    priorities: tuple[str, ...]  # output values in priority order (PRIORITY / OUTPUT ORDER)
    default: Literal | Invalid | None

    @property
    def reported_name(self) -> str:
        """The name Zeebe reports for an evaluated output: the label, else the name."""
        return self.label if self.label is not None else (self.name or "")


Check = Callable[[Any, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Rule:
    """A decision table rule (row) with its compiled input and output entries."""

    id: str
    index: int  # 1-based
    # None stands for "-" / empty: the entry matches anything and is skipped.
    input_entries: tuple[CompiledTests | Invalid | None, ...]
    output_entries: tuple[Literal | Invalid, ...]
    # (column, matches) for the entries that test something: what the hot loop runs.
    checks: tuple[tuple[int, Check], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        checks = tuple(
            (column, entry.matches)
            for column, entry in enumerate(self.input_entries)
            if entry is not None
        )
        object.__setattr__(self, "checks", checks)


@dataclass(frozen=True)
class DecisionTable:
    """A decision table."""

    inputs: tuple[TableInput, ...]
    outputs: tuple[TableOutput, ...]
    rules: tuple[Rule, ...]
    hit_policy: HitPolicy
    aggregation: Aggregation | None
    where: Where


Expression = (
    Literal
    | BoxedContext
    | BoxedList
    | Relation
    | FunctionDefinition
    | Invocation
    | Conditional
    | Iteration
    | Filter
    | DecisionTable
    | Invalid
)


def decision_type(expression: Expression | None) -> DecisionType:
    """The Zeebe decision type of a decision's logic."""
    match expression:
        case DecisionTable():
            return DecisionType.DECISION_TABLE
        case Literal():
            return DecisionType.LITERAL_EXPRESSION
        case BoxedContext():
            return DecisionType.CONTEXT
        case BoxedList():
            return DecisionType.LIST
        case Relation():
            return DecisionType.RELATION
        case Invocation():
            return DecisionType.INVOCATION
        case _:
            return DecisionType.UNKNOWN
