"""Compiler rules for FEEL's textual constructs: if, for, some/every, function definitions,
contexts, ranges, ``in`` and ``instance of``. Importing this module registers them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.feel import ops
from engine.feel.compiler import RULES, Code, Const, Node, compile_node, compop, rule, subtrees
from engine.feel.compiler import tokens as child_tokens
from engine.feel.scope import INPUT, Scope
from engine.feel.values import FeelFunction, Range


@rule("if_expr")
def _if(node: Node) -> Code:
    condition, then, otherwise = (compile_node(child) for child in subtrees(node))
    # A condition that is not true (false, null, not a boolean) takes the else branch.
    return lambda scope: then(scope) if condition(scope) is True else otherwise(scope)


# --- iteration -------------------------------------------------------------------------------


def _iterators(node: Node) -> list[tuple[str, Code, Code | None]]:
    result: list[tuple[str, Code, Code | None]] = []
    for iterator in subtrees(node):
        name = child_tokens(iterator, "NAME")[0]
        parts = [compile_node(child) for child in subtrees(iterator)]
        result.append((name, parts[0], parts[1] if len(parts) > 1 else None))
    return result


def _number_sequence(start: Any, end: Any) -> list[Any] | None:
    if type(start) is dt.date and type(end) is dt.date:
        # DMN 1.5 iterates over a range of dates day by day.
        days = (end - start).days
        step = 1 if days >= 0 else -1
        return [start + dt.timedelta(days=i) for i in range(0, days + step, step)]
    if not (isinstance(start, Decimal) and isinstance(end, Decimal)):
        return None
    if start != start.to_integral_value() or end != end.to_integral_value():
        return None
    step = 1 if end >= start else -1
    return [Decimal(i) for i in range(int(start), int(end) + step, step)]


def _source(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, Range) and value.start is not None and value.end is not None:
        numbers = _number_sequence(value.start, value.end)
        if numbers is None:
            return None
        if not value.start_included:
            numbers = numbers[1:]
        if not value.end_included:
            numbers = numbers[:-1]
        return numbers
    return None


def _bindings(
    scope: Scope, iterators: list[tuple[str, Code, Code | None]]
) -> Iterator[dict[str, Any]] | None:
    """The cartesian product of the iteration contexts; None when one is not iterable.

    A later iteration context may use the variables of earlier ones
    (``for x in [[1, 2], [3]], y in x return y``).
    """
    combos: list[dict[str, Any]] = [{}]
    for name, first, second in iterators:
        expanded: list[dict[str, Any]] = []
        for bound in combos:
            inner = scope.child(bound) if bound else scope
            if second is not None:
                values = _number_sequence(first(inner), second(inner))
            else:
                values = _source(first(inner))
            if values is None:
                return None
            expanded.extend({**bound, name: value} for value in values)
        combos = expanded
    return iter(combos)


@rule("for_expr")
def _for(node: Node) -> Code:
    iterators_node, body_node = subtrees(node)
    iterators = _iterators(iterators_node)
    body = compile_node(body_node)

    def for_(scope: Scope) -> Any:
        combos = _bindings(scope, iterators)
        if combos is None:
            return None
        results: list[Any] = []
        for variables in combos:
            variables["partial"] = list(results)
            results.append(body(scope.child(variables)))
        return results

    return for_


def _quantifier(every: bool) -> Any:
    def compile_quantifier(node: Node) -> Code:
        iterators_node, condition_node = subtrees(node)
        iterators = _iterators(iterators_node)
        condition = compile_node(condition_node)
        decisive = not every  # `some` stops at true, `every` stops at false

        def quantified(scope: Scope) -> Any:
            combos = _bindings(scope, iterators)
            if combos is None:
                return None
            unknown = False
            for variables in combos:
                result = condition(scope.child(variables))
                if result is decisive:
                    return decisive
                if result is not (not decisive):
                    unknown = True
            return None if unknown else not decisive

        return quantified

    return compile_quantifier


RULES["some_expr"] = _quantifier(every=False)
RULES["every_expr"] = _quantifier(every=True)


# --- functions and contexts ------------------------------------------------------------------


def _params(node: Node) -> tuple[str, ...]:
    params = [child for child in subtrees(node) if child.data == "params"]
    if not params:
        return ()
    return tuple(child_tokens(param, "NAME")[0] for param in subtrees(params[0]))


@rule("function_def")
def _function_def(node: Node) -> Code:
    params = _params(node)
    body = compile_node(next(c for c in subtrees(node) if c.data != "params"))

    def define(scope: Scope) -> Any:
        def run(args: list[Any]) -> Any:
            return body(scope.child(dict(zip(params, args, strict=True))))

        return FeelFunction(params, run)

    return define


@rule("external_def")
def _external_def(node: Node) -> Code:
    # Camunda 8 does not run external (Java/PMML) functions; invoking one yields null.
    params = _params(node)
    return Const(FeelFunction(params, lambda args: None, name="external"))


@rule("context")
def _context(node: Node) -> Code:
    entries: list[tuple[str, Code]] = []
    for entry in subtrees(node):
        key = str(entry.children[0])
        entries.append((key, compile_node(subtrees(entry)[0])))

    def context(scope: Scope) -> Any:
        result: dict[str, Any] = {}
        # Later entries see earlier ones: {a: 1, b: a + 1}.
        inner = scope.child(result)
        for key, code in entries:
            result[key] = code(inner)
        return result

    return context


@rule("range")
def _range(node: Node) -> Code:
    opening = str(node.children[0])
    closing = str(node.children[-1])
    start, end = (compile_node(child) for child in subtrees(node))
    start_included, end_included = opening == "[", closing == "]"

    def range_(scope: Scope) -> Any:
        low, high = start(scope), end(scope)
        if low is not None and high is not None and ops.compare(low, high) is None:
            return None
        return Range(low, high, start_included, end_included)

    return range_


# --- membership and types --------------------------------------------------------------------


def test_value(input_value: Any, value: Any) -> bool | None:
    """feel-scala's rule for a positive unary test whose expression evaluated to ``value``."""
    if value is True:
        return True
    if isinstance(value, list) and ops.contains(value, input_value):
        return True
    if isinstance(value, list) and any(
        isinstance(item, Range) and ops.in_range(input_value, item) for item in value
    ):
        return True  # a list of ranges: `5 in [[1..3], [4..6]]`
    if isinstance(value, Range):
        return ops.in_range(input_value, value)
    same = ops.equal(input_value, value)
    if same is True:
        return True
    if value is False or isinstance(value, list):
        return False
    return None if same is None else False


def positive_test(node: Node) -> Code:
    """Compile one positive unary test; the result reads the input from ``?``."""
    if node.data in ("true", "false"):
        expected = node.data == "true"
        return lambda scope: ops.equal(scope.lookup(INPUT), expected)
    code = compile_node(node)
    if node.data == "unary_compare":
        return code
    if _mentions_input(node):
        # feel-scala: a test that reads `?` is a condition; only a boolean decides it
        # (`? < 10` with a null input is null, not "null equals null").
        def condition(scope: Scope) -> Any:
            result = code(scope)
            return result if isinstance(result, bool) else None

        return condition

    def test(scope: Scope) -> Any:
        return test_value(scope.lookup(INPUT), code(scope))

    return test


def _mentions_input(node: Node) -> bool:
    return node.data == "input" or any(_mentions_input(child) for child in subtrees(node))


def any_of(tests: list[Code]) -> Code:
    """At least one test holds; null if none holds and one is null."""
    if len(tests) == 1:
        return tests[0]

    def any_test(scope: Scope) -> Any:
        unknown = False
        for test in tests:
            result = test(scope)
            if result is True:
                return True
            if result is not False:
                unknown = True
        return None if unknown else False

    return any_test


@rule("in_expr")
def _in(node: Node) -> Code:
    value_node, rhs = subtrees(node)
    value = compile_node(value_node)
    if rhs.data == "in_compare":
        op_node, right_node = subtrees(rhs)
        op = ops.COMPARATORS[compop(op_node)]
        right = compile_node(right_node)
        return lambda scope: op(value(scope), right(scope))
    test = any_of([positive_test(child) for child in subtrees(rhs)])
    return lambda scope: test(scope.child({INPUT: value(scope)}))


_TYPE_ALIASES = {
    "date time": "date and time",
    "dateTime": "date and time",
    "year-month-duration": "years and months duration",
    "yearMonthDuration": "years and months duration",
    "day-time-duration": "days and time duration",
    "dayTimeDuration": "days and time duration",
}


def _type_check(node: Node) -> Any:
    names = child_tokens(node, "NAME")
    if node.data == "generic_type":
        inner = [_type_check(child) for child in subtrees(node)]
        if names[0] == "list" and len(inner) == 1:
            return lambda v: isinstance(v, list) and all(inner[0](item) for item in v)
        return lambda v: ops.type_name(v) == names[0]
    if node.data == "context_type":
        return lambda v: isinstance(v, dict)
    if node.data == "function_type":
        return lambda v: isinstance(v, FeelFunction)
    if node.data == "keyword_type":
        keyword = str(node.children[0])
        return lambda v: ops.type_name(v) == keyword
    name = ".".join(names)
    name = _TYPE_ALIASES.get(name, name)
    if name == "Any":
        return lambda v: v is not None
    return lambda v: ops.type_name(v) == name


@rule("instance_of")
def _instance_of(node: Node) -> Code:
    value_node, type_node = subtrees(node)
    value = compile_node(value_node)
    check = _type_check(type_node)
    return lambda scope: bool(check(value(scope)))
