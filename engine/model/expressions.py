"""Deployment-time checks of the expressions a resource contains.

Every FEEL expression (``=…``) is compiled with :func:`engine.feel.compile_expression`, so a typo
fails the deployment instead of raising an incident later. Attributes that Zeebe requires to be
FEEL (conditions, output sources, input collections, correlation keys …) are rejected when
static. Expressions Zeebe evaluates at deployment (process timer start events, message and
signal start event names) are evaluated without variables here too.

``engine.feel`` is imported lazily: when it is not available, only the compile and evaluation
steps are skipped; the static rules still apply.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from engine.errors import InvalidArgument
from engine.model.context import ParseContext
from engine.model.specs import Expression
from engine.model.timers import TimerValueError, parse_cycle, parse_date

_Compile = Callable[[str], Any]


def feel_compiler() -> tuple[_Compile, Callable[[Any], Any]] | None:
    """``(compile_expression, to_json)`` from engine.feel, or None if it is not usable yet."""
    try:
        feel = importlib.import_module("engine.feel")
    except ImportError:
        return None
    compile_expression = getattr(feel, "compile_expression", None)
    to_json = getattr(feel, "to_json", None)
    if not callable(compile_expression) or not callable(to_json):
        return None
    return compile_expression, to_json


def check_expressions(ctx: ParseContext) -> None:
    """Static-value rules, FEEL compilation and constant evaluation; problems go to ``ctx``."""
    feel = feel_compiler()
    failed: set[int] = set()
    for check in ctx.checks:
        expression = check.expression
        if check.feel_only and not expression.is_feel:
            ctx.problems.add(
                check.node,
                f"Expected expression but found static value '{expression.source}' in "
                f"'{check.attribute}'. An expression must start with '=' "
                f"(e.g. '={expression.source}').",
            )
        elif expression.is_feel and feel is not None:
            error = _compile_error(feel[0], expression)
            if error is not None:
                failed.add(id(expression))
                ctx.problems.add(
                    check.node,
                    f"Invalid FEEL expression '{expression.source}' in '{check.attribute}': "
                    f"{error}",
                )
    if feel is None:
        return
    for node, what, expression in ctx.constant_checks:
        if id(expression) in failed:
            continue
        problem = _constant_problem(feel, what, expression)
        if problem is not None:
            ctx.problems.add(node, problem)


def _compile_error(compile_expression: _Compile, expression: Expression) -> str | None:
    try:
        compile_expression(expression.feel)
    except InvalidArgument as exc:
        return exc.message
    return None


def _constant_problem(
    feel: tuple[_Compile, Callable[[Any], Any]], what: str, expression: Expression
) -> str | None:
    compile_expression, to_json = feel
    try:
        value = to_json(compile_expression(expression.feel).evaluate({}))
    except InvalidArgument as exc:
        return (
            f"Expected constant expression but found '{expression.source}', which could not be "
            f"evaluated without context: {exc.message}"
        )
    if what in ("messageName", "signalName"):
        if not isinstance(value, str) or not value:
            return (
                f"Expected constant expression of type String for {what} "
                f"'{expression.source}', but was {type(value).__name__}"
            )
        return None
    if not isinstance(value, str):
        return f"Invalid timer expression '{expression.source}': the result is not a {what} value"
    try:
        if what == "timeDate":
            parse_date(value)
        else:
            parse_cycle(value)
    except TimerValueError as exc:
        label = "date" if what == "timeDate" else "cycle"
        return f"Invalid timer {label} expression ({exc})"
    return None
