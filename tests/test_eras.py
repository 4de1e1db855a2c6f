"""Dates before AD 1000, BC, and deep time: read as people write them, shown as people read them, and back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chrono.dates.edtf import DateError, day_span, parse_edtf
from chrono.dates.human import human
from chrono.dates.humandates import DateReading, read_date
from chrono.dates.user import parse_user_date
from conftest import examples
from strategies import edtf_points, edtf_year

EN = "\u2013"


@pytest.mark.parametrize(
    ("text", "edtf"),
    [
        ("530 BC", "-0529"), ("530 BCE", "-0529"), ("530 B.C.", "-0529"), ("38BC", "-0037"), ("c. 2500 BC", "-2499~"),
        ("AD 43", "0043"), ("43 AD", "0043"), ("43 CE", "0043"), ("A.D. 43", "0043"), ("61", "0061"), ("286", "0286"),
        ("990", "0990"), ("c. 383", "0383~"), ("0000", "0000"), ("-0529", "-0529"),
        ("15 March 44 BC", "-0043-03-15"), ("Mar 44 BC", "-0043-03"), ("15 Mar AD 43", "0043-03-15"),
        ("spring 44 BC", "-0043-21"), (f"winter 45{EN}44 BC", "-0044-24"),
        ("3rd century BC", "-0299/-0200"), ("third century BC", "-0299/-0200"), ("1st century", "0001/0100"),
        ("1st century AD", "0001/0100"), ("19th century", "1801/1900"), ("5th millennium BC", "-4999/-4000"),
        ("2nd millennium", "1001/2000"), ("c. 3rd century BC", "-0299~/-0200~"), ("530s BC", "-0538/-0529"),
        ("AD 40s", "004X"),
        (f"55 BC{EN}54 BC", "-0054/-0053"), (f"55{EN}54 BC", "-0054/-0053"), (f"1500 BC{EN}500 BC", "-1499/-0499"),
        (f"30 BC {EN} AD 14", "-0029/0014"), ("Between 500BC and 400BC", "-0499/-0399"),
        ("Between 99BC and 99AD", "-0098/0099"), ("Between 47 and 50", "0047/0050"), ("between 9 and 120", "0009/0120"),
        ("Before 400BC", "../-0400"), ("before 1930", "../1929"), ("after May 1934", "1934-06/.."),
        ("before 1 Jan AD 1", "../0000-12-31"),
        ("10,000 BC", "-9999"), ("4000000 BCE", "Y-3999999"), ("4 million years ago", "Y-4000000"),
        ("4,000,000 years ago", "Y-4000000"), ("65 Ma", "Y-65000000"), ("2.5 million years ago", "Y-2500000"),
        ("13.8 billion years ago", "Y-13800000000"), ("300 ka", "Y-300000"), ("12,000 BP", "Y-10050"),
        ("1618-05-23T00:00:00Z", "1618-05-23"), ("+1618-05-23T00:00:00Z", "1618-05-23"),
        ("-0066-01-01T00:00:00Z", "-0066-01-01"), ("1618-00-00T00:00:00Z", "1618"), ("1618-05-00T00:00:00Z", "1618-05"),
        ("-13798000000-00-00T00:00:00Z", "Y-13798000000"),
    ],
)
def test_read_date(text: str, edtf: str) -> None:
    assert read_date(text).edtf == edtf
    parse_edtf(edtf)


def test_a_time_of_day_is_kept_apart_never_invented() -> None:
    assert read_date("1969-07-20T20:17:40Z") == DateReading("1969-07-20", time="20:17:40Z")
    assert read_date("1969-07-20 20:17") == DateReading("1969-07-20", time="20:17")
    assert read_date("1969-07-20T00:00:00Z") == DateReading("1969-07-20")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0 BC", "there is no year 0"), ("0", "there is no year 0"), ("0th century", "no 0th century"),
        ("300 years ago", "deep time only"), ("Dec 34", "two-digit years are ambiguous"),
        ("15 Dec 20000 BC", "known to the year only"), ("12345", "more than four digits"),
        ("10000000000000 BC", "beyond what a chronology holds"), (f"winter 44{EN}45 BC", "not two consecutive"),
        ("0s BC", "there is no year 0"), ("-0000", "1 BC is 0000"),
    ],
)
def test_read_date_rejects(text: str, fragment: str) -> None:
    with pytest.raises(DateError, match=fragment):
        read_date(text)


@pytest.mark.parametrize(
    ("edtf", "shown"),
    [
        ("-0529", "530 BC"), ("-2499~", "c. 2500 BC"), ("-0529?", "530 BC?"), ("0043", "AD 43"), ("0999", "AD 999"),
        ("1000", "1000"), ("0000", "1 BC"), ("0043-03-15", "15 Mar AD 43"), ("-0043-03-15", "15 Mar 44 BC"),
        ("-0043-21", "spring 44 BC"), ("-0044-24", f"winter 45{EN}44 BC"), ("0000-24", "winter 1 BC"),
        ("-0299/-0200", "3rd century BC"), ("-0299~/-0200~", "c. 3rd century BC"), ("0001/0100", "1st century AD"),
        ("1801/1900", "19th century"), ("1001/2000", "2nd millennium"), ("-4999/-4000", "5th millennium BC"),
        ("-0538/-0529", "530s BC"), ("-053X", f"540{EN}531 BC"), ("004X", "AD 40s"), ("000X", f"1 BC {EN} AD 9"),
        ("-0054/-0053", f"55{EN}54 BC"), ("-0029/0014", f"30 BC {EN} AD 14"), ("0286/0296", f"AD 286{EN}296"),
        ("-0043-03-15/0014-08-19", f"15 Mar 44 BC {EN} 19 Aug AD 14"), ("../-0400", "until 401 BC"),
        ("-9999", "10,000 BC"), ("Y-10050", "10,051 BC"), ("Y-99999", "100,000 years ago"),
        ("Y-4000000", "4 million years ago"), ("Y-3999999", "4 million years ago"),
        ("Y-13800000000", "13.8 billion years ago"), ("Y-540000000", "540 million years ago"),
        ("Y-250123", "250,000 years ago"), ("Y-65000000/..", "from 65 million years ago"),
    ],
)
def test_human(edtf: str, shown: str) -> None:
    assert human(edtf) == shown


@pytest.mark.parametrize(
    ("text", "edtf"),
    [("500 BC", "-0499"), ("43", "0043"), ("100", "0100"), ("AD 43", "0043"), ("-0529", "-0529"),
     ("3rd century BC", "-0299/-0200"), ("4 million years ago", "Y-4000000"), ("563 BC", "-0562")],
)
def test_user_dates(text: str, edtf: str) -> None:
    span = parse_user_date(text)
    assert (span.earliest, span.latest) == (parse_edtf(edtf).earliest, parse_edtf(edtf).latest)


# Every value shown reads back: human() then read_date() gives the value (or, where the display names the same
# days another way, the same days).

YEARS = st.one_of(st.integers(-9999, 9999), st.integers(1, 999), st.integers(-600, 50))


def points() -> st.SearchStrategy[str]:
    return edtf_points(YEARS, ("year", "month", "day", "season"))


@st.composite
def values(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["point", "interval", "run", "deep"]))
    if shape == "point":
        return draw(points())
    if shape == "deep":
        return f"Y-{draw(st.integers(1, 999)) * 10 ** draw(st.integers(5, 9))}"
    if shape == "run":
        size, n = draw(st.sampled_from([100, 1000])), draw(st.integers(1, 9))
        bc = draw(st.booleans())
        first, last = (1 - n * size, -(n - 1) * size) if bc else ((n - 1) * size + 1, n * size)
        return f"{edtf_year(first)}/{edtf_year(last)}"
    a, b = draw(points()), draw(points())
    try:
        parse_edtf(f"{a}/{b}")
    except DateError:
        a, b = b, a
    return f"{a}/{b}"


@settings(max_examples=examples(1500), deadline=None)
@given(values())
def test_human_reads_back_across_the_era(edtf: str) -> None:
    shown = human(edtf)
    got = read_date(shown)
    assert day_span(got.edtf)[:2] == day_span(edtf)[:2], (edtf, shown, got.edtf)
