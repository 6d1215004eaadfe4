"""JSON variables in, JSON results out, as Zeebe serialises FEEL values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.feel import DaysTimeDuration, Range, YearsMonthsDuration, evaluate, to_feel, to_json


@pytest.mark.parametrize(
    "value",
    [None, True, 0, -7, 2**62, 1.5, 0.1, "text", [1, "a", None], {"a": {"b": [1.25]}}, {}],
)
def test_json_round_trip(value: Any) -> None:
    assert to_json(to_feel(value)) == value


def test_to_feel_makes_numbers_decimal() -> None:
    assert to_feel(0.1) == Decimal("0.1")
    assert to_feel({"n": 3}) == {"n": Decimal(3)}
    assert isinstance(to_feel(True), bool)
    assert to_feel(float("nan")) is None


def test_feel_arithmetic_on_converted_json_is_exact() -> None:
    variables = to_feel({"a": 0.1, "b": 0.2})
    assert to_json(evaluate("a + b", variables)) == 0.3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3.0"), 3),
        (Decimal("1E+2"), 100),
        (Decimal("2.5"), 2.5),
        (dt.date(2020, 1, 2), "2020-01-02"),
        (dt.time(10, 30), "10:30"),
        (dt.time(10, 30, 5), "10:30:05"),
        (dt.time(10, 30, tzinfo=dt.UTC), "10:30:00Z"),
        (dt.datetime(2020, 1, 2, 10, 30), "2020-01-02T10:30:00"),
        (dt.datetime(2020, 1, 2, 10, 30, tzinfo=dt.UTC), "2020-01-02T10:30:00Z"),
        (
            dt.datetime(2020, 7, 2, 10, 30, tzinfo=ZoneInfo("Europe/Paris")),
            "2020-07-02T10:30:00+02:00",
        ),
        (DaysTimeDuration.of(days=1, hours=2), "P1DT2H"),
        (YearsMonthsDuration(14), "P1Y2M"),
        (Range(1, 2), None),
        ([Decimal(1), {"d": dt.date(2020, 1, 1)}], [1, {"d": "2020-01-01"}]),
    ],
)
def test_to_json_matches_zeebe(value: Any, expected: Any) -> None:
    assert to_json(value) == expected


def test_public_api_is_exactly_the_documented_surface() -> None:
    import engine.feel

    assert set(engine.feel.__all__) == {
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
    }
