"""Context and boolean built-ins."""

from __future__ import annotations

from typing import Any

from engine.feel.builtins.registry import builtin, items, text
from engine.feel.errors import FeelEvaluationError


def _context(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a context")
    return value


@builtin("get value", "m, key")
def get_value(m: Any, key: Any) -> Any:
    context = _context(m)
    if isinstance(key, list):
        if not key:
            return None  # feel-scala: an empty path has no value
        current: Any = context
        for part in key:
            if not isinstance(current, dict):
                return None
            current = current.get(text(part))
        return current
    return context.get(text(key))


@builtin("get entries", "m")
def get_entries(m: Any) -> Any:
    return [{"key": key, "value": value} for key, value in _context(m).items()]


# feel-scala names the context parameter both `m` (DMN) and `context` (Camunda docs).
builtin("get entries", "context")(get_entries)
builtin("get value", "context, key")(get_value)
builtin("get value", "context, keys")(get_value)


def _put(context: dict[str, Any], keys: list[str], value: Any) -> dict[str, Any]:
    result = dict(context)
    if len(keys) == 1:
        result[keys[0]] = value
        return result
    inner = result.get(keys[0])
    result[keys[0]] = _put(inner if isinstance(inner, dict) else {}, keys[1:], value)
    return result


@builtin("context put", "context, key, value")
def context_put(context: Any, key: Any, value: Any) -> Any:
    keys = [text(k) for k in items(key)] if isinstance(key, list) else [text(key)]
    if not keys:
        return None
    return _put(_context(context), keys, value)


builtin("context put", "context, keys, value")(context_put)
builtin("put", "context, key, value")(context_put)


def context_merge(contexts: Any) -> Any:
    """``context merge(list)`` or ``context merge(c1, c2, ...)``: later entries override."""
    result: dict[str, Any] = {}
    for context in contexts if isinstance(contexts, list) else [contexts]:
        result.update(_context(context))
    return result


def _merge_varargs(contexts: list[Any]) -> Any:
    return context_merge(contexts[0] if len(contexts) == 1 else contexts)


builtin("context merge", "contexts", varargs=True, required=1)(_merge_varargs)
builtin("put all", "contexts", varargs=True, required=0)(_merge_varargs)


@builtin("context", "entries")
def context(entries: Any) -> Any:
    result: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else [entries]:
        entry_context = _context(entry)
        if "key" not in entry_context or "value" not in entry_context:
            return None
        # feel-scala: a later entry with the same key overrides an earlier one.
        result[text(entry_context["key"])] = entry_context["value"]
    return result


@builtin("not", "negand")
def not_(negand: Any) -> Any:
    return (not negand) if isinstance(negand, bool) else None


@builtin("is defined", "value")
def is_defined(value: Any) -> Any:
    # Camunda 8.5+: null and a missing variable are both "not defined".
    return value is not None


@builtin("get or else", "value, default")
def get_or_else(value: Any, default: Any) -> Any:
    return default if value is None else value


@builtin("assert", "value, condition, cause", required=2)
def assert_(value: Any, condition: Any, cause: Any) -> Any:
    if condition is not True:
        message = cause if isinstance(cause, str) else "The condition is not fulfilled"
        raise FeelEvaluationError(f"Assertion failure: {message}")
    return value
