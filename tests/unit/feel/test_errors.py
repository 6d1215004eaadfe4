"""Syntax errors name the position; evaluation fails only where Camunda fails it."""

from __future__ import annotations

import pytest

from engine.errors import InvalidArgument
from engine.feel import (
    FeelEvaluationError,
    FeelSyntaxError,
    compile_expression,
    compile_unary_tests,
    evaluate,
)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("1 +", 1, 4),
        ("1 + * 2", 1, 5),
        ("if x then 1", 1, 12),
        ("a\n  + )", 2, 5),
        ('"unterminated', 1, 1),
        ("1 # 2", 1, 3),
        ("{a: }", 1, 5),
        ("[1, 2", 1, 6),
    ],
)
def test_syntax_errors_carry_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        compile_expression(text)
    error = caught.value
    assert (error.expression, error.line, error.column) == (text, line, column)
    assert f"line {line}, column {column}" in str(error)
    assert isinstance(error, InvalidArgument)


def test_unary_test_syntax_errors() -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        compile_unary_tests("< ")
    assert caught.value.column == 3


def test_input_value_outside_a_unary_test_fails() -> None:
    with pytest.raises(FeelEvaluationError) as caught:
        evaluate("? > 1", {})
    assert caught.value.expression == "? > 1"


def test_assert_fails_the_evaluation_with_its_cause() -> None:
    assert evaluate("assert(1, 1 > 0)", {}) == 1
    with pytest.raises(FeelEvaluationError, match="too small"):
        evaluate('assert(0, 0 > 1, "too small")', {})


def test_runaway_recursion_is_an_evaluation_error() -> None:
    with pytest.raises(FeelEvaluationError, match="recursion"):
        evaluate("{f: function(n) f(n + 1)}.f(1)", {})


def test_long_operator_chains_evaluate_without_recursion() -> None:
    from decimal import Decimal

    terms = 3000
    assert evaluate(" + ".join(["x"] * terms), {"x": Decimal(1)}) == terms
    assert evaluate(" and ".join(["x > 0"] * terms), {"x": Decimal(1)}) is True
    assert evaluate(" or ".join(["x < 0"] * terms), {"x": Decimal(1)}) is False


def test_absurd_nesting_is_rejected_as_invalid() -> None:
    with pytest.raises(FeelSyntaxError, match="nested too deeply"):
        compile_expression("(" * 2000 + "1" + ")" * 2000)
