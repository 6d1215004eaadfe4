"""FEEL, the expression language of Camunda 8 (feel-scala semantics), parsed with lark and
compiled to Python closures.

Values: numbers are ``Decimal`` (34 digits), null is ``None``, dates and times are the standard
library's, durations/ranges/functions are in :mod:`engine.feel.values`.
"""

from engine.feel.api import (
    CompiledExpression,
    CompiledUnaryTests,
    compile_expression,
    compile_unary_tests,
    evaluate,
)
from engine.feel.convert import to_feel, to_json
from engine.feel.errors import FeelError, FeelEvaluationError, FeelSyntaxError
from engine.feel.values import DaysTimeDuration, FeelFunction, Range, YearsMonthsDuration

__all__ = [
    "CompiledExpression",
    "CompiledUnaryTests",
    "DaysTimeDuration",
    "FeelError",
    "FeelEvaluationError",
    "FeelFunction",
    "FeelSyntaxError",
    "Range",
    "YearsMonthsDuration",
    "compile_expression",
    "compile_unary_tests",
    "evaluate",
    "to_feel",
    "to_json",
]
