"""Built-in functions as feel-scala evaluates them: regressions found by running feel-scala's
own test suite (src/test/scala/org/camunda/feel/impl/builtin/*) and the examples of Camunda's
FEEL docs (components/modeler/feel/builtin-functions) against this engine. Each table names the
spec it comes from."""

from __future__ import annotations

from typing import Any

import pytest

from engine.feel import evaluate, to_feel

from .support import num


def check(text: str, expected: Any, variables: dict[str, Any] | None = None) -> None:
    """The value and its type: ``True == Decimal(1)`` must not pass for a number result."""
    context = {name: to_feel(value) for name, value in (variables or {}).items()}
    result = evaluate(text, context)
    assert type(result) is type(expected)
    assert result == expected


# BuiltinNumberFunctionTest "use the given rounding mode" (Java RoundingMode names, any case);
# docs numeric functions: decimal(2.5, 0, "half_up") = 3.
DECIMAL_MODES = [
    ('decimal(5.5, 0, "UP")', num("6")),
    ('decimal(-5.5, 0, "DOWN")', num("-5")),
    ('decimal(-1.1, 0, "CEILING")', num("-1")),
    ('decimal(-1.1, 0, "FLOOR")', num("-2")),
    ('decimal(2.5, 0, "HALF_UP")', num("3")),
    ('decimal(-2.5, 0, "HALF_DOWN")', num("-2")),
    ('decimal(5.5, 0, "HALF_EVEN")', num("6")),
    ('decimal(2.5, 0, "half_up")', num("3")),
    ('decimal(1.5, 0, "CeiLing")', num("2")),
    ('decimal(1.0, 0, "UNNECESSARY")', num("1")),
    ('decimal(1.1, 0, "UNNECESSARY")', None),  # rounding would be necessary
    ('decimal(1.5, 0, "unknown")', None),
]

# Docs numeric functions: round up/down/half up/half down take an optional scale (default 0);
# DMN TCK 1141-1144: an explicit null scale is null.
ROUNDING = [
    ("round up(5.5)", num("6")),
    ("round up(-5.5)", num("-6")),
    ("round down (-5.5)", num("-5")),
    ("round half up(-5.5)", num("-6")),
    ("round half down (5.5)", num("5")),
    ("round up(n: 1.1)", num("2")),
    ("round up(1.121, 2)", num("1.13")),
    ("round up(5.5, null)", None),
    ("abs(number: -1)", num("1")),  # BuiltinNumberFunctionTest: both `n` and `number`
    ("abs(n: -1)", num("1")),
]

# BuiltinStringFunctionsTest (from base64, is blank) and InterpreterStringExpressionTest
# (escape sequences, \U with five hex digits as in the data-types docs).
STRINGS = [
    ('from base64("RkVFTA==")', "FEEL"),
    ('from base64(value: "Q2FtdW5kYQ==")', "Camunda"),
    ('from base64("!!!")', None),
    (r'is blank("\t\n\r\f")', True),
    (r'"a \b b \f c"', "a \b b \f c"),
    (r'"\U101EF"', "\U000101ef"),
    (r'"\u269D"', "\u269d"),
]

# BuiltinContextFunctionsTest (latest): parameter names `context`/`m`/`keys`, context merge with
# varargs, an empty path, and `context()` where a later duplicate key wins.
CONTEXTS = [
    ("get entries(context: {foo: 123})", [{"key": "foo", "value": num("123")}]),
    ('get value(context: {foo: 123}, key: "foo")', num("123")),
    ('get value(context: {x: {y: {z: 1}}}, keys: ["x"])', {"y": {"z": num("1")}}),
    ("get value({x: {y: {z: 1}}}, [])", None),
    ("context merge({x: 1}, {y: 2})", {"x": num("1"), "y": num("2")}),
    ("context merge({x: 1, y: 3}, {x: 2}, {y: 1})", {"x": num("2"), "y": num("1")}),
    ("get entries(context merge({d: 1, c: 2}, {b: 3})).key", ["d", "c", "b"]),
    ("context merge({}, 1)", None),
    ("context merge()", None),  # DMN TCK 1147 decision006
    ("context merge(contexts: [{x: 1}, {y: 2}])", {"x": num("1"), "y": num("2")}),
    ('context([{"key": "a", "value": 1}, {"key": "a", "value": 2}])', {"a": num("2")}),
]

# BuiltinRangeFunctionTest: named parameters after the DMN signatures, and overlaps before/after
# where the shared end is included on the other side.
RANGES = [
    ("before(point: 11, range: [5..10])", False),
    ("before(range1: [1..10], range2: (10..20])", True),
    ("after(point: 12, range: [1..10])", True),
    ("during(range1: [4..6], range2: [1..10])", True),
    ("overlaps before([1..5], (1..5])", True),
    ("overlaps before([1..5), (1..5])", True),
    ("overlaps before([1..5], [1..5])", False),
    ("overlaps after((1..5], [1..5])", True),
    ("overlaps after((1..5], [1..5))", True),
    ("overlaps after([1..5], [1..5))", False),
]

# Camunda docs conversion functions (from json / to json) and miscellaneous functions (fromAi).
JSON_AND_AI = [
    (
        'from json("{\\"a\\": 1, \\"b\\": [true, null, 1.5]}")',
        {"a": num("1"), "b": [True, None, num("1.5")]},
    ),
    ('from json("\\"2023-06-14\\"")', "2023-06-14"),  # strings stay strings
    ('from json("null")', None),
    ('from json("invalid")', None),
    ('from json("NaN")', None),
    ("to json({a: 1, b: 2})", '{"a":1,"b":2}'),
    ("to json(true)", "true"),
    ("to json([1.5, null])", "[1.5,null]"),
    ('to json(@"2023-06-14")', '"2023-06-14"'),
    ('to json(@"2025-11-24T10:00:00@Europe/Berlin")', '"2025-11-24T10:00:00+01:00[Europe/Berlin]"'),
    ('to json(@"P3Y")', '"P3Y"'),
    ('fromAi("A")', "A"),
    ('fromAi(value: 5, type: "number")', num("5")),
    ('fromAi(1, "d", "string", {enum: ["a"]}, {strict: true})', num("1")),
]


@pytest.mark.parametrize(
    ("text", "expected"), DECIMAL_MODES + ROUNDING + STRINGS + CONTEXTS + RANGES + JSON_AND_AI
)
def test_feel_scala_builtin(text: str, expected: Any) -> None:
    check(text, expected)


def test_docs_merge_example_calls_context_merge_with_two_contexts() -> None:
    # Camunda docs, list expressions, "Merge two lists".
    text = (
        "{ids: union(x.files.id, y.files.id),"
        " getById: function (files, fileId) get or else(files[id = fileId][1], {}),"
        " merge: for id in ids return context merge(getById(x.files, id), getById(y.files, id))"
        "}.merge"
    )
    files_x = [{"id": 1, "content": "a"}, {"id": 2, "content": "b"}]
    files_y = [{"id": 1, "content": "a2"}, {"id": 3, "content": "c"}]
    check(
        text,
        [
            {"id": num("1"), "content": "a2"},
            {"id": num("2"), "content": "b"},
            {"id": num("3"), "content": "c"},
        ],
        {"x": {"files": files_x}, "y": {"files": files_y}},
    )
