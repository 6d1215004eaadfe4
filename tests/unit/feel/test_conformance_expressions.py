"""Expressions and temporal values as feel-scala evaluates them: regressions found by running
feel-scala's interpreter and conversion specs (src/test/scala/org/camunda/feel/impl/...) and
Camunda's FEEL docs against this engine. Each table names the spec it comes from."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.feel import (
    DaysTimeDuration,
    YearsMonthsDuration,
    compile_unary_tests,
    evaluate,
    to_feel,
)

from .support import num

BERLIN = ZoneInfo("Europe/Berlin")
PLUS_ONE = dt.timezone(dt.timedelta(hours=1))


def check(text: str, expected: Any, variables: dict[str, Any] | None = None) -> None:
    """The value and its type (a date-time must not pass for a date, nor a bool for 1)."""
    context = {name: to_feel(value) for name, value in (variables or {}).items()}
    result = evaluate(text, context)
    assert type(result) is type(expected)
    assert result == expected
    if isinstance(expected, (dt.datetime, dt.time)):
        assert result.tzinfo == expected.tzinfo


# BuiltinConversionFunctionsTest (latest) and the conversion docs.
CONVERSION = [
    ('time("T23:59:00")', dt.time(23, 59)),
    (
        'date and time(date("2012-12-24"), time("T23:59:00+01:00"))',
        dt.datetime(2012, 12, 24, 23, 59, tzinfo=PLUS_ONE),
    ),
    ('date and time("2012-12-24TT23:59:00")', None),
    (
        'date and time("2018-04-29T09:30:00+02:00[Europe/Berlin]")',
        dt.datetime(2018, 4, 29, 9, 30, tzinfo=BERLIN),
    ),
    (
        'date and time(@"2020-07-31T14:27:30@Europe/Berlin", "Z")',
        dt.datetime(2020, 7, 31, 12, 27, 30, tzinfo=dt.UTC),
    ),
    # A local date-time keeps its wall-clock time in the zone (Java's atZone).
    (
        'date and time(@"2020-07-31T14:27:30", "Z")',
        dt.datetime(2020, 7, 31, 14, 27, 30, tzinfo=dt.UTC),
    ),
    (
        'date and time(@"2020-07-31T14:27:30", "Europe/Berlin")',
        dt.datetime(2020, 7, 31, 14, 27, 30, tzinfo=BERLIN),
    ),
    (
        'date and time(@"2020-07-31T14:27:30Z", "+02:00")',
        dt.datetime(2020, 7, 31, 16, 27, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ),
    # Java's Duration/Period parsers take a sign per component.
    ('duration("PT-5M")', DaysTimeDuration.of(minutes=-5)),
    ('duration("P-1D")', DaysTimeDuration.of(days=-1)),
    ('duration("PT-3M-4S")', DaysTimeDuration.of(minutes=-3, seconds=-4)),
    ('duration("P-1Y-2M")', YearsMonthsDuration(-14)),
    ('duration("P-2M")', YearsMonthsDuration(-2)),
    # "convert zero-length days-time-duration" / "... years-months-duration".
    ('string(@"-PT0S")', "P0D"),
    ('string(@"PT0H0M0S")', "P0D"),
    ('string(@"P0Y0M")', "P0Y"),
    ('string(@"-P0M")', "P0Y"),
    ('string(@"-PT1S")', "-PT1S"),
]

# InterpreterListExpressionTest / InterpreterContextExpressionTest: items that are not comparable
# make lists and contexts unequal (not null); items whose filter is not a boolean are ignored
# (latest spec: "ignore items if the filter doesn't return a boolean or a number").
EXPRESSIONS = [
    ("[1] = [true]", False),
    ("[1] != [true]", True),
    ("{x: 1} = {x: true}", False),
    ("{x: 1} != {x: true}", True),
    ('[1, 2, 3, 4]["not a valid filter"]', []),
    ('[1, 2, 3, 4][if item = 1 then "x" else true]', [num("2"), num("3"), num("4")]),
    ("[1, 2, 3, 4][if item < 3 then true else null]", [num("1"), num("2")]),
    ("[1, 2, 3, 4][item > 2]", [num("3"), num("4")]),
    # `foo   bar` names the same entry as foo bar (feel-scala keeps names with whitespace).
    ("{foo   bar: 2}.`foo   bar`", num("2")),
    # InterpreterDateTimeExpressionTest / InterpreterUnaryTest: times with an offset are equal
    # only with the same offset (Java's OffsetTime.equals).
    ('time("10:00:00+01:00") = time("11:00:00+02:00")', False),
    ('time("10:00:00+01:00") = time("10:00:00+01:00")', True),
    ('time("10:00:00+01:00") < time("11:30:00+02:00")', True),
    # ValComparatorTest: zoned date-times compare like Java's equals (local value and offset);
    # ordering stays by instant. DMN TCK 0068: a zone id with the same offset is equal.
    ('@"2017-01-10T10:30:00+01:00" = @"2017-01-10T09:30:00Z"', False),
    ('@"2017-01-10T10:30:00+01:00" = @"2017-01-10T10:30:00+01:00"', True),
    ('@"2018-10-08T00:00:00+02:00" = @"2018-10-08T00:00:00@Europe/Paris"', True),
    ('@"2017-01-10T10:30:00+01:00" < @"2017-01-10T09:31:00Z"', True),
    # Camunda docs, boolean expressions, "Instance of": the hyphenated duration type names.
    ('duration("P1D") instance of day-time-duration', True),
    ('duration("P1Y") instance of year-month-duration', True),
    ('duration("P1Y") instance of day-time-duration', False),
]


@pytest.mark.parametrize(("text", "expected"), CONVERSION + EXPRESSIONS)
def test_feel_scala_expression(text: str, expected: Any) -> None:
    check(text, expected)


def test_function_parameter_names_with_several_spaces() -> None:
    # InterpreterFunctionTest "named parameter containing more than one whitespace".
    f = evaluate("function(test   name yada) `test   name yada` + 1", {})
    assert evaluate("f(test   name yada: 2)", {"f": f}) == num("3")


@pytest.mark.parametrize(
    ("tests", "value", "matches"),
    [
        ('time("11:00:00+02:00")', dt.time(10, tzinfo=PLUS_ONE), False),
        ('time("10:00:00+01:00")', dt.time(10, tzinfo=PLUS_ONE), True),
        ("[1,2]", [1, 2], True),
        ("[1]", [1, 2], False),
        ("[1,2,3]", 2, True),
    ],
)
def test_feel_scala_unary_tests(tests: str, value: Any, matches: bool) -> None:
    # InterpreterUnaryTest: a list input compares with a list; any other input is looked up.
    assert compile_unary_tests(tests).matches(to_feel(value), {}) is matches
