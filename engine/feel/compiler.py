"""Compile a lark parse tree into nested Python closures, once; evaluation never sees the tree.

Each node becomes a ``Code``: a function from :class:`Scope` to a FEEL value. Rules for the
textual constructs (if, for, quantifiers, functions, contexts, ranges, ``in``) live in
:mod:`engine.feel.compiler_ext`, which registers them in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from engine.feel import ops
from engine.feel.builtins import BUILTINS, call_builtin
from engine.feel.errors import FeelEvaluationError
from engine.feel.scope import INPUT, MISSING, Scope, member
from engine.feel.temporal import parse_temporal
from engine.feel.values import FeelFunction, Range

Code = Callable[[Scope], Any]
Node = Tree[Token]
RULES: dict[str, Callable[[Node], Code]] = {}


class Const:
    """A compiled constant; callable like any other code, and recognisable for folding."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, scope: Scope) -> Any:
        return self.value


def rule(name: str) -> Callable[[Callable[[Node], Code]], Callable[[Node], Code]]:
    """Register the compiler of one grammar rule."""

    def register(fn: Callable[[Node], Code]) -> Callable[[Node], Code]:
        RULES[name] = fn
        return fn

    return register


def compile_node(node: Node | Token) -> Code:
    """Compile one tree node."""
    if isinstance(node, Token):
        raise AssertionError(f"unexpected token {node.type}")
    return RULES[str(node.data)](node)


def subtrees(node: Node) -> list[Node]:
    """The child trees of a node, tokens left out."""
    return [child for child in node.children if isinstance(child, Tree)]


def tokens(node: Node, kind: str) -> list[str]:
    """The values of the child tokens of one type."""
    return [str(c) for c in node.children if isinstance(c, Token) and c.type == kind]


# --- literals and names ----------------------------------------------------------------------


@rule("start")
def _start(node: Node) -> Code:
    return compile_node(subtrees(node)[0])


@rule("primary")
def _parenthesized(node: Node) -> Code:
    return compile_node(subtrees(node)[0])


@rule("number")
def _number(node: Node) -> Code:
    return Const(Decimal(str(node.children[0])))


@rule("string")
def _string(node: Node) -> Code:
    return Const(str(node.children[0]))


@rule("temporal")
def _temporal(node: Node) -> Code:
    return Const(parse_temporal(str(node.children[0])))


RULES["true"] = lambda node: Const(True)
RULES["false"] = lambda node: Const(False)
RULES["null"] = lambda node: Const(None)


@rule("var")
def _var(node: Node) -> Code:
    name = str(node.children[0])
    builtin = name in BUILTINS

    def var(scope: Scope) -> Any:
        value = scope.lookup(name)
        if value is MISSING:
            # A built-in named as a value (``sort(xs, precedes: <fn>)``) is a function value.
            return BUILTINS[name][0] if builtin else None
        return value

    return var


@rule("input")
def _input(node: Node) -> Code:
    def input_value(scope: Scope) -> Any:
        value = scope.lookup(INPUT)
        if value is MISSING:
            raise FeelEvaluationError(
                "no input value available: '?' can only be used inside a unary test",
                scope.env.expression,
            )
        return value

    return input_value


@rule("list")
def _list(node: Node) -> Code:
    items = [compile_node(child) for child in subtrees(node)]
    if all(isinstance(item, Const) for item in items):
        values = [item.value for item in items]  # type: ignore[attr-defined]
        return lambda scope: list(values)
    return lambda scope: [item(scope) for item in items]


# --- operators -------------------------------------------------------------------------------


def _binary(op: Callable[[Any, Any], Any]) -> Callable[[Node], Code]:
    def compile_binary(node: Node) -> Code:
        left, right = (compile_node(child) for child in subtrees(node))
        if isinstance(left, Const) and isinstance(right, Const):
            return Const(op(left.value, right.value))
        return lambda scope: op(left(scope), right(scope))

    return compile_binary


RULES["add"] = _binary(ops.add)
RULES["sub"] = _binary(ops.subtract)
RULES["mul"] = _binary(ops.multiply)
RULES["div"] = _binary(ops.divide)
RULES["pow"] = _binary(ops.power)


@rule("neg")
def _neg(node: Node) -> Code:
    operand = compile_node(subtrees(node)[0])
    if isinstance(operand, Const):
        return Const(ops.negate(operand.value))
    return lambda scope: ops.negate(operand(scope))


def compop(node: Node) -> str:
    """The operator text of a ``compop`` subtree."""
    return str(node.children[0])


@rule("compare")
def _compare(node: Node) -> Code:
    left_node, op_node, right_node = subtrees(node)
    op = ops.COMPARATORS[compop(op_node)]
    left, right = compile_node(left_node), compile_node(right_node)
    return lambda scope: op(left(scope), right(scope))


@rule("unary_compare")
def _unary_compare(node: Node) -> Code:
    op_node, right_node = subtrees(node)
    op = ops.COMPARATORS[compop(op_node)]
    right = compile_node(right_node)

    operator = compop(op_node)

    def unary_compare(scope: Scope) -> Any:
        value = scope.lookup(INPUT)
        if value is MISSING:
            # Outside a unary test, `< 10` is the range (null..10).
            return _open_range(operator, right(scope))
        return op(value, right(scope))

    return unary_compare


def _open_range(operator: str, endpoint: Any) -> Any:
    if endpoint is None:
        return None
    if operator in ("<", "<="):
        return Range(None, endpoint, False, operator == "<=")
    if operator in (">", ">="):
        return Range(endpoint, None, operator == ">=", False)
    return None


def conjunction(left: Code, right: Code) -> Code:
    """Three-valued ``and``: false wins, then null."""

    def and_(scope: Scope) -> Any:
        a = left(scope)
        if a is False:
            return False
        b = right(scope)
        if b is False:
            return False
        return True if a is True and b is True else None

    return and_


@rule("and_expr")
def _and(node: Node) -> Code:
    left, right = (compile_node(child) for child in subtrees(node))
    return conjunction(left, right)


@rule("or_expr")
def _or(node: Node) -> Code:
    left, right = (compile_node(child) for child in subtrees(node))

    def or_(scope: Scope) -> Any:
        a = left(scope)
        if a is True:
            return True
        b = right(scope)
        if b is True:
            return True
        return False if a is False and b is False else None

    return or_


@rule("between")
def _between(node: Node) -> Code:
    value, low, high = (compile_node(child) for child in subtrees(node))
    return conjunction(
        lambda scope: ops.greater_equal(value(scope), low(scope)),
        lambda scope: ops.less_equal(value(scope), high(scope)),
    )


# --- postfix: path, filter, invocation -------------------------------------------------------


@rule("path")
def _path(node: Node) -> Code:
    base = compile_node(subtrees(node)[0])
    name = tokens(node, "NAME")[0]
    return lambda scope: member(base(scope), name)


def _index(items: list[Any], index: Any) -> Any:
    if not isinstance(index, Decimal) or index != index.to_integral_value():
        return None
    position = int(index)
    if 0 < position <= len(items):
        return items[position - 1]
    if -len(items) <= position < 0:
        return items[position]
    return None


def _item_scope(scope: Scope, item: Any) -> Scope:
    # An entry named "item" in a context item wins over the implicit `item` (DMN TCK 0069).
    variables = {"item": item, **item} if isinstance(item, dict) else {"item": item}
    return scope.child(variables)


@rule("filter")
def _filter(node: Node) -> Code:
    base_node, condition_node = subtrees(node)
    base = compile_node(base_node)
    condition = compile_node(condition_node)

    if isinstance(condition, Const):
        constant = condition.value

        def static_filter(scope: Scope) -> Any:
            items = base(scope)
            if items is None:
                return None
            items = items if isinstance(items, list) else [items]
            if isinstance(constant, Decimal):
                return _index(items, constant)
            return list(items) if constant is True else []

        return static_filter

    def dynamic_filter(scope: Scope) -> Any:
        items = base(scope)
        if items is None:
            return None
        items = items if isinstance(items, list) else [items]
        if not items:
            return []
        first = condition(_item_scope(scope, items[0]))
        if isinstance(first, Decimal):
            return _index(items, first)
        kept = [items[0]] if first is True else []
        for item in items[1:]:
            if condition(_item_scope(scope, item)) is True:
                kept.append(item)
        return kept

    return dynamic_filter


def invoke(function: Any, positional: list[Any] | None, named: dict[str, Any] | None) -> Any:
    """Call a function value; null when it is not a function or the arguments do not fit."""
    if not isinstance(function, FeelFunction):
        return None
    if named is not None:
        return function.invoke_named(named)
    return function.invoke_positional(positional or [])


@rule("call")
def _call(node: Node) -> Code:
    parts = subtrees(node)
    callee_node = parts[0]
    args_node = parts[1] if len(parts) > 1 else None
    named_keys: list[str] | None = None
    arg_codes: list[Code] = []
    if args_node is not None:
        arg_codes = [compile_node(child) for child in subtrees(args_node)]
        if args_node.data == "named":
            named_keys = tokens(args_node, "NAME")

    def arguments(scope: Scope) -> tuple[list[Any] | None, dict[str, Any] | None]:
        values = [code(scope) for code in arg_codes]
        if named_keys is None:
            return values, None
        return None, dict(zip(named_keys, values, strict=True))

    if callee_node.data == "var":
        name = str(callee_node.children[0])
        builtin = name in BUILTINS

        def call_name(scope: Scope) -> Any:
            positional, named = arguments(scope)
            function = scope.lookup(name)
            if isinstance(function, FeelFunction):
                return invoke(function, positional, named)
            if builtin:
                return call_builtin(name, positional, named, scope.env)
            return None

        return call_name

    callee = compile_node(callee_node)

    def call_value(scope: Scope) -> Any:
        function = callee(scope)
        positional, named = arguments(scope)
        return invoke(function, positional, named)

    return call_value
