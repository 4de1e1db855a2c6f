"""EDTF dates of the chronology format: points, seasons, decades, qualifiers, intervals, from deep time to AD 9999.

Years are astronomical, as EDTF and ISO 8601 write them: 0000 is 1 BC, -0529 is 530 BC; beyond four
digits a year is written after a Y (Y-4000000) and known to the year only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chrono.dates.days import MAX_YEAR, MONTH_NAMES, Day, iso_year, month_end, month_length, ymd
from chrono.model import OPEN_EARLIEST, OPEN_LATEST

PRECISIONS = ("day", "month", "season", "year", "decade", "interval")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
SEASON_CODES = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
QUALIFIERS = {"?": "uncertain", "~": "approximate", "%": "uncertain and approximate"}
OPEN = ".."
EN_DASH = "\u2013"

# re.ASCII: EDTF digits are 0-9 (\d alone would take other scripts' digits, such as '١٩٣٤').
_POINT = re.compile(r"(-?)(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%])?", re.ASCII)
_DECADE = re.compile(r"(-?)(\d{3})X([?~%])?", re.ASCII)
_LONG_YEAR = re.compile(r"Y(-?)([1-9]\d{4,})([?~%])?", re.ASCII)
_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 (season), YYYX (decade), -YYYY (BC) or Y-NNNNN (deep time)"


class DateError(ValueError):
    """A date string that is not valid; the message says why."""


@dataclass(frozen=True, slots=True)
class Point:
    """One EDTF date (not an interval): its bounds, precision and qualifier."""

    earliest: Day
    latest: Day
    precision: str
    qualifier: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A parsed EDTF value: earliest and latest day (None for an open end) and precision."""

    earliest: Day | None
    latest: Day | None
    precision: str
    start: Point | None = None
    end: Point | None = None

    @property
    def is_interval(self) -> bool:
        """Whether the value was written as an interval A/B."""
        return self.precision == "interval"


def _year_point(year: int, qualifier: str, text: str) -> Point:
    if abs(year) > MAX_YEAR:
        raise DateError(f"year {year} is beyond what a chronology holds (years up to {MAX_YEAR:,} either way)")
    return Point(Day(year, 1, 1), Day(year, 12, 31), "year", qualifier, text)


def _point(text: str) -> Point:
    m = _POINT.fullmatch(text)
    if m is None:
        return _other_point(text)
    sign, digits, month_text, day_text, qualifier = m.groups()
    year = -int(digits) if sign else int(digits)
    qualifier = qualifier or ""
    if sign and year == 0:
        raise DateError("-0000 is not a year; 1 BC is 0000, 2 BC is -0001")
    if month_text is None:
        return _year_point(year, qualifier, text)
    month = int(month_text)
    if day_text is None:
        if 21 <= month <= 24:
            if month == 24:
                return Point(Day(year, 12, 1), month_end(year + 1, 2), "season", qualifier, text)
            first = 3 + (month - 21) * 3
            return Point(Day(year, first, 1), month_end(year, first + 2), "season", qualifier, text)
        if not 1 <= month <= 12:
            raise DateError(f"month {month_text} is not 01-12 (or 21-24 for a season)")
        return Point(Day(year, month, 1), month_end(year, month), "month", qualifier, text)
    if not 1 <= month <= 12:
        raise DateError(f"month {month_text} is not 01-12")
    day = int(day_text)
    last = month_length(year, month)
    if not 1 <= day <= last:
        raise DateError(f"day {day_text} is not in {MONTH_NAMES[month - 1].title()} {iso_year(year)} (1-{last})")
    d = Day(year, month, day)
    return Point(d, d, "day", qualifier, text)


def _other_point(text: str) -> Point:
    """A decade (193X, -053X) or a year of more than four digits (Y-4000000)."""
    m = _DECADE.fullmatch(text)
    if m:
        sign, digits, qualifier = m.groups()
        if sign:
            if int(digits) == 0:
                raise DateError("-000X is not a decade; 000X holds the years 0000 (1 BC) to 0009")
            first, last = -int(digits) * 10 - 9, -int(digits) * 10
        else:
            first, last = int(digits) * 10, int(digits) * 10 + 9
        return Point(Day(first, 1, 1), Day(last, 12, 31), "decade", qualifier or "", text)
    m = _LONG_YEAR.fullmatch(text)
    if m:
        sign, digits, qualifier = m.groups()
        return _year_point(-int(digits) if sign else int(digits), qualifier or "", text)
    if re.fullmatch(r"-?\d{5,}.*", text, re.ASCII):
        raise DateError("years have four digits (YYYY); write a longer year after a Y, e.g. Y-40000")
    if re.fullmatch(r"Y-?0*\d{1,4}[?~%]?", text, re.ASCII):
        raise DateError("a year after Y has more than four digits; write shorter years as YYYY or -YYYY")
    raise DateError(f"expected {_FORMS}")


@lru_cache(maxsize=65536)
def parse_edtf(text: str) -> Span:
    """Parse an EDTF date of the chronology format into its span; raise DateError if invalid."""
    if not isinstance(text, str):
        raise DateError("a date is a string such as \"1934-12-01\"")
    if text != text.strip() or not text:
        raise DateError("a date has no surrounding spaces and is not empty")
    if "/" not in text:
        p = _point(text)
        return Span(p.earliest, p.latest, p.precision, p, p)
    left, _, right = text.partition("/")
    if "/" in right:
        raise DateError("an interval has one '/' (A/B)")
    if left == OPEN and right == OPEN:
        raise DateError("an interval needs at least one known end (A/.. or ../B)")
    if not left or not right:
        raise DateError("write an open end of an interval as '..' (1930/.. or ../1930)")
    start = None if left == OPEN else _point(left)
    end = None if right == OPEN else _point(right)
    if start and end and start.earliest > end.latest:
        raise DateError(f"the interval ends ({right}) before it starts ({left})")
    return Span(start.earliest if start else None, end.latest if end else None, "interval", start, end)


def is_valid_edtf(text: str) -> bool:
    """Whether text is a valid date of the chronology format."""
    try:
        parse_edtf(text)
    except DateError:
        return False
    return True


# Index day numbers -------------------------------------------------------------------------

_DAY_SPANS: dict[str, tuple[int, int, str]] = {}
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _quick_day_span(text: str) -> tuple[int, int, str] | None:
    """day_span for the plain forms YYYY, YYYY-MM and YYYY-MM-DD (years 1-9999) without building objects."""
    n = len(text)
    if n not in (4, 7, 10) or not text[:4].isdigit():
        return None
    year = int(text[:4])
    if year == 0:
        return None
    if n == 4:
        return year * 10000 + 101, year * 10000 + 1231, "year"
    if text[4] != "-" or not text[5:7].isdigit():
        return None
    month = int(text[5:7])
    if not 1 <= month <= 12:
        return None
    last = _DAYS_IN_MONTH[month]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    base = year * 10000 + month * 100
    if n == 7:
        return base + 1, base + last, "month"
    if text[7] != "-" or not text[8:10].isdigit():
        return None
    day = int(text[8:10])
    if not 1 <= day <= last:
        return None
    return base + day, base + day, "day"


def day_span(text: str) -> tuple[int, int, str]:
    """(earliest, latest, precision) of an EDTF date as index day numbers (YYYYMMDD; OPEN_* for open ends)."""
    hit = _DAY_SPANS.get(text)
    if hit is None:
        quick = _quick_day_span(text) if text.isascii() else None
        if quick is not None:
            return quick
        span = parse_edtf(text)
        hit = (
            ymd(span.earliest) if span.earliest else OPEN_EARLIEST,
            ymd(span.latest) if span.latest else OPEN_LATEST,
            span.precision,
        )
        if len(_DAY_SPANS) < 1 << 18:
            _DAY_SPANS[text] = hit
    return hit


# Writing EDTF ----------------------------------------------------------------------------------


def edtf_year(year: int) -> str:
    """A year as EDTF writes it: 1934, 0043, -0529, Y-4000000."""
    return iso_year(year) if abs(year) <= 9999 else f"Y{year}"


def format_point(p: Point) -> str:
    """The EDTF text of one date: the inverse of parsing it."""
    d = p.earliest
    if p.precision == "day":
        text = d.isoformat()
    elif p.precision == "month":
        text = f"{iso_year(d.year)}-{d.month:02d}"
    elif p.precision == "season":
        text = f"{iso_year(d.year)}-{24 if d.month == 12 else 21 + (d.month - 3) // 3}"
    elif p.precision == "decade":
        text = f"-{-p.latest.year // 10:03d}X" if d.year < 0 else f"{d.year // 10:03d}X"
    else:
        text = edtf_year(d.year)
    return text + p.qualifier


def format_edtf(span: Span) -> str:
    """The EDTF text of a parsed value: format_edtf(parse_edtf(s)) == s."""
    if not span.is_interval:
        assert span.start is not None
        return format_point(span.start)
    start = format_point(span.start) if span.start else OPEN
    end = format_point(span.end) if span.end else OPEN
    return f"{start}/{end}"


def year_edtf(year: int, qualifier: str = "") -> str:
    """The EDTF of a whole year."""
    return edtf_year(year) + qualifier


def years_edtf(first: int, last: int, qualifier: str = "") -> str:
    """The EDTF of a run of whole years (one year when first == last)."""
    if first == last:
        return year_edtf(first, qualifier)
    return f"{year_edtf(first, qualifier)}/{year_edtf(last, qualifier)}"
