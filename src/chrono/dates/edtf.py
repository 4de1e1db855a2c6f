"""Dates: the EDTF subset of the chronology format, both calendars, human dates and user input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from chrono.model import OPEN_EARLIEST, OPEN_LATEST

PRECISIONS = ("day", "month", "season", "year", "decade", "interval")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
SEASON_CODES = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
QUALIFIERS = {"?": "uncertain", "~": "approximate", "%": "uncertain and approximate"}
# Russia switched calendars on 1918-02-14 (New Style); 1 February Old Style was dropped.
RUSSIA_SWITCH = date(1918, 2, 14)
OPEN = ".."
EN_DASH = "\u2013"

# re.ASCII: EDTF digits are 0-9 (\d alone would take other scripts' digits, such as '١٩٣٤').
_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%])?", re.ASCII)
_DECADE = re.compile(r"(\d{3})X([?~%])?", re.ASCII)


class DateError(ValueError):
    """A date string that is not valid; the message says why."""


@dataclass(frozen=True, slots=True)
class Point:
    """One EDTF date (not an interval): its bounds, precision and qualifier."""

    earliest: date
    latest: date
    precision: str
    qualifier: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A parsed EDTF value: earliest and latest day (None for an open end) and precision."""

    earliest: date | None
    latest: date | None
    precision: str
    start: Point | None = None
    end: Point | None = None

    @property
    def is_interval(self) -> bool:
        """Whether the value was written as an interval A/B."""
        return self.precision == "interval"


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _point(text: str) -> Point:
    m = _DECADE.fullmatch(text)
    if m:
        start = int(m.group(1)) * 10
        if start == 0:
            raise DateError("the decade 000X is before year 1")
        return Point(date(start, 1, 1), date(start + 9, 12, 31), "decade", m.group(2) or "", text)
    m = _POINT.fullmatch(text)
    if not m:
        if re.fullmatch(r"\d{5,}.*", text):
            raise DateError("years have four digits (YYYY)")
        raise DateError("expected YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 (season) or YYYX (decade)")
    year = int(m.group(1))
    qualifier = m.group(4) or ""
    if year == 0:
        raise DateError("year 0000 is not supported; years start at 0001")
    if m.group(2) is None:
        return Point(date(year, 1, 1), date(year, 12, 31), "year", qualifier, text)
    month = int(m.group(2))
    if m.group(3) is None:
        if 21 <= month <= 24:
            if month == 24:
                if year == 9999:
                    raise DateError("winter 9999 runs past the year 9999")
                return Point(date(year, 12, 1), month_end(year + 1, 2), "season", qualifier, text)
            first = 3 + (month - 21) * 3
            return Point(date(year, first, 1), month_end(year, first + 2), "season", qualifier, text)
        if not 1 <= month <= 12:
            raise DateError(f"month {m.group(2)} is not 01-12 (or 21-24 for a season)")
        return Point(date(year, month, 1), month_end(year, month), "month", qualifier, text)
    if not 1 <= month <= 12:
        raise DateError(f"month {m.group(2)} is not 01-12")
    day = int(m.group(3))
    last = month_end(year, month).day
    if not 1 <= day <= last:
        raise DateError(f"day {m.group(3)} is not in {MONTH_NAMES[month - 1].title()} {year} (1-{last})")
    d = date(year, month, day)
    return Point(d, d, "day", qualifier, text)


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
    left, sep, right = text.partition("/")
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
    return Span(
        start.earliest if start else None,
        end.latest if end else None,
        "interval",
        start,
        end,
    )


_DAY_SPANS: dict[str, tuple[int, int, str]] = {}


def ymd(d: date) -> int:
    """A date as the integer YYYYMMDD, the form the index stores."""
    return d.year * 10000 + d.month * 100 + d.day


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _quick_day_span(text: str) -> tuple[int, int, str] | None:
    """day_span for the plain forms YYYY, YYYY-MM and YYYY-MM-DD without building date objects."""
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
    """(earliest, latest, precision) of an EDTF date as index day numbers (YYYYMMDD; 0 and 99999999 open)."""
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


def is_valid_edtf(text: str) -> bool:
    """Whether text is a valid date of the chronology format."""
    try:
        parse_edtf(text)
    except DateError:
        return False
    return True


def format_point(p: Point) -> str:
    """The EDTF text of one date: the inverse of parsing it."""
    d = p.earliest
    if p.precision == "day":
        text = d.isoformat()
    elif p.precision == "month":
        text = f"{d.year:04d}-{d.month:02d}"
    elif p.precision == "season":
        text = f"{d.year:04d}-{24 if d.month == 12 else 21 + (d.month - 3) // 3}"
    elif p.precision == "decade":
        text = f"{d.year // 10:03d}X"
    else:
        text = f"{d.year:04d}"
    return text + p.qualifier


def format_edtf(span: Span) -> str:
    """The EDTF text of a parsed value: format_edtf(parse_edtf(s)) == s."""
    if not span.is_interval:
        assert span.start is not None
        return format_point(span.start)
    start = format_point(span.start) if span.start else OPEN
    end = format_point(span.end) if span.end else OPEN
    return f"{start}/{end}"


# Calendars ---------------------------------------------------------------------------------

_ORDINAL_TO_JDN = 1721425


def julian_to_jdn(year: int, month: int, day: int) -> int:
    """The Julian day number of a Julian-calendar date."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083


def jdn_to_julian(jdn: int) -> tuple[int, int, int]:
    """The Julian-calendar (year, month, day) of a Julian day number."""
    c = jdn + 32082
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = d - 4800 + m // 10
    return year, month, day


def julian_month_length(year: int, month: int) -> int:
    """Days in a month of the Julian calendar (every fourth year is a leap year)."""
    if month == 2:
        return 29 if year % 4 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def julian_to_gregorian(year: int, month: int, day: int) -> date:
    """Convert a Julian-calendar date to the Gregorian date of the same day."""
    if not 1 <= month <= 12 or not 1 <= day <= julian_month_length(year, month):
        raise DateError(f"{year:04d}-{month:02d}-{day:02d} is not a day of the Julian calendar")
    return date.fromordinal(julian_to_jdn(year, month, day) - _ORDINAL_TO_JDN)


def gregorian_to_julian(d: date) -> tuple[int, int, int]:
    """Convert a Gregorian date to the Julian-calendar (year, month, day) of the same day."""
    return jdn_to_julian(d.toordinal() + _ORDINAL_TO_JDN)


_OS_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})([?~%])?", re.ASCII)


@dataclass(frozen=True, slots=True)
class OldStyle:
    """An Old Style (Julian) date or day interval and its New Style equivalent."""

    text: str
    julian: tuple[tuple[int, int, int], ...]
    gregorian: tuple[date, ...]

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
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if y == 0:
            raise DateError("year 0000 is not supported")
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


# Human dates ---------------------------------------------------------------------------------


def _season(p: Point) -> str:
    """The name of a season-precision point's season."""
    return "winter" if p.earliest.month == 12 else SEASONS[21 + (p.earliest.month - 3) // 3]


def _human_point(p: Point) -> str:
    if p.precision == "day":
        s = f"{p.earliest.day} {MONTH_ABBR[p.earliest.month - 1]} {p.earliest.year}"
    elif p.precision == "month":
        s = f"{MONTH_ABBR[p.earliest.month - 1]} {p.earliest.year}"
    elif p.precision == "season":
        season = _season(p)
        if season == "winter":
            s = f"winter {p.earliest.year}{EN_DASH}{(p.earliest.year + 1) % 100:02d}"
        else:
            s = f"{season} {p.earliest.year}"
    elif p.precision == "decade":
        s = f"{p.earliest.year}s"
    else:
        s = str(p.earliest.year)
    if p.qualifier in ("~", "%"):
        s = "c. " + s
    if p.qualifier in ("?", "%"):
        s += "?"
    return s


def _human_julian_pair(julian: tuple[int, int, int], greg: date) -> str:
    jy, jm, jd = julian
    if jy != greg.year:
        return f"{jd} {MONTH_ABBR[jm - 1]} {jy} ({greg.day} {MONTH_ABBR[greg.month - 1]} {greg.year})"
    if jm != greg.month:
        return f"{jd} {MONTH_ABBR[jm - 1]} ({greg.day} {MONTH_ABBR[greg.month - 1]}) {greg.year}"
    return f"{jd} ({greg.day}) {MONTH_ABBR[jm - 1]} {greg.year}"


def human(edtf: str, date_os: str | None = None, calendar: str = "both") -> str:
    """A date as people write it: 1 Dec 1934, Jan 1924, c. 1926, winter 1932-33, 25 Oct (7 Nov) 1917."""
    span = parse_edtf(edtf)
    if date_os and calendar != "gregorian":
        try:
            os_value = parse_old_style(date_os)
        except DateError:
            os_value = None
        if os_value is not None:
            julian, gregorian = os_value.julian, os_value.gregorian
            same_month = len(julian) == 2 and julian[0][:2] == julian[1][:2] and (
                gregorian[0].year, gregorian[0].month) == (gregorian[1].year, gregorian[1].month)
            if calendar == "julian":
                if same_month:
                    (y, m, d1), (_, _, d2) = julian
                    return f"{d1}{EN_DASH}{d2} {MONTH_ABBR[m - 1]} {y} O.S."
                texts = [f"{d} {MONTH_ABBR[m - 1]} {y} O.S." for y, m, d in julian]
                return f" {EN_DASH} ".join(texts)
            if same_month and julian[0][1] == gregorian[0].month:
                (y, m, d1), (_, _, d2) = julian
                return f"{d1}{EN_DASH}{d2} ({gregorian[0].day}{EN_DASH}{gregorian[1].day}) {MONTH_ABBR[m - 1]} {y}"
            pairs = [_human_julian_pair(j, g) for j, g in zip(julian, gregorian, strict=True)]
            return pairs[0] if len(pairs) == 1 else f"{pairs[0]} {EN_DASH} {pairs[1]}"
    if not span.is_interval:
        assert span.start is not None
        return _human_point(span.start)
    if span.start is None:
        assert span.end is not None
        return f"until {_human_point(span.end)}"
    if span.end is None:
        return f"from {_human_point(span.start)}"
    a, b = _human_point(span.start), _human_point(span.end)
    s, e = span.start, span.end
    if not (s.qualifier or e.qualifier) and s.precision == e.precision and s.earliest.year == e.earliest.year:
        if s.precision == "day":
            if s.earliest.month == e.earliest.month:
                return f"{s.earliest.day}{EN_DASH}{b}"
            return f"{s.earliest.day} {MONTH_ABBR[s.earliest.month - 1]} {EN_DASH} {b}"
        if s.precision == "month":
            return f"{MONTH_ABBR[s.earliest.month - 1]}{EN_DASH}{b}"
        if s.precision == "season" and "winter" not in (_season(s), _season(e)):
            return f"{_season(s)}{EN_DASH}{b}"
    simple_years = span.start.precision == span.end.precision == "year" and not (
        span.start.qualifier or span.end.qualifier
    )
    if simple_years:
        return f"{a}{EN_DASH}{b}"
    return f"{a} {EN_DASH} {b}"


# User input ----------------------------------------------------------------------------------

USER_DATE_EXAMPLES = "1934, 1934-12, 1934-12-01, 1930s, 'Dec 1934' or '1 December 1934'"
_ISO_USER = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DECADE_USER = re.compile(r"(\d{3})0s")
_SEASON_USER = re.compile(r"(spring|summer|autumn|fall|winter)\s+(\d{4})", re.IGNORECASE)
_AMBIGUOUS = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")


def parse_user_date(text: str) -> Span:
    """Parse a date typed by a user (ISO, decade, season or free text) into the span it names."""
    raw = text
    text = text.strip()
    if not text:
        raise DateError(f"empty date; use a form such as {USER_DATE_EXAMPLES}")
    m = _ISO_USER.fullmatch(text)
    if m:
        edtf = m.group(1)
        if m.group(2):
            edtf += f"-{int(m.group(2)):02d}"
            if m.group(3):
                edtf += f"-{int(m.group(3)):02d}"
        try:
            return parse_edtf(edtf)
        except DateError as exc:
            raise DateError(f"{raw!r}: {exc}") from None
    m = _DECADE_USER.fullmatch(text)
    if m:
        return parse_edtf(f"{m.group(1)}X")
    m = _SEASON_USER.fullmatch(text)
    if m:
        return parse_edtf(f"{m.group(2)}-{SEASON_CODES[m.group(1).lower()]}")
    if re.fullmatch(r"\d{5,}", text):
        raise DateError(f"{raw!r}: years have four digits; use a form such as {USER_DATE_EXAMPLES}")
    if re.fullmatch(r"\d{1,3}", text) or re.fullmatch(r"'\d{2}", text):
        raise DateError(f"{raw!r}: give the year in full (four digits), e.g. 1934")
    return _parse_free_text(raw, text)


def _parse_free_text(raw: str, text: str) -> Span:
    amb = _AMBIGUOUS.fullmatch(text)
    if amb:
        a, b, y = amb.groups()
        if len(y) != 4:
            raise DateError(f"{raw!r}: two-digit years are ambiguous; write the year in full, e.g. 1934-12-01")
        if int(a) <= 12 and int(b) <= 12 and a != b:
            raise DateError(
                f"{raw!r} is ambiguous (day/month or month/day?); write it as YYYY-MM-DD, "
                f"e.g. {y}-{int(b):02d}-{int(a):02d} or {y}-{int(a):02d}-{int(b):02d}"
            )
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        if re.search(r"\d", text):
            raise DateError(f"{raw!r}: give the year in full (four digits), e.g. 'Dec 1934'")
        raise DateError(f"{raw!r} is not a date; use a form such as {USER_DATE_EXAMPLES}")
    fields = free_text_fields(text)
    if fields is None:
        raise DateError(f"{raw!r} is not a date; use a form such as {USER_DATE_EXAMPLES}")
    year, month, day, _ = fields
    if year is None:
        raise DateError(f"{raw!r} has no year; add one, e.g. 'Dec 1934'")
    if month is None:
        if day is None:
            return parse_edtf(f"{year:04d}")
        raise DateError(f"{raw!r} gives a day but no month; use e.g. '1 December 1934'")
    if day is None:
        return parse_edtf(f"{year:04d}-{month:02d}")
    return parse_edtf(f"{year:04d}-{month:02d}-{day:02d}")


def free_text_fields(text: str, dayfirst: bool = False) -> tuple[int | None, int | None, int | None, bool] | None:
    """(year, month, day, has_time) python-dateutil reads in text (None for a field not written), or None if unread."""
    from datetime import datetime

    from dateutil import parser as dateutil_parser

    # Parsed with two defaults that differ in every field, a field is written exactly when both readings agree on it.
    read = []
    for default in (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1)):
        try:
            read.append(dateutil_parser.parse(text, default=default, dayfirst=dayfirst))
        except (ValueError, OverflowError):
            return None
    a, b = read
    year, month, day = (getattr(a, f) if getattr(a, f) == getattr(b, f) else None for f in ("year", "month", "day"))
    return year, month, day, any(getattr(a, f) == getattr(b, f) for f in ("hour", "minute", "second"))


_MD_NUMERIC = re.compile(r"(?:--)?(\d{1,2})-(\d{1,2})")


def parse_month_day(text: str) -> tuple[int, int]:
    """Parse a day of the year typed by a user (12-01, 'Dec 1', '1 December') into (month, day)."""
    raw = text
    text = text.strip()
    m = _MD_NUMERIC.fullmatch(text)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
    else:
        words = re.findall(r"[A-Za-z]+|\d+", text)
        month = day = 0
        for w in words:
            if w.isdigit():
                if day or len(w) > 2:
                    raise DateError(f"{raw!r}: give only a month and a day, e.g. 12-01 or 'Dec 1'")
                day = int(w)
            else:
                found = [i for i, name in enumerate(MONTH_NAMES) if len(w) >= 3 and name.startswith(w.lower())]
                if len(found) != 1 or month:
                    raise DateError(f"{raw!r} is not a day of the year; use e.g. 12-01, 'Dec 1' or '1 December'")
                month = found[0] + 1
        if not month or not day:
            raise DateError(f"{raw!r} is not a day of the year; use e.g. 12-01, 'Dec 1' or '1 December'")
    if not 1 <= month <= 12:
        raise DateError(f"{raw!r}: month {month} is not 1-12; use MM-DD, e.g. 12-01")
    limit = 29 if month == 2 else month_end(2001, month).day
    if not 1 <= day <= limit:
        raise DateError(f"{raw!r}: {MONTH_NAMES[month - 1].title()} has no day {day}")
    return month, day


def shift(d: date, amount: int, unit: str) -> date:
    """Move a date by a number of days, months or years (clamped to the month's end)."""
    if unit == "d":
        try:
            return d + timedelta(days=amount)
        except OverflowError:
            return date.max if amount > 0 else date.min
    months = amount * (12 if unit == "y" else 1)
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    return date(year, month + 1, min(d.day, month_end(year, month + 1).day))
