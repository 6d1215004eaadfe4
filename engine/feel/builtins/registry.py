"""The table of built-in functions and how an invocation picks an overload."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.feel.errors import FeelEvaluationError
from engine.feel.scope import DEFAULT_ENV, Env
from engine.feel.values import FeelFunction

BUILTINS: dict[str, list[FeelFunction]] = {}
"""Built-in name -> overloads, in registration order."""

CURRENT_ENV: ContextVar[Env] = ContextVar("feel_env", default=DEFAULT_ENV)
"""The environment of the running evaluation (for ``now()`` and ``today()``)."""

_ENV_FUNCTIONS: set[str] = set()
_FAILURES = (
    ArithmeticError,
    InvalidOperation,
    ValueError,
    TypeError,
    OverflowError,
    KeyError,
    IndexError,
    AttributeError,
    re.error,
    RecursionError,
)


def builtin(
    name: str,
    params: str = "",
    *,
    required: int | None = None,
    varargs: bool = False,
    env: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as (one overload of) the built-in ``name``.

    ``params`` lists the parameter names, comma-separated, as the DMN specification names them
    (named invocation uses them). Any failure inside the function evaluates to null.
    """
    names = tuple(p.strip() for p in params.split(",") if p.strip())

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        def body(args: list[Any]) -> Any:
            try:
                return fn(*args)
            except FeelEvaluationError:
                raise
            except _FAILURES:
                return None

        BUILTINS.setdefault(name, []).append(
            FeelFunction(names, body, name=name, varargs=varargs, required=required)
        )
        if env:
            _ENV_FUNCTIONS.add(name)
        return fn

    return register


def _fits(function: FeelFunction, count: int) -> bool:
    params = len(function.params)
    if function.varargs:
        return count >= (function.required if function.required is not None else params - 1)
    required = function.required if function.required is not None else params
    return required <= count <= params


def _fits_named(function: FeelFunction, names: set[str]) -> bool:
    required = function.required if function.required is not None else len(function.params)
    if function.varargs:
        required = min(required, len(function.params) - 1)
    return names <= set(function.params) and set(function.params[:required]) <= names


def call_builtin(
    name: str, positional: list[Any] | None, named: dict[str, Any] | None, env: Env
) -> Any:
    """Invoke the overload of ``name`` that fits the arguments; null if none fits."""
    token = CURRENT_ENV.set(env) if name in _ENV_FUNCTIONS else None
    try:
        for function in BUILTINS[name]:
            if named is not None:
                if _fits_named(function, set(named)):
                    return function.invoke_named(named)
            elif _fits(function, len(positional or [])):
                return function.invoke_positional(positional or [])
        return None
    finally:
        if token is not None:
            CURRENT_ENV.reset(token)


def is_int(value: Any) -> bool:
    """A FEEL number without a fractional part."""
    return isinstance(value, Decimal) and value == value.to_integral_value()


def number(value: Any) -> Decimal:
    """The argument as a number, or TypeError (which the registry turns into null)."""
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError("not a number")
    return value


def text(value: Any) -> str:
    """The argument as a string, or TypeError."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def items(value: Any) -> list[Any]:
    """The argument as a list, or TypeError."""
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value
