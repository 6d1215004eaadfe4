"""Chinese messages for pydantic's validation errors (staff read them in forms and incidents).

Built from the error type and its context (limits, expected values), never from the input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TEMPLATES: dict[str, str] = {
    "missing": "缺少必填变量",
    "string_type": "应为文本",
    "string_too_short": "至少{min_length}个字",
    "string_too_long": "最多{max_length}个字",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不含时间",
    "list_type": "应为列表",
    "too_short": "至少{min_length}项",
    "too_long": "最多{max_length}项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
}


def chinese(error_type: str, message: str, context: Mapping[str, Any] | None) -> str:
    """The Chinese message for one pydantic error; our own rules' messages pass through."""
    if error_type == "value_error":
        return message.removeprefix("Value error, ")
    template = _TEMPLATES.get(error_type)
    if template is None:
        return message
    values = {k: str(v).replace("'", "").replace(" or ", ", ") for k, v in (context or {}).items()}
    try:
        return template.format(**values)
    except KeyError:
        return template.split("{")[0].rstrip("：")
