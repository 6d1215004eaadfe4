"""Boxed expressions other than decision tables: contexts, lists, relations, functions,
invocations and the DMN 1.5 conditional / iteration / filter boxes; plus typeRef checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.clock import Clock
from engine.dmn import feel_bridge
from engine.dmn.model import (
    BoxedContext,
    BoxedList,
    Conditional,
    DecisionTable,
    EvaluationFailure,
    Expression,
    Filter,
    FunctionDefinition,
    Invalid,
    Invocation,
    Iteration,
    Literal,
    Relation,
)
from engine.dmn.tables import evaluate_literal, evaluate_table

# typeRefs checked on results and arguments, as the engine Zeebe embeds checks them; any other
# typeRef (item definitions, "date and time", lists …) is not checked.
_CHECKED_TYPES = frozenset(
    {
        "string",
        "number",
        "boolean",
        "time",
        "date",
        "dateTime",
        "dayTimeDuration",
        "yearMonthDuration",
    }
)


def type_error(value: Any, type_ref: str | None) -> str | None:
    """Why ``value`` does not fit ``type_ref`` (None when it fits or is not checked)."""
    if not type_ref or value is None:
        return None
    expected = type_ref.removeprefix("feel:")
    if expected not in _CHECKED_TYPES:
        return None
    actual = feel_bridge.kind_of(value)
    if actual == expected:
        return None
    return f"is expected to be of type '{expected}' but is of type '{actual}'"


def evaluate_expression(
    expression: Expression, scope: Mapping[str, Any], *, clock: Clock | None = None
) -> Any:
    """Evaluate any boxed expression in ``scope``; raises EvaluationFailure or FEEL errors."""
    match expression:
        case Literal() | Invalid():
            return evaluate_literal(expression, scope, clock)
        case DecisionTable():
            return evaluate_table(expression, scope, expression.where.element_id, clock)[0]
        case BoxedContext():
            return _context(expression, scope, clock)
        case BoxedList():
            return [evaluate_expression(i, scope, clock=clock) for i in expression.items]
        case Relation():
            return [
                {
                    column: evaluate_expression(cell, scope, clock=clock)
                    for column, cell in zip(expression.columns, row, strict=True)
                }
                for row in expression.rows
            ]
        case FunctionDefinition():
            return _function(expression, scope, clock)
        case Invocation():
            return _invocation(expression, scope, clock)
        case Conditional():
            condition = evaluate_expression(expression.condition, scope, clock=clock)
            if condition is not None and not isinstance(condition, bool):
                raise EvaluationFailure(
                    f"the 'if' of conditional '{expression.where.element_id}' is not a boolean"
                )
            branch = expression.then if condition is True else expression.otherwise
            return evaluate_expression(branch, scope, clock=clock)
        case Iteration():
            return _iteration(expression, scope, clock)
        case Filter():
            return _filter(expression, scope, clock)
    raise EvaluationFailure(f"unsupported expression {type(expression).__name__}")


def _context(expression: BoxedContext, scope: Mapping[str, Any], clock: Clock | None) -> Any:
    local = dict(scope)
    result: dict[str, Any] = {}
    for entry in expression.entries:
        value = evaluate_expression(entry.value, local, clock=clock)
        if entry.name is None:
            return value
        result[entry.name] = value
        local[entry.name] = value
    return result


def _function(expression: FunctionDefinition, scope: Mapping[str, Any], clock: Clock | None) -> Any:
    captured = dict(scope)
    parameters = expression.parameters
    body = expression.body

    def invoke(arguments: Mapping[str, Any]) -> Any:
        local = dict(captured)
        for name, type_ref in parameters:
            value = arguments.get(name)
            problem = type_error(value, type_ref)
            if problem is not None:
                raise EvaluationFailure(f"argument '{name}' {problem}")
            local[name] = value
        if body is None:
            return None
        return evaluate_expression(body, local, clock=clock)

    return feel_bridge.make_function("anonymous", tuple(n for n, _ in parameters), invoke)


def _invocation(expression: Invocation, scope: Mapping[str, Any], clock: Clock | None) -> Any:
    arguments = {
        binding.parameter: (
            evaluate_expression(binding.value, scope, clock=clock)
            if binding.value is not None
            else None
        )
        for binding in expression.bindings
    }
    function = scope.get(expression.callee)
    if not feel_bridge.is_function(function):
        function = evaluate_literal(expression.callee_expression, scope, clock)
    if not feel_bridge.is_function(function):
        raise EvaluationFailure(
            f"invocation '{expression.where.element_id}' calls '{expression.callee}', which is "
            "not a function in scope (is the business knowledge model required?)"
        )
    return feel_bridge.call_function(function, arguments)


def _iteration(expression: Iteration, scope: Mapping[str, Any], clock: Clock | None) -> Any:
    items = _source_list(expression, scope, clock)
    results = []
    for item in items:
        local = {**scope, expression.variable: item}
        results.append(evaluate_expression(expression.body, local, clock=clock))
    if expression.kind == "for":
        return results
    if any(not isinstance(r, bool) for r in results):
        raise EvaluationFailure(
            f"the 'satisfies' of '{expression.where.element_id}' is not always a boolean"
        )
    if expression.kind == "some":
        return True if any(r is True for r in results) else None if None in results else False
    return False if any(r is False for r in results) else None if None in results else True


def _filter(expression: Filter, scope: Mapping[str, Any], clock: Clock | None) -> Any:
    items = _source_list(expression, scope, clock)
    kept = []
    for item in items:
        local = dict(scope)
        if isinstance(item, dict):
            local.update(item)
        local["item"] = item
        matched = evaluate_expression(expression.match, local, clock=clock)
        if matched is not None and not isinstance(matched, bool):
            raise EvaluationFailure(
                f"the 'match' of filter '{expression.where.element_id}' is not a boolean"
            )
        if matched is True:
            kept.append(item)
    return kept


def _source_list(
    expression: Iteration | Filter, scope: Mapping[str, Any], clock: Clock | None
) -> list[Any]:
    # DMN 1.5: the 'in' of a boxed iteration or filter is not coerced from a single value.
    source = evaluate_expression(expression.source, scope, clock=clock)
    if not isinstance(source, list):
        raise EvaluationFailure(f"the 'in' of '{expression.where.element_id}' is not a list")
    return source
