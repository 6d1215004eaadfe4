"""The one place the DMN engine touches ``engine.feel``.

Keeping every FEEL call here means a change in the FEEL module's API is a change in one file, and
the rest of ``engine.dmn`` stays importable whatever state ``engine.feel`` is in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine import feel as _feel
from engine.dmn.model import CompiledFeel, CompiledTests
from engine.feel import FeelFunction, ops
from engine.feel.builtins import BUILTINS
from engine.feel.compiler import Const
from engine.feel.lexer import KEYWORDS


def compile_expression(text: str, names: frozenset[str] = frozenset()) -> CompiledFeel:
    """Compile a FEEL expression; raises ``FeelSyntaxError`` (an ``InvalidArgument``).

    ``names`` are the names the model defines, so FEEL can read those it could not read bare.
    """
    compiled: CompiledFeel = _feel.compile_expression(text, names)
    return compiled


def compile_unary_tests(text: str, names: frozenset[str] = frozenset()) -> CompiledTests:
    """Compile FEEL unary tests (a decision table input entry)."""
    compiled: CompiledTests = _feel.compile_unary_tests(text, names)
    return compiled


_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IMMUTABLE = (Decimal, str, bool, type(None))


def fast_evaluator(text: str, compiled: CompiledFeel) -> Callable[[Mapping[str, Any]], Any]:
    """The quickest way to evaluate ``compiled``: most decision table cells are a constant
    (``"high"``, ``5``) or a plain variable name (``score``), which need no FEEL machinery.

    Falls back to ``compiled.evaluate``; the result is always the same as FEEL's.
    """
    code = getattr(compiled, "_code", None)
    if isinstance(code, Const) and isinstance(code.value, _IMMUTABLE):
        constant = code.value
        return lambda scope: constant
    name = text.strip()
    plain = _SIMPLE_NAME.fullmatch(name) and name not in ("true", "false", "null")
    if plain and name not in KEYWORDS and name not in BUILTINS:
        return lambda scope: scope.get(name)
    return compiled.evaluate


def is_syntax_error(error: BaseException) -> bool:
    """Whether ``error`` is FEEL's syntax error."""
    return isinstance(error, _feel.FeelSyntaxError)


def is_feel_error(error: BaseException) -> bool:
    """Whether ``error`` is one of FEEL's errors (syntax or evaluation)."""
    return isinstance(error, _feel.FeelError)


def make_function(
    name: str, parameters: tuple[str, ...], invoke: Callable[[Mapping[str, Any]], Any]
) -> Any:
    """A FEEL function value called with arguments bound to ``parameters`` by name."""

    def body(arguments: list[Any]) -> Any:
        return invoke(dict(zip(parameters, arguments, strict=False)))

    return FeelFunction(params=parameters, body=body, name=name)


def call_function(function: Any, arguments: Mapping[str, Any]) -> Any:
    """Call a FEEL function value with named arguments."""
    if not isinstance(function, FeelFunction):
        return None
    return function.invoke_named(arguments)


def is_function(value: Any) -> bool:
    """Whether ``value`` is a FEEL function."""
    return isinstance(value, FeelFunction)


_TYPE_REF_SPELLING = {
    "date and time": "dateTime",
    "days and time duration": "dayTimeDuration",
    "years and months duration": "yearMonthDuration",
}


def kind_of(value: Any) -> str:
    """The FEEL type name of a value, in DMN ``typeRef`` spelling."""
    # One classification (FEEL's ``instance of``) serves both; only the spelling differs.
    name = ops.type_name(value)
    return _TYPE_REF_SPELLING.get(name, name)


def to_json(value: Any) -> Any:
    """FEEL value → JSON-compatible value, as Zeebe serialises decision outputs."""
    return _feel.to_json(value)


to_feel_function: Callable[[Any], Any] = _feel.to_feel
"""FEEL's own converter, for loops that convert many values."""


def to_feel(value: Any) -> Any:
    """JSON value (process variables) → FEEL value."""
    return _feel.to_feel(value)
