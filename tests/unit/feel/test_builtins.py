"""Built-in functions: expected values from the DMN 1.4 specification and Camunda's FEEL docs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.feel import evaluate

from .support import num


def n(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


STRING_CASES = [
    ('substring("foobar", 3)', "obar"),
    ('substring("foobar", 3, 3)', "oba"),
    ('substring("foobar", -2, 1)', "a"),
    ('substring(string: "foobar", start position: 2, length: 2)', "oo"),
    ('string length("foo")', num("3")),
    ('string length("😀")', num("1")),
    ('upper case("aBc4")', "ABC4"),
    ('lower case("aBc4")', "abc4"),
    ('substring before("foobar", "bar")', "foo"),
    ('substring before("foobar", "xyz")', ""),
    ('substring after("foobar", "ob")', "ar"),
    ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
    ('replace("Abc", "b", "X", "i")', "AXc"),
    ('contains("foobar", "of")', False),
    ('starts with("foobar", "fo")', True),
    ('ends with("foobar", "r")', True),
    ('matches("foobar", "^fo*b")', True),
    ('matches("FOO", "foo", "i")', True),
    ('split("John Doe", "\\s")', ["John", "Doe"]),
    ('split("a;b;c;;", ";")', ["a", "b", "c", "", ""]),
    ('extract("references are 1234, 1256, 1378", "12[0-9]*")', ["1234", "1256"]),
    ('string join(["a", "b", "c"], ", ")', "a, b, c"),
    ('string join(["a", null, "c"])', "ac"),
    ('string join(["a", "b"], ", ", "[", "]")', "[a, b]"),
    ('string join(["a", 1])', None),
    ('trim("  hello  ")', "hello"),
    ('is blank("  ")', True),
    ('to base64("FEEL")', "RkVFTA=="),
    ("string length(1)", None),
    ("upper case(null)", None),
]

NUMERIC_CASES = [
    ("decimal(1/3, 2)", num("0.33")),
    ("decimal(1.5, 0)", num("2")),
    ("decimal(2.5, 0)", num("2")),
    ("floor(1.5)", num("1")),
    ("floor(-1.56, 1)", num("-1.6")),
    ("ceiling(1.5)", num("2")),
    ("ceiling(-1.56, 1)", num("-1.5")),
    ("round up(5.5, 0)", num("6")),
    ("round up(-5.5, 0)", num("-6")),
    ("round down(5.5, 0)", num("5")),
    ("round half up(5.5, 0)", num("6")),
    ("round half up(1.121, 2)", num("1.12")),
    ("round half down(5.5, 0)", num("5")),
    ("round half down(-5.5, 0)", num("-5")),
    ("abs(-10)", num("10")),
    ("modulo(12, 5)", num("2")),
    ("modulo(-12, 5)", num("3")),
    ("modulo(12, -5)", num("-3")),
    ("modulo(10.1, 4.5)", num("1.1")),
    ("modulo(1, 0)", None),
    ("sqrt(16)", num("4")),
    ("sqrt(-1)", None),
    ("odd(5)", True),
    ("even(5)", False),
    ("even(2.5)", None),
    ("floor(1.56, null)", None),
    ('number("1 000,5", " ", ",")', num("1000.5")),
    ('number("1,000.21", ",", ".")', num("1000.21")),
    ('number("12")', num("12")),
    ('number("abc")', None),
]

LIST_CASES = [
    ("list contains([1, 2, 3], 2)", True),
    ("list contains([1, null], null)", True),
    ("count([1, 2, 3])", num("3")),
    ("min([1, 2, 3])", num("1")),
    ("min(1, 2, 3)", num("1")),
    ('max(["a", "c", "b"])', "c"),
    ("max([])", None),
    ('min([1, "a"])', None),
    ("sum([1, 2, 3])", num("6")),
    ("sum(1, 2, 3)", num("6")),
    ("sum([])", None),
    ("product([2, 3, 4])", num("24")),
    ("mean([1, 2, 3])", num("2")),
    ("median([8, 2, 5, 3, 4])", num("4")),
    ("median([6, 1, 2, 3])", num("2.5")),
    ("mode([6, 3, 9, 6, 6])", n("6")),
    ("mode([6, 1, 9, 6, 1])", n("1", "6")),
    ("mode([])", []),
    ("stddev([2, 4, 7, 5])", Decimal("2.081665999466132735282297706979931")),
    ("all([true, false])", False),
    ("all([true, null])", None),
    ("all([])", True),
    ("and(true, true)", True),
    ("any([false, true])", True),
    ("any([false, null])", None),
    ("or([])", False),
    ("sublist([4, 5, 6], 1, 2)", n("4", "5")),
    ("sublist([4, 5, 6], -1)", n("6")),
    ("append([1], 2, 3)", n("1", "2", "3")),
    ("concatenate([1, 2], [3])", n("1", "2", "3")),
    ("insert before([1, 3], 1, 2)", n("2", "1", "3")),
    ("remove([1, 2, 3], 2)", n("1", "3")),
    ("reverse([1, 2, 3])", n("3", "2", "1")),
    ("index of([1, 2, 3, 2], 2)", n("2", "4")),
    ("union([1, 2], [2, 3])", n("1", "2", "3")),
    ("distinct values([1, 2, 3, 2, 1])", n("1", "2", "3")),
    ("duplicate values([1, 2, 3, 2, 1])", n("1", "2")),
    ("flatten([[1, 2], [[3]], 4])", n("1", "2", "3", "4")),
    ("sort([3, 1, 4, 2], function(x, y) x < y)", n("1", "2", "3", "4")),
    ("sort(list: [3, 1], precedes: function(x, y) x < y)", n("1", "3")),
    ("is empty([])", True),
    ("partition([1, 2, 3, 4, 5], 2)", [n("1", "2"), n("3", "4"), n("5")]),
    ("count(5)", None),
    ("list replace([1, 2, 3], 2, 4)", n("1", "4", "3")),
    ("list replace([1, 2, 3], -1, 4)", n("1", "2", "4")),
    ("list replace([2, 4, 7], function(item, newItem) item < newItem, 5)", n("5", "5", "7")),
    ("list replace([1], 3, 4)", None),
]

CONTEXT_BOOLEAN_CASES = [
    ('get value({a: 1}, "a")', num("1")),
    ('get value({a: {b: 2}}, ["a", "b"])', num("2")),
    ('get value({a: 1}, "b")', None),
    ("get entries({a: 1})", [{"key": "a", "value": num("1")}]),
    ('context put({x: 1}, "y", 2)', {"x": num("1"), "y": num("2")}),
    (
        'context put({x: 1, y: {a: 0}}, ["y", "a"], 2)',
        {"x": num("1"), "y": {"a": num("2")}},
    ),
    ("context merge([{x: 1}, {y: 2}, {x: 3}])", {"x": num("3"), "y": num("2")}),
    ('context([{key: "a", value: 1}])', {"a": num("1")}),
    # feel-scala BuiltinContextFunctionsTest "override entries in order": the last key wins.
    ('context([{key: "a", value: 1}, {key: "a", value: 2}])', {"a": num("2")}),
    ('context({key: "a", value: 1})', {"a": num("1")}),
    ("not(true)", False),
    ("not(null)", None),
    ("not(1)", None),
    ("is defined(1)", True),
    ("get or else(null, 2)", num("2")),
    ("get or else(1, 2)", num("1")),
]

RANGE_CASES = [
    ("before(1, 10)", True),
    ("before(10, 1)", False),
    ("before([1..5], 10)", True),
    ("before([1..5), [5..10])", True),
    ("before([1..5], [5..10])", False),
    ("after(10, [1..5])", True),
    ("meets([1..5], [5..10])", True),
    ("meets([1..5), [5..10])", False),
    ("met by([5..10], [1..5])", True),
    ("overlaps([1..5], [3..8])", True),
    ("overlaps([1..5], [6..8])", False),
    ("overlaps before([1..5], [3..8])", True),
    ("overlaps after([3..8], [1..5])", True),
    ("finishes(5, [1..5])", True),
    ("finishes([3..5], [1..5])", True),
    ("finished by([1..5], 5)", True),
    ("includes([1..10], 5)", True),
    ("includes([1..10], [4..6])", True),
    ("during(5, [1..10])", True),
    ("during([4..6], [1..10])", True),
    ("starts(1, [1..5])", True),
    ("starts((1..3], [1..5])", False),
    ("started by([1..5], [1..3])", True),
    ("coincides(5, 5)", True),
    ("coincides([1..5], [1..5])", True),
    ('range("[1..5)")', evaluate("[1..5)", {})),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    STRING_CASES + NUMERIC_CASES + LIST_CASES + CONTEXT_BOOLEAN_CASES + RANGE_CASES,
)
def test_builtin(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


def test_unknown_function_and_wrong_arity_give_null() -> None:
    assert evaluate("no such function(1)", {}) is None
    assert evaluate("string length()", {}) is None
    assert evaluate('string length("a", "b")', {}) is None
    assert evaluate('substring(unknown: "a")', {}) is None


def test_uuid_and_random_have_the_right_shape() -> None:
    assert len(evaluate("uuid()", {})) == 36
    value = evaluate("random number()", {})
    assert isinstance(value, Decimal) and 0 <= value < 1
