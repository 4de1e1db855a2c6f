"""Dates as people read them: 1 Dec 1934, c. 1926, winter 1932–33, 25 Oct (7 Nov) 1917, 530 BC, AD 43,
3rd century BC, 4 million years ago."""

from __future__ import annotations

from chrono.dates.calendars import parse_old_style
from chrono.dates.days import MONTH_ABBR, Day
from chrono.dates.edtf import EN_DASH, SEASONS, DateError, Point, parse_edtf

# Years before this many years BC are read as "years ago", to three figures (as deep time is written).
DEEP_TIME = 100_000


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _three_figures(n: int) -> str:
    for size, word in ((10**9, "billion"), (10**6, "million")):
        if n >= size:
            whole = len(str(n // size))
            return f"{round(n / size, max(3 - whole, 0)):g} {word}"
    return f"{round(n, 3 - len(str(n))):,}"


def year_text(year: int, ad: bool = False) -> str:
    """A year as people write it: 1934, AD 43 (before 1000 or when asked), 530 BC, 4 million years ago."""
    if year <= 0:
        bc = 1 - year
        if bc >= DEEP_TIME:
            return f"{_three_figures(-year)} years ago"
        return f"{bc:,} BC" if bc >= 10_000 else f"{bc} BC"
    if ad or year < 1000:
        return f"AD {year}"
    return str(year)


def _season(p: Point) -> str:
    """The name of a season-precision point's season."""
    return "winter" if p.earliest.month == 12 else SEASONS[21 + (p.earliest.month - 3) // 3]


def _winter(year: int) -> str:
    """Winter from December of year to February of the next: winter 1932–33, winter 45–44 BC."""
    if year >= 1000:
        return f"winter {year}{EN_DASH}{(year + 1) % 100:02d}"
    if year < 0:
        return f"winter {1 - year}{EN_DASH}{-year} BC"
    return f"winter {year_text(year)}"


def _human_point(p: Point, ad: bool = False) -> str:
    d = p.earliest
    if p.precision == "day":
        s = f"{d.day} {MONTH_ABBR[d.month - 1]} {year_text(d.year, ad)}"
    elif p.precision == "month":
        s = f"{MONTH_ABBR[d.month - 1]} {year_text(d.year, ad)}"
    elif p.precision == "season":
        season = _season(p)
        s = _winter(d.year) if season == "winter" else f"{season} {year_text(d.year, ad)}"
    elif p.precision == "decade":
        if d.year >= 1000:
            s = f"{d.year}s"
        elif d.year > 0:
            s = f"AD {d.year}s"
        else:
            s = _years_range(d.year, p.latest.year)
    else:
        s = year_text(d.year, ad)
    if p.qualifier in ("~", "%"):
        s = "c. " + s
    if p.qualifier in ("?", "%"):
        s += "?"
    return s


def _years_range(first: int, last: int) -> str:
    """Whole years from first to last: 1923–1925, 55–54 BC, 30 BC – AD 14, 3rd century BC, 530s BC."""
    named = _named_years(first, last)
    if named:
        return named
    if last <= 0:
        return f"{1 - first}{EN_DASH}{year_text(last)}" if 1 - first < DEEP_TIME else \
            f"{year_text(first)} {EN_DASH} {year_text(last)}"
    if first <= 0:
        return f"{year_text(first)} {EN_DASH} {year_text(last, ad=True)}"
    if first < 1000:
        return f"AD {first}{EN_DASH}{last}"
    return f"{first}{EN_DASH}{last}"


def _named_years(first: int, last: int) -> str | None:
    """The name of a run of years when it is a century, a millennium or a decade BC (as people name them)."""
    for size, word in ((100, "century"), (1000, "millennium")):
        if last - first + 1 != size:
            continue
        if first >= 1 and first % size == 1:
            return f"{ordinal(last // size)} {word}" + (" AD" if last <= 1000 else "")
        if last <= 0 and (1 - last) % size == 1:
            return f"{ordinal((1 - first) // size)} {word} BC"
    if last <= 0 and last - first == 9 and (1 - last) % 10 == 0 and 1 - last < DEEP_TIME:
        return f"{1 - last}s BC"
    return None


def _human_julian_pair(julian: tuple[int, int, int], greg: Day) -> str:
    jy, jm, jd = julian
    if jy != greg.year:
        return (f"{jd} {MONTH_ABBR[jm - 1]} {year_text(jy)} "
                f"({greg.day} {MONTH_ABBR[greg.month - 1]} {year_text(greg.year)})")
    if jm != greg.month:
        return f"{jd} {MONTH_ABBR[jm - 1]} ({greg.day} {MONTH_ABBR[greg.month - 1]}) {year_text(greg.year)}"
    return f"{jd} ({greg.day}) {MONTH_ABBR[jm - 1]} {year_text(greg.year)}"


def _old_style(date_os: str, calendar: str) -> str | None:
    try:
        os_value = parse_old_style(date_os)
    except DateError:
        return None
    julian, gregorian = os_value.julian, os_value.gregorian
    same_month = len(julian) == 2 and julian[0][:2] == julian[1][:2] and (
        gregorian[0].year, gregorian[0].month) == (gregorian[1].year, gregorian[1].month)
    if calendar == "julian":
        if same_month:
            (y, m, d1), (_, _, d2) = julian
            return f"{d1}{EN_DASH}{d2} {MONTH_ABBR[m - 1]} {year_text(y)} O.S."
        texts = [f"{d} {MONTH_ABBR[m - 1]} {year_text(y)} O.S." for y, m, d in julian]
        return f" {EN_DASH} ".join(texts)
    if same_month and julian[0][1] == gregorian[0].month:
        (y, m, d1), (_, _, d2) = julian
        return (f"{d1}{EN_DASH}{d2} ({gregorian[0].day}{EN_DASH}{gregorian[1].day}) {MONTH_ABBR[m - 1]} "
                f"{year_text(y)}")
    pairs = [_human_julian_pair(j, g) for j, g in zip(julian, gregorian, strict=True)]
    return pairs[0] if len(pairs) == 1 else f"{pairs[0]} {EN_DASH} {pairs[1]}"


def human(edtf: str, date_os: str | None = None, calendar: str = "both") -> str:
    """A date as people write it: 1 Dec 1934, Jan 1924, c. 1926, winter 1932-33, 25 Oct (7 Nov) 1917, 530 BC."""
    span = parse_edtf(edtf)
    if date_os and calendar != "gregorian":
        shown = _old_style(date_os, calendar)
        if shown is not None:
            return shown
    if not span.is_interval:
        assert span.start is not None
        return _human_point(span.start)
    if span.start is None:
        assert span.end is not None
        return f"until {_human_point(span.end)}"
    if span.end is None:
        return f"from {_human_point(span.start)}"
    s, e = span.start, span.end
    crosses = s.earliest.year <= 0 < e.earliest.year
    a, b = _human_point(s), _human_point(e, ad=crosses)
    if s.precision == e.precision == "year" and s.qualifier == e.qualifier:
        named = _named_years(s.earliest.year, e.earliest.year)
        if named:
            return ("c. " if s.qualifier in ("~", "%") else "") + named + ("?" if s.qualifier in ("?", "%") else "")
    if not (s.qualifier or e.qualifier) and s.precision == e.precision and s.earliest.year == e.earliest.year:
        if s.precision == "day":
            if s.earliest.month == e.earliest.month:
                return f"{s.earliest.day}{EN_DASH}{b}"
            return f"{s.earliest.day} {MONTH_ABBR[s.earliest.month - 1]} {EN_DASH} {b}"
        if s.precision == "month":
            return f"{MONTH_ABBR[s.earliest.month - 1]}{EN_DASH}{b}"
        if s.precision == "season" and "winter" not in (_season(s), _season(e)):
            return f"{_season(s)}{EN_DASH}{b}"
    if s.precision == e.precision == "year" and not (s.qualifier or e.qualifier):
        return _years_range(s.earliest.year, e.earliest.year)
    return f"{a} {EN_DASH} {b}"
