"""Days in astronomical years: ordinals against datetime, the Julian calendar against convertdate, index numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.dates.days import Day, day_to_julian, from_ymd, is_leap, julian_to_day, shift, years_between, ymd
from conftest import examples

EPOCH = dt.date(1970, 1, 1)
days = st.integers(-(10**9), 10**9).map(Day.from_ordinal)


@settings(max_examples=examples(500))
@given(st.dates())
def test_ordinals_agree_with_datetime(d: dt.date) -> None:
    day = Day(d.year, d.month, d.day)
    assert day.ordinal() == (d - EPOCH).days
    assert Day.from_ordinal(day.ordinal()) == day
    assert day.weekday() == d.weekday()
    assert day.isoformat() == d.isoformat()


@given(days)
def test_ordinal_round_trip_in_deep_time(day: Day) -> None:
    assert Day.from_ordinal(day.ordinal()) == day
    assert from_ymd(ymd(day)) == day
    assert 1 <= day.day <= 31 and 1 <= day.month <= 12


@given(st.integers(-(10**9), 10**9), st.integers(0, 800))
def test_index_numbers_keep_the_order_of_days(n: int, step: int) -> None:
    a, b = Day.from_ordinal(n), Day.from_ordinal(n + step)
    assert (ymd(a) < ymd(b)) == (a < b) == (step > 0)


@settings(max_examples=examples(500))
@given(st.dates(min_value=dt.date(1, 3, 1)))
def test_julian_agrees_with_convertdate(d: dt.date) -> None:
    from convertdate import julian

    day = Day(d.year, d.month, d.day)
    expected = julian.from_gregorian(d.year, d.month, d.day)
    assert day_to_julian(day) == tuple(expected)
    assert julian_to_day(*expected) == day


@given(days)
def test_julian_round_trip(day: Day) -> None:
    assert julian_to_day(*day_to_julian(day)) == day


@pytest.mark.parametrize(
    ("julian", "gregorian"),
    [
        ((-43, 3, 15), Day(-43, 3, 13)),  # the Ides of March, 44 BC
        ((1, 1, 1), Day(0, 12, 30)),  # 1 January AD 1 (Julian) fell in 1 BC (Gregorian)
        ((1582, 10, 4), Day(1582, 10, 14)),  # the last Julian day in Catholic Europe
        ((1752, 9, 2), Day(1752, 9, 13)),  # the last Julian day in Britain
    ],
)
def test_julian_days(julian: tuple[int, int, int], gregorian: Day) -> None:
    assert julian_to_day(*julian) == gregorian


@pytest.mark.parametrize(
    ("year", "leap"), [(0, True), (-1, False), (-4, True), (-100, False), (-400, True), (1900, False), (2000, True)],
)
def test_leap_years_count_back_through_year_0(year: int, leap: bool) -> None:
    assert is_leap(year) is leap


@pytest.mark.parametrize(
    ("day", "text"),
    [(Day(1934, 12, 1), "1934-12-01"), (Day(43, 1, 1), "0043-01-01"), (Day(0, 1, 1), "0000-01-01"),
     (Day(-529, 3, 15), "-0529-03-15"), (Day(-4000000, 1, 1), "-4000000-01-01")],
)
def test_isoformat(day: Day, text: str) -> None:
    assert day.isoformat() == text


def test_shift_crosses_the_era() -> None:
    assert shift(Day(1, 1, 1), -1, "d") == Day(0, 12, 31)
    assert shift(Day(1, 3, 1), -12, "m") == Day(0, 3, 1)
    assert shift(Day(-43, 3, 15), 2, "y") == Day(-41, 3, 15)


@settings(max_examples=examples(300))
@given(st.dates(), st.dates())
def test_years_between_agrees_with_relativedelta(a: dt.date, b: dt.date) -> None:
    from dateutil.relativedelta import relativedelta

    a, b = min(a, b), max(a, b)
    delta = relativedelta(b, a)
    assert years_between(Day(a.year, a.month, a.day), Day(b.year, b.month, b.day)) == (
        delta.years, delta.months, delta.days)


def test_years_between_across_the_era() -> None:
    # 563 BC to AD 43 is 605 years: there is no year 0 to count.
    assert years_between(Day(-562, 1, 1), Day(43, 1, 1)) == (605, 0, 0)
