"""String built-ins (DMN 1.4 and Camunda's extensions)."""

from __future__ import annotations

import base64
import re
import uuid as uuid_module
from decimal import Decimal
from typing import Any

from engine.feel.builtins.registry import builtin, items, number, text

_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


def _regex(pattern: str, flags: Any) -> re.Pattern[str]:
    """Compile an XPath-style pattern with its flags (``i s m x q``)."""
    mode = 0
    if flags is not None:
        for flag in text(flags):
            if flag == "q":
                pattern = re.escape(pattern)
            elif flag in _FLAGS:
                mode |= _FLAGS[flag]
            else:
                raise ValueError("unknown regex flag")
    return re.compile(pattern, mode)


@builtin("substring", "string, start position, length", required=2)
def substring(string: Any, start: Any, length: Any) -> Any:
    value = text(string)
    position = int(number(start))  # feel-scala takes the integer part
    begin = max(position - 1 if position > 0 else len(value) + position, 0)
    if length is None:
        return value[begin:]
    count = int(number(length))
    if count < 0:
        return None
    return value[begin : begin + count]


@builtin("string length", "string")
def string_length(string: Any) -> Any:
    return Decimal(len(text(string)))


@builtin("upper case", "string")
def upper_case(string: Any) -> Any:
    return text(string).upper()


@builtin("lower case", "string")
def lower_case(string: Any) -> Any:
    return text(string).lower()


@builtin("substring before", "string, match")
def substring_before(string: Any, match: Any) -> Any:
    value, needle = text(string), text(match)
    index = value.find(needle)
    return "" if index < 0 else value[:index]


@builtin("substring after", "string, match")
def substring_after(string: Any, match: Any) -> Any:
    value, needle = text(string), text(match)
    index = value.find(needle)
    return "" if index < 0 else value[index + len(needle) :]


def _replacement(replacement: str) -> str:
    # XPath uses $1 for groups and \$ for a dollar; Python uses \g<1>.
    out: list[str] = []
    index = 0
    while index < len(replacement):
        char = replacement[index]
        if char == "\\" and index + 1 < len(replacement):
            out.append(replacement[index + 1].replace("\\", "\\\\"))
            index += 2
            continue
        if char == "$":
            match = re.match(r"\d+", replacement[index + 1 :])
            if match is None:
                raise ValueError("invalid replacement")
            out.append(f"\\g<{match[0]}>")
            index += 1 + len(match[0])
            continue
        out.append("\\\\" if char == "\\" else char)
        index += 1
    return "".join(out)


@builtin("replace", "input, pattern, replacement, flags", required=3)
def replace(input_: Any, pattern: Any, replacement: Any, flags: Any) -> Any:
    regex = _regex(text(pattern), flags)
    return regex.sub(_replacement(text(replacement)), text(input_))


@builtin("contains", "string, match")
def contains(string: Any, match: Any) -> Any:
    return text(match) in text(string)


@builtin("starts with", "string, match")
def starts_with(string: Any, match: Any) -> Any:
    return text(string).startswith(text(match))


@builtin("ends with", "string, match")
def ends_with(string: Any, match: Any) -> Any:
    return text(string).endswith(text(match))


@builtin("matches", "input, pattern, flags", required=2)
def matches(input_: Any, pattern: Any, flags: Any) -> Any:
    return _regex(text(pattern), flags).search(text(input_)) is not None


@builtin("split", "string, delimiter")
def split(string: Any, delimiter: Any) -> Any:
    return re.split(text(delimiter), text(string))


@builtin("extract", "string, pattern")
def extract(string: Any, pattern: Any) -> Any:
    return [match[0] for match in re.finditer(text(pattern), text(string))]


@builtin("string join", "list")
def string_join_plain(values: Any) -> Any:
    return string_join(values, None, None, None)


@builtin("string join", "list, delimiter")
def string_join_delimited(values: Any, delimiter: Any) -> Any:
    return string_join(values, delimiter, None, None)


@builtin("string join", "list, delimiter, prefix, suffix")
def string_join(values: Any, delimiter: Any, prefix: Any, suffix: Any) -> Any:
    parts = [item for item in items(values) if item is not None]
    if not all(isinstance(part, str) for part in parts):
        return None
    sep = "" if delimiter is None else text(delimiter)
    return (
        ("" if prefix is None else text(prefix))
        + sep.join(parts)
        + ("" if suffix is None else text(suffix))
    )


@builtin("trim", "string")
def trim(string: Any) -> Any:
    return text(string).strip()


@builtin("is blank", "string")
def is_blank(string: Any) -> Any:
    # Java's isBlank: only whitespace, which includes \f (as str.isspace does).
    return not text(string).strip()


@builtin("to base64", "value")
def to_base64(value: Any) -> Any:
    return base64.b64encode(text(value).encode()).decode()


@builtin("from base64", "value")
def from_base64(value: Any) -> Any:
    # Invalid Base64 or bytes that are not UTF-8 text give null (feel-scala reports a failure).
    return base64.b64decode(text(value), validate=True).decode()


@builtin("uuid")
def uuid() -> Any:
    return str(uuid_module.uuid4())
