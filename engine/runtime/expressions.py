"""Zeebe expressions: a static value, or FEEL when the text starts with ``=``.

FEEL comes from :mod:`engine.feel` (compiled once and cached there). Results are converted to
JSON-compatible values the way Zeebe serialises them. Failures raise :class:`ExpressionError`
whose message follows Zeebe's incident messages; the caller decides the incident type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from engine.clock import Clock
from engine.model.specs import Expression

#: The clock FEEL's ``now()``/``today()`` read while an engine runs a command (Zeebe evaluates
#: FEEL against the engine clock, so moving the clock moves ``now()`` too).
_CLOCK: ContextVar[Clock | None] = ContextVar("engine_feel_clock", default=None)


@contextmanager
def engine_clock(clock: Clock) -> Iterator[None]:
    """Evaluate FEEL against ``clock`` inside the block."""
    token = _CLOCK.set(clock)
    try:
        yield
    finally:
        _CLOCK.reset(token)


class ExpressionError(Exception):
    """An expression could not be evaluated, or gave a value of the wrong type."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _feel() -> Any:
    try:
        import engine.feel as feel  # written concurrently: imported on use
    except ImportError as exc:  # pragma: no cover - only while engine.feel is incomplete
        raise ExpressionError(f"FEEL is not available: {exc}") from exc
    return feel


def to_feel(value: Any) -> Any:
    """A JSON value (from a variable) as a FEEL value."""
    return _feel().to_feel(value)


def evaluate(expression: Expression, context: Mapping[str, Any]) -> Any:
    """The JSON-compatible value of ``expression`` in ``context`` (names → FEEL values)."""
    if not expression.is_feel:
        return expression.source
    feel = _feel()
    text = expression.feel
    try:
        compiled = feel.compile_expression(text)
        return feel.to_json(compiled.evaluate(context, clock=_CLOCK.get()))
    except ExpressionError:
        raise
    except Exception as exc:  # FEEL errors and anything unexpected become incidents
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise ExpressionError(f"failed to evaluate expression '{text}': {reason}") from exc


def type_name(value: Any) -> str:
    """Zeebe's result type name of a JSON value (for incident messages)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int | float):
        return "NUMBER"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        return "ARRAY"
    return "OBJECT"


def _expect(expression: Expression, value: Any, expected: str) -> ExpressionError:
    text = expression.feel if expression.is_feel else expression.source
    return ExpressionError(
        f"Expected result of the expression '{text}' to be '{expected}', "
        f"but was '{type_name(value)}'."
    )


def evaluate_bool(expression: Expression, context: Mapping[str, Any]) -> bool:
    value = evaluate(expression, context)
    if not isinstance(value, bool):
        raise _expect(expression, value, "BOOLEAN")
    return value


def evaluate_str(expression: Expression, context: Mapping[str, Any]) -> str:
    """A string; numbers are accepted and formatted, as Zeebe does for keys and types."""
    value = evaluate(expression, context)
    if value is None or isinstance(value, bool | list | dict):
        raise _expect(expression, value, "STRING")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def evaluate_optional_str(expression: Expression, context: Mapping[str, Any]) -> str | None:
    """A string, or None when a FEEL expression gives null."""
    value = evaluate(expression, context)
    if value is None:
        return None
    if isinstance(value, bool | list | dict):
        raise _expect(expression, value, "STRING")
    return str(value)


def evaluate_int(expression: Expression, context: Mapping[str, Any]) -> int:
    value = evaluate(expression, context)
    if isinstance(value, str) and not expression.is_feel:
        try:
            return int(value.strip())
        except ValueError:
            raise _expect(expression, value, "NUMBER") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _expect(expression, value, "NUMBER")
    return int(value)


def evaluate_list(expression: Expression, context: Mapping[str, Any]) -> list[Any]:
    value = evaluate(expression, context)
    if not isinstance(value, list):
        raise _expect(expression, value, "ARRAY")
    return value


def evaluate_str_list(expression: Expression, context: Mapping[str, Any]) -> list[str]:
    """A list of strings; a static value is a comma-separated list (``a, b``)."""
    if not expression.is_feel:
        return [part.strip() for part in expression.source.split(",") if part.strip()]
    value = evaluate(expression, context)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _expect(expression, value, "ARRAY")
    return list(value)
