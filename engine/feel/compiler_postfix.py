"""Compiler rules for postfix operations: paths (``a.b``), filters (``xs[...]``) and
invocations (``f(...)``). Importing this module registers them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.feel.builtins import BUILTINS, call_builtin
from engine.feel.compiler import Code, Const, Node, compile_node, rule, subtrees, tokens
from engine.feel.scope import Scope, member
from engine.feel.values import FeelFunction


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
            if not isinstance(items, list):
                return None  # feel-scala: only a list can be filtered (`5[1]` is null)
            if isinstance(constant, Decimal):
                return _index(items, constant)
            # feel-scala: an item is kept only where the filter is true (`xs["a"]` is []).
            return list(items) if constant is True else []

        return static_filter

    def dynamic_filter(scope: Scope) -> Any:
        items = base(scope)
        if not isinstance(items, list):
            return None
        if not items:
            return []
        first = condition(_item_scope(scope, items[0]))
        if isinstance(first, Decimal):
            return _index(items, first)
        # Any other value than true drops the item (feel-scala ignores non-boolean filters).
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
