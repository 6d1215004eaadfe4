"""Unary tests (DMN input entries), with fast paths for the shapes decision tables use most.

``-`` matches anything; ``< 18``, ``[18..65]``, ``"a","b"``, ``5``, ``true`` compile to a
single Python comparison; everything else goes through the general rules of
:func:`engine.feel.compiler_ext.positive_test`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine.feel import ops
from engine.feel.compiler import Code, Const, Node, compile_node, compop, subtrees
from engine.feel.compiler_ext import any_of, positive_test, test_value
from engine.feel.scope import INPUT, Env, Scope

Matcher = Callable[[Any, Mapping[str, Any], Env], bool]


def _const(node: Node) -> Any:
    """The constant value of a literal node, or raise LookupError."""
    code = compile_node(node)
    if not isinstance(code, Const):
        raise LookupError("not constant")
    return code.value


Fast = Callable[..., bool]
"""A fast predicate, called as ``p(input)`` or as a matcher ``p(input, context, env)``."""


def _fast(node: Node) -> Fast | None:
    """A predicate for a simple positive test, or None when the general path is needed.

    Input of another type never matches, exactly as the general rules give null for it.
    """
    try:
        if node.data in ("number", "neg"):
            constant = _const(node)
            if isinstance(constant, Decimal):
                return _compare_test("=", constant, Decimal)
        if node.data == "string":
            return _compare_test("=", _const(node), str)
        if node.data in ("true", "false"):
            flag = node.data == "true"
            return lambda i, context=None, env=None: i is flag
        if node.data == "unary_compare":
            op_node, value_node = subtrees(node)
            constant = _const(value_node)
            if isinstance(constant, (Decimal, str)):
                return _compare_test(compop(op_node), constant, type(constant))
        if node.data == "range":
            low_node, high_node = subtrees(node)
            low, high = _const(low_node), _const(high_node)
            if isinstance(low, Decimal) and isinstance(high, Decimal):
                return _range_test(low, high, str(node.children[0]), str(node.children[-1]))
    except LookupError:
        return None
    return None


def _compare_test(op: str, c: Any, kind: type) -> Fast:
    # One specialised lambda per operator: no dispatch at match time.
    if op == "<":
        return lambda i, context=None, env=None: type(i) is kind and i < c
    if op == "<=":
        return lambda i, context=None, env=None: type(i) is kind and i <= c
    if op == ">":
        return lambda i, context=None, env=None: type(i) is kind and i > c
    if op == ">=":
        return lambda i, context=None, env=None: type(i) is kind and i >= c
    if op == "=":
        return lambda i, context=None, env=None: type(i) is kind and i == c
    return lambda i, context=None, env=None: type(i) is kind and i != c


def _range_test(low: Decimal, high: Decimal, opening: str, closing: str) -> Fast:
    if opening == "[" and closing == "]":
        return lambda i, context=None, env=None: type(i) is Decimal and low <= i <= high
    if opening == "[":
        return lambda i, context=None, env=None: type(i) is Decimal and low <= i < high
    if closing == "]":
        return lambda i, context=None, env=None: type(i) is Decimal and low < i <= high
    return lambda i, context=None, env=None: type(i) is Decimal and low < i < high


def _is_not_call(node: Node) -> bool:
    callee = subtrees(node)[0] if node.data == "call" else None
    return callee is not None and callee.data == "var" and str(callee.children[0]) == "not"


def build_matcher(tests: list[Node]) -> Matcher:
    """Compile the top-level tests of an input entry into one matcher."""
    negate = False
    if len(tests) == 1 and _is_not_call(tests[0]):
        parts = subtrees(tests[0])
        if len(parts) == 2 and parts[1].data == "positional":
            tests, negate = subtrees(parts[1]), True

    fast = [_fast(node) for node in tests]
    if not negate and all(f is not None for f in fast):
        predicates = [f for f in fast if f is not None]
        if all(node.data == "string" for node in tests):
            values = frozenset(_const(node) for node in tests)
            return lambda i, context, env: type(i) is str and i in values
        if len(predicates) == 1:
            return predicates[0]

        def match_any(input_value: Any, context: Mapping[str, Any], env: Env) -> bool:
            # A plain loop: any() over a generator costs a frame per match on this hot path.
            for predicate in predicates:  # noqa: SIM110
                if predicate(input_value):
                    return True
            return False

        return match_any

    if not any(_uses_input(node) for node in tests):
        # The common case: tests read variables but not `?`, so no scope is needed for it.
        checks = [_check(node) for node in tests]

        def match_direct(input_value: Any, context: Mapping[str, Any], env: Env) -> bool:
            scope = Scope(context, None, env)
            unknown = False
            for check in checks:
                result = check(input_value, scope)
                if result is True:
                    return not negate
                if result is not False:
                    unknown = True
            return negate and not unknown

        return match_direct

    general: Code = any_of([positive_test(node) for node in tests])

    def match(input_value: Any, context: Mapping[str, Any], env: Env) -> bool:
        scope = Scope({INPUT: input_value}, Scope(context, None, env), env)
        result = general(scope)
        if negate:
            return result is False
        return result is True

    return match


def _uses_input(node: Node) -> bool:
    """Whether a test reads the input value other than as a leading comparison operator."""
    if node.data == "unary_compare":
        return _reads_input(subtrees(node)[1])
    return node.data in ("true", "false") or _reads_input(node)


def _reads_input(node: Node) -> bool:
    if node.data in ("input", "unary_compare"):
        return True
    return any(_reads_input(child) for child in subtrees(node))


def _check(node: Node) -> Callable[[Any, Scope], bool | None]:
    """A positive test that does not read ``?``: compare the input with the evaluated value."""
    if node.data == "unary_compare":
        op_node, value_node = subtrees(node)
        op = ops.COMPARATORS[compop(op_node)]
        value = compile_node(value_node)
        return lambda i, scope: op(i, value(scope))
    code = compile_node(node)
    return lambda i, scope: test_value(i, code(scope))
