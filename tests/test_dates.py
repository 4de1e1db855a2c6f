"""EDTF parsing (against the edtf package), both calendars (against convertdate), human dates, user input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.dates.calendars import check_old_style, gregorian_to_julian, julian_to_gregorian, parse_old_style
from chrono.dates.days import Day, shift
from chrono.dates.edtf import DateError, format_edtf, parse_edtf
from chrono.dates.human import human
from chrono.dates.user import parse_month_day, parse_user_date
from conftest import examples

D = Day


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("1934", D(1934, 1, 1), D(1934, 12, 31), "year"),
        ("1934-12", D(1934, 12, 1), D(1934, 12, 31), "month"),
        ("1934-02", D(1934, 2, 1), D(1934, 2, 28), "month"),
        ("1936-02", D(1936, 2, 1), D(1936, 2, 29), "month"),
        ("1934-12-01", D(1934, 12, 1), D(1934, 12, 1), "day"),
        ("193X", D(1930, 1, 1), D(1939, 12, 31), "decade"),
        ("1930-21", D(1930, 3, 1), D(1930, 5, 31), "season"),
        ("1930-22", D(1930, 6, 1), D(1930, 8, 31), "season"),
        ("1930-23", D(1930, 9, 1), D(1930, 11, 30), "season"),
        ("1932-24", D(1932, 12, 1), D(1933, 2, 28), "season"),
        ("1935-24", D(1935, 12, 1), D(1936, 2, 29), "season"),
        ("1926~", D(1926, 1, 1), D(1926, 12, 31), "year"),
        ("1929?", D(1929, 1, 1), D(1929, 12, 31), "year"),
        ("1930-03%", D(1930, 3, 1), D(1930, 3, 31), "month"),
        ("1923/1925", D(1923, 1, 1), D(1925, 12, 31), "interval"),
        ("1934-12-01/1935-02", D(1934, 12, 1), D(1935, 2, 28), "interval"),
        ("1930/..", D(1930, 1, 1), None, "interval"),
        ("../1930", None, D(1930, 12, 31), "interval"),
        ("193X/1945", D(1930, 1, 1), D(1945, 12, 31), "interval"),
    ],
)
def test_parse_edtf(text: str, earliest: D | None, latest: D | None, precision: str) -> None:
    span = parse_edtf(text)
    assert (span.earliest, span.latest, span.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1934-13-01", "month 13"),
        ("1934-02-30", "day 30"),
        ("1934-13", "month 13"),
        ("19345", "four digits"),
        ("1934/1933", r"ends \(1933\) before it starts"),
        ("Dec 1934", "expected YYYY"),
        ("", "empty"),
        (" 1934", "spaces"),
        ("../..", "at least one known end"),
        ("1930/", "open end"),
        ("-0000", "1 BC is 0000"),
        ("Y1234", "more than four digits"),
        ("Y-0012345", "expected"),
        ("1934-00", "month 00"),
        ("1934-12-1", "expected"),
        ("1934/1935/1936", "one '/'"),
        ("١٩٣٤", "expected YYYY"),
        ("1934-１２", "expected YYYY"),
        ("١٩٣X", "expected YYYY"),
    ],
)
def test_parse_edtf_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_edtf(text)


# Oracle: the edtf package agrees on every value of the subset it also accepts.

years = st.integers(1000, 2999).map(lambda y: f"{y:04d}")
months = st.integers(1, 12).map(lambda m: f"{m:02d}")
qualifier = st.sampled_from(["", "?", "~", "%"])


@st.composite
def edtf_points(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["year", "month", "day", "decade", "season"]))
    y = draw(years)
    if kind == "year":
        return y + draw(qualifier)
    if kind == "decade":
        return y[:3] + "X"
    if kind == "season":
        return f"{y}-{draw(st.sampled_from(['21', '22', '23', '24']))}"
    m = draw(months)
    if kind == "month":
        return f"{y}-{m}" + draw(qualifier)
    day = draw(st.integers(1, 31))
    return f"{y}-{m}-{day:02d}" + draw(qualifier)


@st.composite
def edtf_values(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(edtf_points())
    a, b = draw(edtf_points()), draw(edtf_points())
    if draw(st.integers(0, 5)) == 0:
        return f"{a}/.." if draw(st.booleans()) else f"../{b}"
    return f"{a}/{b}"


def _edtf_bounds(text: str) -> tuple[D | None, D | None] | None:
    from edtf import parse_edtf as oracle
    from edtf import struct_time_to_date

    try:
        value = oracle(text)
    except Exception:  # noqa: BLE001 - the oracle rejects it
        return None

    def bound(method: str) -> D | None:
        try:
            found = struct_time_to_date(getattr(value, method)())
            return D(found.year, found.month, found.day)
        except (TypeError, ValueError, OverflowError):
            return None

    return bound("lower_strict"), bound("upper_strict")


@settings(max_examples=examples(400), deadline=None)
@given(edtf_values())
def test_parse_edtf_agrees_with_edtf_package(text: str) -> None:
    expected = _edtf_bounds(text)
    try:
        span = parse_edtf(text)
    except DateError:
        # chrono rejects it: edtf must too, unless it is an interval that ends before it starts, or holds
        # 29 February of a common year, which the edtf package accepts for any year.
        if expected is not None:
            import calendar

            lower, upper = expected
            false_leap_day = any(not calendar.isleap(int(y)) for y in re.findall(r"(\d{4})-02-29", text))
            assert false_leap_day or (lower is not None and upper is not None and lower > upper), text
        return
    if expected is None:
        # chrono's extensions: decades and seasons combined with qualifiers or inside intervals.
        assert re.search(r"X|-2[1-4]", text), f"edtf rejects {text!r} but chrono accepts it"
        return
    lower, upper = expected
    if not text.startswith(".."):
        assert span.earliest == lower
    # The edtf package ends winter (-24) on 31 December; the chronology format runs it to February.
    if not text.endswith("..") and not text.endswith("-24"):
        assert span.latest == upper


@given(edtf_values())
def test_round_trip_parse_format_parse(text: str) -> None:
    try:
        span = parse_edtf(text)
    except DateError:
        return
    assert format_edtf(span) == text
    assert parse_edtf(format_edtf(span)) == span


@given(edtf_values())
def test_earliest_never_after_latest(text: str) -> None:
    try:
        span = parse_edtf(text)
    except DateError:
        return
    if span.earliest and span.latest:
        assert span.earliest <= span.latest


@given(edtf_values())
def test_human_date_of_every_valid_value(text: str) -> None:
    try:
        parse_edtf(text)
    except DateError:
        return
    shown = human(text)
    assert shown and "\n" not in shown


# Calendars


@pytest.mark.parametrize(
    ("julian", "gregorian"),
    [
        ((1582, 10, 5), D(1582, 10, 15)),
        ((1700, 2, 19), D(1700, 3, 1)),
        ((1861, 2, 19), D(1861, 3, 3)),  # emancipation of the serfs
        ((1878, 12, 6), D(1878, 12, 18)),  # Stalin's birth
        ((1879, 10, 26), D(1879, 11, 7)),  # Trotsky's birth
        ((1886, 3, 15), D(1886, 3, 27)),  # Kirov's birth
        ((1900, 2, 28), D(1900, 3, 12)),
        ((1900, 2, 29), D(1900, 3, 13)),  # a Julian leap day the Gregorian calendar does not have
        ((1905, 12, 12), D(1905, 12, 25)),  # Tammerfors conference
        ((1917, 3, 12), D(1917, 3, 25)),
        ((1917, 4, 3), D(1917, 4, 16)),  # Lenin at the Finland Station
        ((1917, 10, 25), D(1917, 11, 7)),  # the October Revolution
        ((1918, 1, 31), D(1918, 2, 13)),  # the last Old Style day in Russia
    ],
)
def test_old_style_pairs(julian: tuple[int, int, int], gregorian: D) -> None:
    assert julian_to_gregorian(*julian) == gregorian
    assert gregorian_to_julian(gregorian) == julian


@settings(max_examples=examples(500))
@given(st.dates(min_value=dt.date(1582, 10, 15), max_value=dt.date(2100, 12, 31)).map(lambda d: D(*d.timetuple()[:3])))
def test_calendars_agree_with_convertdate(day: D) -> None:
    from convertdate import julian

    expected = julian.from_gregorian(day.year, day.month, day.day)
    assert gregorian_to_julian(day) == tuple(expected)
    assert julian_to_gregorian(*expected) == day


@given(st.integers(-(10**9), 10**7).map(D.from_ordinal))
def test_julian_round_trip(day: D) -> None:
    assert julian_to_gregorian(*gregorian_to_julian(day)) == day


def test_check_old_style() -> None:
    assert check_old_style("1917-10-25", "1917-11-07") is None
    assert "1917-11-07" in check_old_style("1917-10-25", "1917-11-08")
    assert check_old_style("1917-04-24/1917-04-29", "1917-05-07/1917-05-12") is None
    assert "day-precision" in check_old_style("1917-10-25", "1917-11")
    with pytest.raises(DateError):
        parse_old_style("1917-02-30")
    assert parse_old_style("1900-02-29").gregorian == (D(1900, 3, 13),)


# Human dates


@pytest.mark.parametrize(
    ("edtf", "date_os", "calendar", "shown"),
    [
        ("1934-12-01", None, "both", "1 Dec 1934"),
        ("1924-01", None, "both", "Jan 1924"),
        ("1928", None, "both", "1928"),
        ("193X", None, "both", "1930s"),
        ("1926~", None, "both", "c. 1926"),
        ("1929?", None, "both", "1929?"),
        ("1926%", None, "both", "c. 1926?"),
        ("1930-21", None, "both", "spring 1930"),
        ("1932-24", None, "both", "winter 1932\u201333"),
        ("1923/1925", None, "both", "1923\u20131925"),
        ("../1930", None, "both", "until 1930"),
        ("1930/..", None, "both", "from 1930"),
        ("1934-12-01/1934-12-02", None, "both", "1\u20132 Dec 1934"),
        ("1917-04/1917-05", None, "both", "Apr\u2013May 1917"),
        ("1930-22/1930-23", None, "both", "summer\u2013autumn 1930"),
        ("1930-22/1931-22", None, "both", "summer 1930 \u2013 summer 1931"),
        ("1930-23/1930-24", None, "both", "autumn 1930 \u2013 winter 1930\u201331"),
        ("1934-12-25/1935-01-03", None, "both", "25 Dec 1934 \u2013 3 Jan 1935"),
        ("1917-11-07", "1917-10-25", "both", "25 Oct (7 Nov) 1917"),
        ("1917-11-07", "1917-10-25", "julian", "25 Oct 1917 O.S."),
        ("1917-11-07", "1917-10-25", "gregorian", "7 Nov 1917"),
        ("1886-03-27", "1886-03-15", "both", "15 (27) Mar 1886"),
        ("1879-01-01", "1878-12-20", "both", "20 Dec 1878 (1 Jan 1879)"),
        ("1917-03-28/1917-03-29", "1917-03-15/1917-03-16", "both", "15\u201316 (28\u201329) Mar 1917"),
        ("1917-03-28/1917-03-29", "1917-03-15/1917-03-16", "julian", "15\u201316 Mar 1917 O.S."),
        ("1917-05-07/1917-05-12", "1917-04-24/1917-04-29", "both", "24 Apr (7 May) 1917 \u2013 29 Apr (12 May) 1917"),
    ],
)
def test_human(edtf: str, date_os: str | None, calendar: str, shown: str) -> None:
    assert human(edtf, date_os, calendar) == shown


# User input


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("1934", D(1934, 1, 1), D(1934, 12, 31)),
        ("1934-12", D(1934, 12, 1), D(1934, 12, 31)),
        ("1934-2", D(1934, 2, 1), D(1934, 2, 28)),
        ("1934-12-01", D(1934, 12, 1), D(1934, 12, 1)),
        ("1930s", D(1930, 1, 1), D(1939, 12, 31)),
        ("Dec 1934", D(1934, 12, 1), D(1934, 12, 31)),
        ("December 1934", D(1934, 12, 1), D(1934, 12, 31)),
        ("1 December 1934", D(1934, 12, 1), D(1934, 12, 1)),
        ("Dec 1, 1934", D(1934, 12, 1), D(1934, 12, 1)),
        ("spring 1930", D(1930, 3, 1), D(1930, 5, 31)),
        ("winter 1932", D(1932, 12, 1), D(1933, 2, 28)),
        ("13/04/1930", D(1930, 4, 13), D(1930, 4, 13)),
    ],
)
def test_parse_user_date(text: str, earliest: D, latest: D) -> None:
    span = parse_user_date(text)
    assert (span.earliest, span.latest) == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("03/04/1930", "ambiguous"),
        ("12/1/34", "two-digit"),
        ("Dec 34", "four digits"),
        ("'34", "in full"),
        ("0", "no year 0"),
        ("tomorrow", "not a date"),
        ("", "empty"),
        ("19345", "four digits"),
        ("1934-13", "month 13"),
        ("1934-02-30", "day 30"),
        ("Dec", "not a date"),
    ],
)
def test_parse_user_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_user_date(text)


@pytest.mark.parametrize(
    ("text", "month_day"),
    [("12-01", (12, 1)), ("--12-01", (12, 1)), ("Dec 1", (12, 1)), ("1 December", (12, 1)),
     ("december 1", (12, 1)), ("2-29", (2, 29)), ("Oct 25", (10, 25))],
)
def test_parse_month_day(text: str, month_day: tuple[int, int]) -> None:
    assert parse_month_day(text) == month_day


@pytest.mark.parametrize("text", ["13-01", "02-30", "Dec", "1 2 3", "Foo 1", "Ju 1", "1934-12-01"])
def test_parse_month_day_rejects(text: str) -> None:
    with pytest.raises(DateError):
        parse_month_day(text)


def test_shift() -> None:
    assert shift(D(1934, 12, 1), 999999, "d") == D(4672, 10, 26)
    # Worked out with datetime over whole 400-year cycles (146,097 days each).
    assert shift(D(1934, 12, 1), 9999999, "d") == D(29313, 12, 25)
    assert shift(D(1934, 12, 1), -999999, "d") == D(-803, 1, 4)
    assert shift(D(-43, 3, 15), 1, "y") == D(-42, 3, 15)
    assert shift(D(0, 2, 29), -12, "m") == D(-1, 2, 28)
    assert shift(D(1934, 12, 1), -6, "m") == D(1934, 6, 1)
    assert shift(D(1934, 8, 31), 6, "m") == D(1935, 2, 28)
    assert shift(D(1934, 12, 1), 10, "d") == D(1934, 12, 11)
    assert shift(D(1936, 2, 29), 1, "y") == D(1937, 2, 28)


@given(edtf_values())
def test_quick_day_span_agrees_with_the_parser(text: str) -> None:
    from chrono.dates.edtf import _quick_day_span, day_span, ymd

    quick = _quick_day_span(text)
    try:
        span = parse_edtf(text)
    except DateError:
        assert quick is None
        with pytest.raises(DateError):
            day_span(text)
        return
    if quick is not None:
        assert quick == (ymd(span.earliest), ymd(span.latest), span.precision)
