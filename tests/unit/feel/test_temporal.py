"""Dates, times, date-times and durations: literals, arithmetic, properties, built-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.clock import ControlledClock
from engine.feel import DaysTimeDuration, YearsMonthsDuration, compile_expression, evaluate

from .support import num

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('date("2020-01-31")', dt.date(2020, 1, 31)),
        ('@"2020-01-31"', dt.date(2020, 1, 31)),
        ("date(2020, 2, 29)", dt.date(2020, 2, 29)),
        ("date(2021, 2, 29)", None),
        ('date("2020-13-01")', None),
        ('date(date and time("2020-01-02T10:00:00"))', dt.date(2020, 1, 2)),
        ('time("10:30:00")', dt.time(10, 30)),
        ('time("10:30:00.5")', dt.time(10, 30, 0, 500000)),
        ('@"10:30:00Z"', dt.time(10, 30, tzinfo=dt.UTC)),
        ('time("25:00:00")', None),
        ('date and time("2020-01-01T10:00:00")', dt.datetime(2020, 1, 1, 10)),
        ('date and time("2020-01-01")', dt.datetime(2020, 1, 1)),
        ('@"2020-01-01T10:00:00@Europe/Paris"', dt.datetime(2020, 1, 1, 10, tzinfo=PARIS)),
        ('@"2020-01-01T24:00:00"', dt.datetime(2020, 1, 2)),
        (
            'date and time(date("2020-01-01"), time("10:00:00Z"))',
            dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC),
        ),
        ('duration("P1DT2H3M4.5S")', DaysTimeDuration.of(1, 2, 3, num("4.5"))),
        ('duration("-PT1H")', DaysTimeDuration(num("-3600"))),
        ('duration("P1Y2M")', YearsMonthsDuration(14)),
        ('duration("P1Y2D")', None),
        ('duration("P")', None),
    ],
)
def test_construction(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('date("2020-01-31") + duration("P1M")', dt.date(2020, 2, 29)),
        ('date("2020-03-01") - duration("P1D")', dt.date(2020, 2, 29)),
        ('duration("P1D") + date("2020-02-28")', dt.date(2020, 2, 29)),
        ('date("2021-03-01") - date("2021-01-01")', DaysTimeDuration.of(days=59)),
        (
            'date and time("2020-01-01T10:00:00") - date and time("2019-12-31T09:00:00")',
            DaysTimeDuration.of(days=1, hours=1),
        ),
        ('time("23:00:00") + duration("PT2H")', dt.time(1, 0)),
        ('time("10:00:00") - time("08:30:00")', DaysTimeDuration.of(minutes=90)),
        ('duration("P1D") * 2', DaysTimeDuration.of(days=2)),
        ('duration("P1D") / duration("PT12H")', num("2")),
        ('duration("P1Y") / 2', YearsMonthsDuration(6)),
        ('duration("P1Y") + duration("P2M")', YearsMonthsDuration(14)),
        ('duration("P1Y") + duration("P1D")', None),
        ('date("2020-01-01") + 1', None),
        ('date("2020-01-01") < date("2020-01-02")', True),
        ('duration("PT1H") < duration("PT2H")', True),
        ('date("2020-01-01") < date and time("2020-01-02T00:00:00")', None),
        ('@"2020-01-01T10:00:00" < @"2020-01-01T10:00:00Z"', None),
        ('@"2020-01-01T10:00:00Z" < @"2020-01-01T12:00:00+01:00"', True),
    ],
)
def test_arithmetic_and_comparison(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('date("2020-02-15").year', num("2020")),
        ('date("2020-02-15").month', num("2")),
        ('date("2020-02-15").day', num("15")),
        ('date("2020-02-15").weekday', num("6")),
        ('time("10:20:30").second', num("30")),
        ('date and time("2020-01-01T10:00:00+02:00").time offset', DaysTimeDuration.of(hours=2)),
        ('date and time("2020-01-01T10:00:00@Europe/Paris").timezone', "Europe/Paris"),
        ('duration("P1DT2H30M").days', num("1")),
        ('duration("P1DT2H30M").hours', num("2")),
        ('duration("P1DT2H30M").minutes', num("30")),
        ('duration("-P1DT2H").hours', num("-2")),
        ('duration("P2Y3M").years', num("2")),
        ('duration("P2Y3M").months', num("3")),
        (
            'years and months duration(date("2011-12-22"), date("2013-08-24"))',
            YearsMonthsDuration(20),
        ),
        ('day of year(date("2019-09-17"))', num("260")),
        ('day of week(date("2019-09-17"))', "Tuesday"),
        ('week of year(date("2019-09-17"))', num("38")),
        ('month of year(date("2019-09-17"))', "September"),
        ('last day of month(date("2020-02-10"))', dt.date(2020, 2, 29)),
        ('abs(duration("-PT5M"))', DaysTimeDuration.of(minutes=5)),
        ('is(time("23:00:50Z"), time("23:00:50"))', False),
        ('is(date("2020-01-01"), date("2020-01-01"))', True),
    ],
)
def test_properties_and_functions(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('string(date("2020-01-01"))', "2020-01-01"),
        ('string(time("10:30:00"))', "10:30:00"),
        ('string(@"2020-01-01T10:00:00@Europe/Paris")', "2020-01-01T10:00:00@Europe/Paris"),
        ('string(@"2020-01-01T10:00:00.25+05:30")', "2020-01-01T10:00:00.25+05:30"),
        ('string(duration("P1DT2H"))', "P1DT2H"),
        # feel-scala BuiltinConversionFunctionsTest "convert zero-length days-time-duration".
        ('string(duration("PT0S"))', "P0D"),
        ('string(duration("P14M"))', "P1Y2M"),
        ('string(-duration("P1Y"))', "-P1Y"),
    ],
)
def test_printing(text: str, expected: str) -> None:
    assert evaluate(text, {}) == expected


def test_now_and_today_read_the_injected_clock() -> None:
    clock = ControlledClock()
    expression = compile_expression("today()")
    before = expression.evaluate({}, clock=clock)
    clock.advance(3 * 86_400_000)
    assert expression.evaluate({}, clock=clock) == before + dt.timedelta(days=3)
    now = compile_expression("now()").evaluate({}, clock=clock)
    assert isinstance(now, dt.datetime) and now.tzinfo is not None
    assert now.date() == before + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('cycle(duration("PT1H"))', "R/PT1H"),
        ('cycle(3, duration("P1D"))', "R3/P1D"),
        ("cycle(3)", None),
        (
            'string(date and time(@"2020-07-31T14:27:30@Europe/Berlin", "America/Los_Angeles"))',
            "2020-07-31T05:27:30@America/Los_Angeles",
        ),
    ],
)
def test_camunda_extensions(text: str, expected: Any) -> None:
    assert evaluate(text, {}) == expected
