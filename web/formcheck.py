"""Server-side check of submitted form data against the deployed form's validation rules.

form-js validates in the browser; the server checks again, because a page can be bypassed. The
rules and messages match those the browser shows (``web/static/form-zh.js``): Chinese, naming the
field by its label. Fields shown only under a condition (``conditional``) are checked only when a
value was given, since their FEEL condition is the browser's to evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One broken rule: the form field's key (a path for list entries), its label and why."""

    path: str
    label: str
    message: str


def _fields(
    components: list[Any], prefix: str, data: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any], Any]]:
    """(path, component, value) for every keyed field, entering groups and repeating lists."""
    for component in components:
        if not isinstance(component, Mapping):
            continue
        children = component.get("components")
        path = component.get("path")
        if isinstance(children, list):
            if component.get("type") == "dynamiclist" and isinstance(path, str):
                entries = data.get(path)
                for i, entry in enumerate(entries if isinstance(entries, list) else []):
                    if isinstance(entry, Mapping):
                        yield from _fields(children, f"{prefix}{path}[{i}].", entry)
            else:
                scope = data.get(path) if isinstance(path, str) else data
                yield from _fields(
                    children,
                    f"{prefix}{path}." if isinstance(path, str) else prefix,
                    scope if isinstance(scope, Mapping) else {},
                )
            continue
        key = component.get("key")
        if isinstance(key, str) and key:
            yield f"{prefix}{key}", component, data.get(key)


def _label(component: Mapping[str, Any]) -> str:
    for name in ("label", "dateLabel", "timeLabel"):
        value = component.get(name)
        if isinstance(value, str) and value:
            return value
    return str(component.get("key"))


def _empty(component: Mapping[str, Any], value: Any) -> bool:
    if component.get("type") == "checkbox":
        return value is not True
    return value is None or value == "" or (isinstance(value, list) and not value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _check(component: Mapping[str, Any], value: Any) -> list[str]:
    rules = component.get("validate")
    rules = rules if isinstance(rules, Mapping) else {}
    conditional = "conditional" in component
    if _empty(component, value):
        return ["此项为必填项。"] if rules.get("required") and not conditional else []
    errors: list[str] = []
    if component.get("type") == "number":
        number = _number(value)
        if number is None:
            return ["请输入数字。"]
        digits = component.get("decimalDigits")
        exponent = number.as_tuple().exponent
        if isinstance(digits, int) and isinstance(exponent, int) and -exponent > digits:
            errors.append("应为整数。" if digits == 0 else f"最多保留 {digits} 位小数。")
        for rule, text in (("min", "不能小于"), ("max", "不能大于")):
            bound = _number(rules.get(rule)) if rule in rules else None
            if bound is not None and (number < bound if rule == "min" else number > bound):
                errors.append(f"{text} {rules[rule]}。")
    if isinstance(value, str):
        length = len(value.strip())
        if isinstance(rules.get("minLength"), int) and length < rules["minLength"]:
            errors.append(f"至少应填写 {rules['minLength']} 个字符。")
        if isinstance(rules.get("maxLength"), int) and length > rules["maxLength"]:
            errors.append(f"最多可填写 {rules['maxLength']} 个字符。")
        pattern = rules.get("pattern")
        if isinstance(pattern, str) and pattern and not re.search(pattern, value):
            custom = rules.get("patternErrorMessage")
            errors.append(custom if isinstance(custom, str) and custom else "格式不正确。")
    return errors


def check_form(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[FieldError]:
    """Every broken rule of ``schema`` in ``data``, in the form's order."""
    components = schema.get("components")
    if not isinstance(components, list):
        return []
    found: list[FieldError] = []
    for path, component, value in _fields(components, "", data):
        for message in _check(component, value):
            found.append(FieldError(path, _label(component), message))
    return found


def form_keys(schema: Mapping[str, Any]) -> set[str]:
    """Top-level variable names the form writes (keys, and paths of groups and lists)."""
    keys: set[str] = set()
    for component in schema.get("components") or []:
        if not isinstance(component, Mapping):
            continue
        for name in ("key", "path"):
            value = component.get(name)
            if isinstance(value, str) and value:
                keys.add(value.split(".")[0])
        if "components" in component and not component.get("path"):
            keys |= form_keys(component)
    return keys
