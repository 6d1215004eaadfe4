"""Compile a lark parse tree into nested Python closures, once; evaluation never sees the tree.

Each node becomes a ``Code``: a function from :class:`Scope` to a FEEL value. Rules for the
textual constructs (if, for, quantifiers, functions, contexts, ranges, ``in``) live in
:mod:`engine.feel.compiler_ext`, those for paths, filters and calls in
:mod:`engine.feel.compiler_postfix`; importing them registers them in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from engine.feel import ops
from engine.feel.builtins import BUILTINS
from engine.feel.errors import FeelEvaluationError
from engine.feel.scope import INPUT, MISSING, Scope
from engine.feel.temporal import parse_temporal
from engine.feel.values import Range

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


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "add": ops.add,
    "sub": ops.subtract,
    "mul": ops.multiply,
    "div": ops.divide,
    "pow": ops.power,
}


def _left_spine(node: Node, kinds: Any) -> tuple[Node, list[tuple[str, Node]]]:
    """Unroll a left-associative chain (``a + b - c``) into its first operand and the steps.

    Long chains would otherwise recurse once per operator, at compile and at evaluation time.
    """
    steps: list[tuple[str, Node]] = []
    while node.data in kinds:
        left, right = subtrees(node)
        steps.append((str(node.data), right))
        node = left
    steps.reverse()
    return node, steps


def _arithmetic(node: Node) -> Code:
    first, steps = _left_spine(node, _ARITHMETIC)
    base = compile_node(first)
    compiled = [(_ARITHMETIC[kind], compile_node(right)) for kind, right in steps]
    if isinstance(base, Const) and all(isinstance(code, Const) for _, code in compiled):
        value = base.value
        for op, code in compiled:
            value = op(value, code.value)  # type: ignore[attr-defined]
        return Const(value)
    if len(compiled) == 1:
        op, right = compiled[0]
        return lambda scope: op(base(scope), right(scope))

    def chain(scope: Scope) -> Any:
        value = base(scope)
        for op, code in compiled:
            value = op(value, code(scope))
        return value

    return chain


for _kind in _ARITHMETIC:
    RULES[_kind] = _arithmetic


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


def _logic(decisive: bool) -> Callable[[Node], Code]:
    """``and`` (false decides) and ``or`` (true decides), three-valued, short-circuiting."""
    kind = "or_expr" if decisive else "and_expr"

    def compile_logic(node: Node) -> Code:
        first, steps = _left_spine(node, (kind,))
        operands = [compile_node(first)] + [compile_node(right) for _, right in steps]

        def logic(scope: Scope) -> Any:
            unknown = False
            for operand in operands:
                value = operand(scope)
                if value is decisive:
                    return decisive
                if value is not (not decisive):
                    unknown = True
            return None if unknown else not decisive

        return logic

    return compile_logic


RULES["and_expr"] = _logic(decisive=False)
RULES["or_expr"] = _logic(decisive=True)


@rule("between")
def _between(node: Node) -> Code:
    value, low, high = (compile_node(child) for child in subtrees(node))
    return conjunction(
        lambda scope: ops.greater_equal(value(scope), low(scope)),
        lambda scope: ops.less_equal(value(scope), high(scope)),
    )
