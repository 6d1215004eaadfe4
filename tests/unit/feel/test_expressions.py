"""Literals, arithmetic, comparison, logic, names, paths and filters (FEEL docs examples)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.feel import evaluate, to_feel

from .support import feel, num


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", num("1")),
        ("-2.5", num("-2.5")),
        (".5", num("0.5")),
        ("1.23e4", num("12300")),
        ("1.23E-4", num("0.000123")),
        ('"a\\"b\\n"', 'a"b\n'),
        ('"\\u0041"', "A"),
        ("true", True),
        ("null", None),
        ("[1, 2]", [num("1"), num("2")]),
        ("{a: 1, 'b': 2}".replace("'", '"'), {"a": num("1"), "b": num("2")}),
        ("// comment\n1 /* and another */ + 1", num("2")),
    ],
)
def test_literals(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1 + 0.2", num("0.3")),
        ("1 + 2 * 3", num("7")),
        ("(1 + 2) * 3", num("9")),
        ("10 / 4", num("2.5")),
        ("1 / 3", Decimal("0.3333333333333333333333333333333333")),
        ("2 ** 10", num("1024")),
        ("-5 ** 2", num("25")),
        ("2 ** -1", num("0.5")),
        ("7 - 2 - 1", num("4")),
        ('"a" + "b"', "ab"),
        ("1 / 0", None),
        ('1 + "a"', None),
        ("1 + null", None),
        ("[] - 1", None),
        ("null and (1 > 0)", None),
        ("-null", None),
        ("100000000000000000000 * 100000000000000000000", Decimal("1E+40")),
    ],
)
def test_arithmetic(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 = 1.0", True),
        ("1 != 2", True),
        ("2 < 3", True),
        ("3 <= 3", True),
        ('"a" < "b"', True),
        ("true = true", True),
        ("null = null", True),
        ("1 = null", False),
        ("null != 1", True),
        ('1 = "1"', None),
        ("true < false", None),
        ('1 < "a"', None),
        ("[1, 2] = [1, 2]", True),
        ("[1, 2] = [2, 1]", False),
        ("{a: 1} = {a: 1}", True),
        ("{a: 1} = {a: 2}", False),
        ("5 between 1 and 10", True),
        ("11 between 1 and 10", False),
        ('"b" between "a" and "c"', True),
    ],
)
def test_comparison(text: str, expected: Any) -> None:
    assert evaluate(text, {}) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true and true", True),
        ("true and false", False),
        ("true and null", None),
        ("false and null", False),
        ("null and false", False),
        ("false and 1", False),
        ("true and 1", None),
        ("true or null", True),
        ("null or true", True),
        ("false or null", None),
        ("false or false", False),
        ("1 or false", None),
    ],
)
def test_three_valued_logic(text: str, expected: Any) -> None:
    assert evaluate(text, {}) is expected


def test_names_with_spaces_and_unicode() -> None:
    assert feel("Applicant Age >= 18", Applicant_Age=20) is True
    assert feel("申请人 年龄 + 1", 申请人_年龄=20) == num("21")
    assert evaluate("`a+b` * 2", {"a+b": num("3")}) == num("6")
    assert feel("Extra days case 1 + 1", Extra_days_case_1=2) == num("3")


def test_known_names_with_keywords_and_operators() -> None:
    from engine.feel import compile_expression

    names = frozenset({"values in a list", "Date-Time"})
    code = compile_expression("some i in values in a list satisfies i > 2", names)
    assert code.evaluate({"values in a list": to_feel([1, 3])}) is True
    code = compile_expression("Date-Time + 1", names)
    assert code.evaluate({"Date-Time": num("1")}) == num("2")


def test_missing_variables_are_null() -> None:
    assert evaluate("unknown", {}) is None
    assert evaluate("unknown.field", {}) is None
    assert evaluate("unknown + 1", {}) is None
    assert evaluate("unknown = null", {}) is True


def test_is_defined_is_false_for_null_and_missing_values() -> None:
    # Camunda 8.5 changed this: a null value is no longer "defined".
    assert evaluate("is defined(x)", {}) is False
    assert evaluate("is defined(x)", {"x": None}) is False
    assert evaluate("is defined(x.y)", {"x": {"y": 1}}) is True
    assert evaluate("is defined(x.z)", {"x": {}}) is False


def test_paths() -> None:
    data = {"order": to_feel({"customer": {"name": "Li"}, "items": [{"p": 1}, {"p": 2}]})}
    assert evaluate("order.customer.name", data) == "Li"
    assert evaluate("order.items.p", data) == [num("1"), num("2")]
    assert evaluate("order.missing", data) is None
    assert evaluate("{a: {b: 3}}.a.b", {}) == num("3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2, 3, 4][item > 2]", [num("3"), num("4")]),
        ("[1, 2, 3, 4][item > 10]", []),
        ("[1, 2, 3][1]", num("1")),
        ("[1, 2, 3][-1]", num("3")),
        ("[1, 2, 3][4]", None),
        ("[1, 2, 3][0]", None),
        ("[{a: 1}, {a: 2}][a = 2]", [{"a": num("2")}]),
        ("[{a: 1}, {a: 2}][item.a = 1].a", [num("1")]),
        ("[1, 2, 3][true]", [num("1"), num("2"), num("3")]),
        ("5[true]", None),  # feel-scala FeelInterpreterSpec: a scalar is not a list
        ("null[1]", None),
        ("[[1, 2], [3]][1][2]", num("2")),
    ],
)
def test_filters(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


def test_filter_index_from_variable() -> None:
    assert feel("xs[i]", xs=[10, 20, 30], i=2) == num("20")
