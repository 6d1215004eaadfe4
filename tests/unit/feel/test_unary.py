"""Unary tests (decision table input entries): every shape, fast path and general path alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.feel import compile_unary_tests, to_feel

from .support import num

CASES: list[tuple[str, Any, bool]] = [
    ("-", num("5"), True),
    ("", None, True),
    ("5", num("5"), True),
    ("5", num("6"), False),
    ("5", "5", False),
    ("-5", num("-5"), True),
    ("< 18", num("17"), True),
    ("< 18", num("18"), False),
    ("<= 18", num("18"), True),
    ("> 65", num("65.5"), True),
    (">= 65", num("64"), False),
    ("!= 3", num("4"), True),
    ("= 3", num("3"), True),
    ("< 18", "a", False),
    ("< 18", None, False),
    ("< 18", True, False),
    ("[18..65]", num("18"), True),
    ("[18..65]", num("65"), True),
    ("(18..65)", num("18"), False),
    ("]18..65[", num("64"), True),
    ("[18..65)", num("65"), False),
    ("(18..65]", num("65"), True),
    ("[18..65]", None, False),
    ('"a","b"', "b", True),
    ('"a","b"', "c", False),
    ('"a","b"', None, False),
    ('"a", < 5', num("3"), True),
    ("1, 2, 3", num("2"), True),
    ("< 5, > 10", num("7"), False),
    ("true", True, True),
    ("true", False, False),
    ("false", False, True),
    ("null", None, True),
    ("null", num("1"), False),
    ("not(1, 2)", num("3"), True),
    ("not(1, 2)", num("2"), False),
    ('not("a")', "b", True),
    ("not([1..5])", num("6"), True),
    ("not(< 5)", None, False),
    ("? > 3", num("4"), True),
    ("? > 3 and ? < 5", num("5"), False),
    ("x", num("2"), True),
    (">= x", num("2"), True),
    ("[x..x + 10]", num("12"), True),
    ("limits", num("2"), True),
    ("limits", num("4"), False),
    ('starts with(?, "ab")', "abc", True),
    ('date("2020-01-01")', to_feel(None), False),
    ('< date("2020-01-01")', __import__("datetime").date(2019, 12, 31), True),
    ('"a"', "a", True),
    ('>= "m"', "n", True),
    ("[1..5]", [num("1")], False),
    ("count(?) > 1", [num("1"), num("2")], True),
]


@pytest.mark.parametrize(("tests", "value", "expected"), CASES)
def test_unary_tests(tests: str, value: Any, expected: bool) -> None:
    context = {"x": num("2"), "limits": [num("1"), num("2")]}
    assert compile_unary_tests(tests).matches(value, context) is expected


def test_fast_paths_agree_with_the_general_rules() -> None:
    # `+ 0` defeats the constant fast path, so both routes see the same values.
    pairs = [("< 18", "< 18 + 0"), ("[1..5)", "[1..5 + 0)"), ('"a","b"', '"a","b" + ""')]
    values: list[Any] = [num("0"), num("1"), num("5"), num("17"), num("18"), "a", "b", None, True]
    for fast, general in pairs:
        for value in values:
            assert compile_unary_tests(fast).matches(value, {}) == compile_unary_tests(
                general
            ).matches(value, {}), (fast, value)


def test_compiled_tests_are_cached() -> None:
    assert compile_unary_tests("[1..2]") is compile_unary_tests("[1..2]")


def test_numbers_of_any_scale_match() -> None:
    assert compile_unary_tests("[1.0..2.00]").matches(Decimal("2"), {}) is True
