"""Unary tests (DMN input entries) as feel-scala evaluates them: regressions found by running
feel-scala's InterpreterUnaryTest.scala (latest, src/test/scala/org/camunda/feel/impl/
interpreter/) and FeelInterpreterSpec.scala against this engine. A null result of feel-scala's
``evaluateUnaryTests`` is "no match" here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.feel import compile_unary_tests, evaluate, to_feel


def matches(text: str, input_value: Any, variables: dict[str, Any] | None = None) -> bool:
    context = {name: to_feel(value) for name, value in (variables or {}).items()}
    return compile_unary_tests(text).matches(to_feel(input_value), context)


# InterpreterUnaryTest: "A unary-tests expression" that reads `?` is a condition: only a
# boolean result decides it, a number or null is null (it is not compared with the input).
INPUT_CONDITIONS = [
    ("abs(?)", 5, False),
    ("?", 5, False),
    ("? < 10", None, False),
    ("odd(?)", None, False),
    ("5 < ? and ? < 10", None, False),
    ("5 < ? or ? < 10", None, False),
    ("? = null", None, True),
    ("odd(?) or ? = null", None, True),
    ("? != null", None, False),
    ("odd(?)", 5, True),
    ("abs(?) < 10", 5, True),
    ("even(?)", 5, False),
    ("list contains([481, 485, 551, 483], ?)", 481, True),
    ("list contains([481, 485, 551, 483], ?)", 999, False),
    # FeelInterpreterSpec "evaluate with ? reference"
    ("? * 2 = 10", 5, True),
]


@pytest.mark.parametrize(("text", "input_value", "expected"), INPUT_CONDITIONS)
def test_a_test_reading_the_input_is_decided_by_its_boolean(
    text: str, input_value: Any, expected: bool
) -> None:
    assert matches(text, input_value) is expected


# InterpreterUnaryTest: a test without `?` still compares its value with the input, so a null
# value matches a null input and a list matches an input it contains.
IMPLICIT_VALUE = [
    ("2 + not_existing", None, True),
    ("not_existing", None, True),
    ("not_existing", 5, False),
    ("2 + 3", 5, True),
    ("concatenate([1,2,3], [4,5,6])", 5, True),
    ("not(not_existing)", 5, True),
    ("not(not_existing)", None, False),
]


@pytest.mark.parametrize(("text", "input_value", "expected"), IMPLICIT_VALUE)
def test_a_test_without_the_input_compares_its_value(
    text: str, input_value: Any, expected: bool
) -> None:
    assert matches(text, input_value) is expected


# FeelInterpreterSpec "return null for index on scalar" / "filter on scalar with false" /
# "not convert scalar to list for item filter", InterpreterListExpressionTest "return null if the
# value is not a list": only a list can be filtered.
SCALAR_FILTERS = [
    "true[1]",
    '"Foo"[1]',
    "100[1]",
    "true[false]",
    '"foo"[false]',
    "3[item > 2]",
    "2[even(item)]",
]


@pytest.mark.parametrize("text", SCALAR_FILTERS)
def test_a_filter_on_a_scalar_is_null(text: str) -> None:
    assert evaluate(text, {}) is None


def test_a_filter_on_a_list_still_filters() -> None:
    assert evaluate("[3][item > 2]", {}) == [Decimal(3)]
