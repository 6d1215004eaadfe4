"""Timer texts parse as Zeebe reads them, and give the due times the runtime schedules."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from engine.model.timers import (
    INFINITE,
    CronCycle,
    IsoDuration,
    RepeatingInterval,
    TimerValueError,
    parse_cycle,
    parse_date,
    parse_duration,
)

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT15M", IsoDuration(millis=15 * 60_000)),
        ("PT1.5S", IsoDuration(millis=1500)),
        ("PT36H", IsoDuration(millis=36 * HOUR)),
        ("P1DT12H", IsoDuration(days=1, millis=12 * HOUR)),
        ("P2W", IsoDuration(days=14)),
        ("P1Y2M", IsoDuration(years=1, months=2)),
        ("-PT5M", IsoDuration(millis=-5 * 60_000)),
        ("pt10s", IsoDuration(millis=10_000)),
    ],
)
def test_durations(text: str, expected: IsoDuration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "15M", "PT1Y", "P1H", "PT5M3", "1 hour"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(TimerValueError, match="not an ISO-8601 duration"):
        parse_duration(text)


def test_exact_durations_add_milliseconds() -> None:
    start = parse_date("2026-03-28T12:00:00+01:00")
    assert parse_duration("PT24H").add_to(start, ZoneInfo("Europe/Berlin")) == start + DAY


def test_calendar_days_keep_the_wall_clock_time_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = parse_date("2026-03-28T12:00:00+01:00")
    # Clocks go forward on 29 March: one calendar day is 23 hours long.
    assert parse_duration("P1D").add_to(start, berlin) == start + 23 * HOUR
    assert parse_duration("P1D").add_to(start, berlin) == parse_date("2026-03-29T12:00:00+02:00")


def test_months_clamp_to_the_end_of_the_month() -> None:
    start = parse_date("2026-01-31T08:00:00Z")
    assert parse_duration("P1M").add_to(start, UTC) == parse_date("2026-02-28T08:00:00Z")
    assert parse_duration("P1Y1M").add_to(start, UTC) == parse_date("2027-02-28T08:00:00Z")


@pytest.mark.parametrize(
    ("text", "iso_utc"),
    [
        ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"),
        ("2026-01-01T18:00:00+08:00", "2026-01-01T10:00:00Z"),
        ("2026-01-01T18:00+08:00[Asia/Shanghai]", "2026-01-01T10:00:00Z"),
    ],
)
def test_dates_with_offsets(text: str, iso_utc: str) -> None:
    assert parse_date(text) == parse_date(iso_utc)


def test_date_keeps_milliseconds() -> None:
    assert parse_date("2026-01-01T10:00:00.250Z") - parse_date("2026-01-01T10:00:00Z") == 250


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-01-01T10:00:00", "with offset"),
        ("2026-01-01", "with offset"),
        ("2026-02-30T10:00:00Z", "not a valid date-time"),
        ("2026-01-01T10:00:00+08:00[Mars/Olympus]", "unknown time zone"),
    ],
)
def test_bad_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(TimerValueError, match=message):
        parse_date(text)


def test_repeating_intervals() -> None:
    assert parse_cycle("R3/PT10S") == RepeatingInterval(3, IsoDuration(millis=10_000))
    assert parse_cycle("R/P1D") == RepeatingInterval(INFINITE, IsoDuration(days=1))
    start = parse_date("2026-01-01T10:00:00Z")
    assert parse_cycle("R2/2026-01-01T10:00:00Z/PT1H") == RepeatingInterval(
        2, IsoDuration(millis=HOUR), start
    )


def test_repeating_interval_due_times() -> None:
    now = parse_date("2026-01-01T09:00:00Z")
    every_ten = parse_cycle("R3/PT10M")
    assert isinstance(every_ten, RepeatingInterval)
    assert every_ten.first_due(now, UTC) == now + 10 * 60_000
    assert every_ten.next_due(now + 10 * 60_000, now + 10 * 60_000, UTC) == now + 20 * 60_000
    # The engine was down for an hour: no burst of missed occurrences, one interval from now.
    late = now + HOUR
    assert every_ten.next_due(now + 10 * 60_000, late, UTC) == late + 10 * 60_000


def test_repeating_interval_with_start_date() -> None:
    cycle = parse_cycle("R/2026-01-01T10:00:00Z/PT1H")
    assert isinstance(cycle, RepeatingInterval)
    start = parse_date("2026-01-01T10:00:00Z")
    assert cycle.first_due(start - HOUR, UTC) == start
    # A start date in the past is overdue: due at once.
    assert cycle.first_due(start + 5, UTC) == start + 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("R3", "no interval"),
        ("Rx/PT1S", "repetitions count"),
        ("R3/soon", "not an ISO-8601 duration"),
        ("0 9 * * MON", "six fields"),
        ("every day", "neither a repeating interval"),
    ],
)
def test_bad_cycles_are_refused(text: str, message: str) -> None:
    with pytest.raises(TimerValueError, match=message):
        parse_cycle(text)


def test_cron_next_due_on_weekdays_in_the_given_zone() -> None:
    cycle = parse_cycle("0 0 9 * * MON-FRI")
    assert cycle == CronCycle("0 0 9 * * MON-FRI")
    shanghai = ZoneInfo("Asia/Shanghai")
    friday_ten = parse_date("2026-01-02T10:00:00+08:00")
    monday_nine = parse_date("2026-01-05T09:00:00+08:00")
    assert cycle.first_due(friday_ten, shanghai) == monday_nine
    assert cycle.next_due(monday_nine, monday_nine, shanghai) == monday_nine + DAY


def test_cron_day_of_month_and_day_of_week_must_both_match_as_in_spring() -> None:
    friday_13th = parse_cycle("0 0 0 13 * FRI")
    after = parse_date("2026-01-01T00:00:00Z")
    assert friday_13th.first_due(after, UTC) == parse_date("2026-02-13T00:00:00Z")


def test_cron_macros() -> None:
    daily = parse_cycle("@daily")
    assert daily == CronCycle("0 0 0 * * *")
    assert daily.first_due(parse_date("2026-01-01T10:00:00Z"), UTC) == parse_date(
        "2026-01-02T00:00:00Z"
    )


def test_durations_print_as_iso() -> None:
    assert [str(parse_duration(t)) for t in ("PT15M", "P1DT12H", "P1Y2M", "PT1H0.25S")] == [
        "PT15M",
        "P1DT12H",
        "P1Y2M",
        "PT1H0.250S",
    ]
