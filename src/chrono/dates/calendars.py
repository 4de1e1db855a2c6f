"""Old Style dates: the Julian calendar beside the Gregorian `date`, checked to convert exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from chrono.dates.days import Day, day_to_julian, iso_year, julian_to_day, ymd
from chrono.dates.edtf import DateError, parse_edtf

_OS_DAY = re.compile(r"(-?\d{4})-(\d{2})-(\d{2})([?~%])?", re.ASCII)


def julian_to_gregorian(year: int, month: int, day: int) -> Day:
    """The Gregorian day of a Julian-calendar date; DateError when there is no such Julian day."""
    try:
        return julian_to_day(year, month, day)
    except ValueError as exc:
        raise DateError(str(exc)) from None


def gregorian_to_julian(d: Day) -> tuple[int, int, int]:
    """The Julian-calendar (year, month, day) of a day."""
    return day_to_julian(d)


def julian_text(year: int, month: int, day: int) -> str:
    """A Julian day as date_os writes it (YYYY-MM-DD, astronomical years)."""
    return f"{iso_year(year)}-{month:02d}-{day:02d}"


@dataclass(frozen=True, slots=True)
class OldStyle:
    """An Old Style (Julian) date or day interval and its New Style equivalent."""

    text: str
    julian: tuple[tuple[int, int, int], ...]
    gregorian: tuple[Day, ...]

    def edtf(self) -> str:
        """The New Style EDTF value this Old Style date converts to, without qualifiers."""
        return "/".join(g.isoformat() for g in self.gregorian)


@lru_cache(maxsize=4096)
def parse_old_style(text: str) -> OldStyle:
    """Parse a `date_os` value (a Julian day YYYY-MM-DD or an interval of two); raise DateError."""
    if not isinstance(text, str) or not text:
        raise DateError("date_os is a Julian date string such as \"1917-10-25\"")
    parts = text.split("/")
    if len(parts) > 2:
        raise DateError("an interval has one '/' (A/B)")
    julian = []
    gregorian = []
    for part in parts:
        m = _OS_DAY.fullmatch(part)
        if not m:
            raise DateError("date_os must be a Julian day YYYY-MM-DD or an interval of two days")
        if m.group(1) == "-0000":
            raise DateError("-0000 is not a year; 1 BC is 0000")
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        julian.append((y, mo, d))
        gregorian.append(julian_to_gregorian(y, mo, d))
    if len(gregorian) == 2 and gregorian[0] > gregorian[1]:
        raise DateError("the interval ends before it starts")
    return OldStyle(text, tuple(julian), tuple(gregorian))


def check_old_style(date_os: str, date_ns: str) -> str | None:
    """Why date_os does not convert to date_ns, or None when it converts exactly."""
    os_value = parse_old_style(date_os)
    span = parse_edtf(date_ns)
    points = [span.start, span.end] if span.is_interval else [span.start]
    if any(p is None or p.precision != "day" for p in points):
        return f"date_os needs a day-precision date, but date is {date_ns!r}"
    days = tuple(p.earliest for p in points if p is not None)
    if len(days) == 2 and len(os_value.gregorian) == 1:
        return f"date_os {date_os!r} is one day but date {date_ns!r} is an interval"
    if days != os_value.gregorian:
        return f"date_os {date_os!r} (Julian) is {os_value.edtf()} in the Gregorian calendar, not {date_ns!r}"
    return None


def as_julian(edtf: str, before: int) -> tuple[str, str] | None:
    """(Gregorian EDTF, date_os) when an EDTF value written as Julian days falls before a switch (a day number).

    Only days (and intervals of days, without qualifiers) are read this way: a month or a year means much
    the same in both calendars, and date_os holds days. None when the value is not such a date.
    """
    span = parse_edtf(edtf)
    points = [span.start, span.end] if span.is_interval else [span.start]
    if any(p is None or p.precision != "day" or p.qualifier for p in points):
        return None
    days = [p.earliest for p in points if p is not None]
    if ymd(days[0]) >= before:
        return None
    julian = [(d.year, d.month, d.day) for d in days]
    if any(ymd(Day(*j)) >= before for j in julian):
        return None
    gregorian = [julian_to_gregorian(*j) for j in julian]
    return "/".join(g.isoformat() for g in gregorian), "/".join(julian_text(*j) for j in julian)

