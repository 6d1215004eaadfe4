"""if/for/some/every, functions, contexts, ranges, ``in`` and ``instance of``."""

from __future__ import annotations

from typing import Any

import pytest

from engine.feel import FeelFunction, Range, evaluate, to_feel

from .support import feel, num


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('if 1 > 0 then "yes" else "no"', "yes"),
        ('if 1 < 0 then "yes" else "no"', "no"),
        ('if null then "yes" else "no"', "no"),
        ('if 5 then "yes" else "no"', "no"),
        ("for i in [1, 2, 3] return i * 2", [num("2"), num("4"), num("6")]),
        ("for i in 1..3 return i", [num("1"), num("2"), num("3")]),
        ("for i in 3..1 return i", [num("3"), num("2"), num("1")]),
        ("for x in [1, 2], y in [3, 4] return x * y", [num(v) for v in ("3", "4", "6", "8")]),
        (
            "for i in 1..4 return if i <= 2 then 1 else partial[-1] + partial[-2]",
            [num("1"), num("1"), num("2"), num("3")],
        ),
        ("for i in [] return i", []),
        ("for x in [[1, 2], [3]], y in x return y", [num("1"), num("2"), num("3")]),
        ("for i in [1..3) return i", [num("1"), num("2")]),
        ("for i in null return i", None),
        ("some x in [1, 2, 3] satisfies x > 2", True),
        ("some x in [1, 2, 3] satisfies x > 3", False),
        ("some x in [1, null] satisfies x > 1", None),
        ("every x in [1, 2, 3] satisfies x > 0", True),
        ("every x in [1, 2, 3] satisfies x > 1", False),
        ("every x in [] satisfies x > 1", True),
        ("every x in [2, null] satisfies x > 1", None),
    ],
)
def test_control_flow(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


def test_function_definitions_and_closures() -> None:
    assert evaluate("(function(a, b) a + b)(1, 2)", {}) == num("3")
    assert evaluate("{f: function(x) x * y, y: 3, r: f(2)}.r", {}) == num("6")
    assert evaluate("{f: function(a, b) a - b, r: f(b: 1, a: 5)}.r", {}) == num("4")
    assert evaluate("{f: function(a) a, r: f(1, 2)}.r", {}) is None
    assert evaluate("{fact: function(n) if n <= 1 then 1 else n * fact(n - 1)}.fact(5)", {}) == 120
    assert evaluate("sort([3, 1, 2], function(x, y) x > y)", {}) == [num("3"), num("2"), num("1")]


def test_functions_from_the_caller_are_callable_by_name_and_position() -> None:
    bkm = FeelFunction(("rate", "amount"), lambda args: args[0] * args[1], name="Interest")
    context = {"Interest": bkm, "x": num("100")}
    assert evaluate("Interest(0.5, x)", context) == num("50")
    assert evaluate("Interest(amount: x, rate: 0.1)", context) == num("10.0")
    assert evaluate("Interest(amount: x, unknown: 1)", context) is None


def test_iterating_over_dates_goes_day_by_day() -> None:
    import datetime as dt

    assert evaluate('for d in @"2024-02-28"..@"2024-03-01" return d', {}) == [
        dt.date(2024, 2, 28),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 1),
    ]


def test_context_keys_may_hold_operator_characters() -> None:
    assert evaluate('{foo+bar: 1, "a b": 2, c-d: {x/y: 3}}', {}) == {
        "foo+bar": num("1"),
        "a b": num("2"),
        "c-d": {"x/y": num("3")},
    }


def test_contexts_see_earlier_entries() -> None:
    assert evaluate('{a: 1, b: a + 1, "c d": b * 2}', {}) == {
        "a": num("1"),
        "b": num("2"),
        "c d": num("4"),
    }
    assert evaluate("{a: 1}.b", {}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1..5]", Range(num("1"), num("5"), True, True)),
        ("(1..5)", Range(num("1"), num("5"), False, False)),
        ("]1..5[", Range(num("1"), num("5"), False, False)),
        ("[1..5[", Range(num("1"), num("5"), True, False)),
        ("< 10", Range(None, num("10"), False, False)),
        (">= 10", Range(num("10"), None, True, False)),
        ('[1.."a"]', None),
        ("[1..5].start included", True),
        ("(1..5).end", num("5")),
    ],
)
def test_ranges(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 in [1..10]", True),
        ("5 in (5..10]", False),
        ("5 in [1, 5, 7]", True),
        ("5 in (1, 5, 7)", True),
        ("5 in (1, 7)", False),
        ("5 in < 10", True),
        ("5 in (< 3, > 4)", True),
        ('"b" in ["a", "b"]', True),
        ("[1, 2] in [[1, 2], [3]]", True),
        ("5 in 5", True),
        ("null in [1, null]", True),
        ("5 in [[1..3], [4..6]]", True),
        ("7 in [[1..3], [4..6]]", False),
    ],
)
def test_in(text: str, expected: Any) -> None:
    assert evaluate(text, {}) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 instance of number", True),
        ('"a" instance of string', True),
        ('"a" instance of number', False),
        ("true instance of boolean", True),
        ('date("2020-01-01") instance of date', True),
        ('date and time("2020-01-01T10:00:00") instance of date and time', True),
        ('time("10:00:00") instance of time', True),
        ('duration("P1D") instance of days and time duration', True),
        ('duration("P1Y") instance of years and months duration', True),
        ("[1] instance of list", True),
        ("{} instance of context", True),
        ("(function(x) x) instance of function", True),
        ("[1..2] instance of range", True),
        ("null instance of Any", False),
        ("1 instance of Any", True),
        ("null instance of null", True),
        ("(function(x) x) instance of function<Any>->Any", True),
        ("1 instance of function<>->Any", False),
    ],
)
def test_instance_of(text: str, expected: bool) -> None:
    assert evaluate(text, {}) is expected


def test_loops_over_variables() -> None:
    assert feel("for o in orders return o.total", orders=[{"total": 5}, {"total": 7}]) == [
        num("5"),
        num("7"),
    ]
    assert evaluate("sum(for i in xs return i)", {"xs": to_feel([1.5, 2.5])}) == num("4.0")
