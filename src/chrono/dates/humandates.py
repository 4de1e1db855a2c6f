"""Dates as people write them in users' chronologies, read into the format's EDTF and Old Style date_os."""

from __future__ import annotations

import re
from typing import NamedTuple

from chrono.dates.calendars import julian_text, julian_to_gregorian
from chrono.dates.days import MONTH_ABBR, MONTH_NAMES, Day
from chrono.dates.edtf import SEASON_CODES, DateError, edtf_year, is_valid_edtf, parse_edtf, years_edtf
from chrono.dates.eras import THOUSANDS, deep_time, iso_datetime, run_of_years, split_era, word_ordinals
from chrono.dates.human import human
from chrono.dates.user import free_text_fields

EXAMPLES = ("1934, Dec 1934, 1 Dec 1934, c. 1926, 1929?, 1930s, spring 1930, 1917–1922, from 1930, "
            "25 Oct (7 Nov) 1917, 530 BC, AD 43 or 3rd century BC")
ORDERS = (None, "dayfirst", "monthfirst")
MAX_LENGTH = 100
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class DateReading(NamedTuple):
    """A date cell read: its EDTF value and, when the text gave one, its Old Style (Julian) value."""

    edtf: str
    date_os: str | None = None
    time: str | None = None


class _F(NamedTuple):
    """One point as written: the fields it gives (month 21-24 is a season) and its EDTF qualifier."""

    year: int | None
    month: int | None = None
    day: int | None = None
    decade: bool = False
    qual: str = ""
    last: int | None = None  # the last year of a run of whole years (a century, a millennium, a decade BC)


_Ends = list  # [point] or [start, end]; None for an open end
_NOT = object()  # not shaped like a date

# Normalisation: one dash for the en dash and its look-alikes, a hyphen for the hyphens.
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "–", "\u2014": "–", "\u2015": "–", "\u2212": "–"})
_MONTH = "|".join(n[:3] + (f"(?:{n[3:]})?" if len(n) > 3 else "") for n in MONTH_NAMES) + "|sept"
_M = rf"(?P<m>{_MONTH})\.?"
_GAP = r"[\s./-]*"  # between the words of one date: 1 Dec 1934, 1-Dec-1934, Dec. 1934
_DAY_MONTH = re.compile(rf"(?P<d>\d{{1,2}}){_GAP}{_M}(?:{_GAP}(?P<y>\d+))?")
_MONTH_DAY = re.compile(rf"{_M}{_GAP}(?P<d>\d{{1,2}})(?:[\s./-]+(?P<y>\d+))?")
_MONTH_YEAR = re.compile(rf"{_M}(?:{_GAP}(?P<y>\d{{3,}}))?")
_SEASON = re.compile(r"(?P<s>spring|summer|autumn|fall)(?:\s*(?P<y>\d+))?")
_WINTER = re.compile(r"winter(?:\s*(?P<y>\d+)(?:\s*[-–/]\s*(?P<y2>\d+))?)?")
_DECADE = re.compile(r"(?P<y>\d+)'?s|(?P<x>\d{3})x")
_NUM3 = re.compile(r"(?P<a>\d+)(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d+)")
_NUM2 = re.compile(r"(?P<a>\d+)(?P<sep>[-/.])(?P<b>\d+)")
_QPRE = re.compile(r"(?:(?:circa|ca|c|about|approx(?:imately)?|around|abt)\b\.?|~)\s*")
_QPOST = re.compile(r"\s*([?~%])$")
_SEP = re.compile(r"\s*(?:–|-|/)\s*|\s+(?:to|until|till|through)\s+")
_AND = re.compile(r"\s+and\s+")
_OS = re.compile(r"\(?\bo\.?\s?s\b\.?\)?")
_TIME = re.compile(r"t?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:[ap]\.?m\b\.?|z|utc|gmt))?|\b\d{1,2}\s*[ap]\.?m\b\.?")


def read_date(text: str, order: str | None = None) -> DateReading:
    """Read one date cell as written (1 Dec 1934, c. 1926, 1917–1922, 25 Oct (7 Nov) 1917, ...); raise DateError."""
    if order not in ORDERS:
        raise ValueError(f"order is one of {ORDERS}, not {order!r}")
    if not isinstance(text, str):
        raise DateError(f"a date is text, e.g. {EXAMPLES}")
    raw = text.strip()
    if not raw:
        raise DateError(f"empty date: write e.g. {EXAMPLES}")
    if len(raw) > MAX_LENGTH:
        raise DateError(f"too long for a date ({len(raw)} characters); write e.g. {EXAMPLES}")
    if not raw.isascii():  # other scripts' decimal digits (١٩٣٤) as ASCII ones, which the format writes
        raw = re.sub(r"\d", lambda m: str(int(m[0])), raw)
    if is_valid_edtf(raw):
        return DateReading(raw)
    stamp = iso_datetime(raw.lower())
    if stamp is not None:
        parse_edtf(stamp.edtf)
        return DateReading(stamp.edtf, time=stamp.time)
    if raw[0] in "-Y" and raw[1:2].isdigit() or raw[:2] == "Y-":
        parse_edtf(raw)  # a signed or long year is EDTF: its reason, not a guess at what else it might be
    s = _normalise(raw)
    if _TIME.search(s):
        raise DateError(f"times are not part of a chronology date; give the day only{_time_hint(s, order)}")
    if "(" in s or ")" in s or _OS.search(s):
        return _old_style(s, order)
    ends = _parse(s, order)
    if ends is None:
        point = _free_text(s, order)
        if point is None:
            raise _no_date(s)
        ends = [point]
    sides = ("start", "end") if len(ends) == 2 else (None,)
    return DateReading(_joined([".." if f is None else _edtf(f, side) for f, side in zip(ends, sides, strict=True)]))


def read_range(start: str, end: str, order: str | None = None) -> DateReading:
    """Read a date given as separate start and end cells: an empty end gives the start alone, '..' an open end."""
    first, last = (t.strip() if isinstance(t, str) else t for t in (start, end))
    if not last:
        return read_date(first, order)
    if not first:
        raise DateError("an end date without a start date: give the start, or '..' for an unknown start")
    ends: list[DateReading | None] = []
    for name, cell in (("start", first), ("end", last)):
        if cell == "..":
            ends.append(None)
            continue
        try:
            reading = read_date(cell, order)
        except DateError as exc:
            raise DateError(f"{name} date: {exc}") from None
        if "/" in reading.edtf:
            # A range in one cell (between 25 and 26 June): the start takes its first end, the end its last.
            first, last = reading.edtf.split("/")
            part = first if name == "start" else last
            os_parts = reading.date_os.split("/") if reading.date_os else None
            if part == "..":
                raise DateError(f"the {name} date {cell!r} is open at its {name}; give one date in each cell")
            reading = DateReading(part, os_parts[0 if name == "start" else -1] if os_parts else None)
        ends.append(reading)
    a, b = ends
    if a is not None and a == b:
        return a
    oss = [r.date_os if r else None for r in ends]
    if any(oss) and not all(oss):
        raise DateError("give the Old Style date for both the start and the end, or for neither")
    edtf = _joined([r.edtf if r else ".." for r in ends])
    return DateReading(edtf, "/".join(oss) if all(oss) else None)  # type: ignore[arg-type]


def _normalise(text: str) -> str:
    """Lower case, one kind of dash, no commas, ordinals or 'the'/'of', single spaces, no trailing period."""
    s = THOUSANDS.sub("", text.translate(_DASHES).lower()).replace(",", " ").replace("(?)", "?")
    s = word_ordinals(re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", s))
    s = re.sub(r"\b(?:the|of)\b", " ", s)
    s = re.sub(r"\s*\)", ")", re.sub(r"\(\s*", "(", s))
    s = re.sub(r"\s+\?", "?", " ".join(s.split()))
    return re.sub(r"(?<!\.)\.$", "", s).strip()


def _year(digits: str, alone: bool = False) -> int:
    """A year as written: beside a month or day it needs three or four digits; alone or with an era, any."""
    if int(digits) == 0:
        raise DateError("there is no year 0: 1 BC is followed by AD 1")
    if not alone and len(digits) <= 2:
        raise DateError(f"two-digit years are ambiguous ('{digits}'); write the year in full (four digits), "
                        f"or with its era (AD {int(digits)}, {int(digits)} BC)")
    if not alone and len(digits) > 4:
        raise DateError(f"year {digits} has more than four digits; write a year of deep time on its own, "
                        f"with its era ({int(digits):,} BC)")
    return int(digits)


def _month(name: str) -> int:
    """The number of an English month name, full or abbreviated."""
    return next(i for i, full in enumerate(MONTH_NAMES, 1) if full.startswith(name[:3]))


def _day_month(a: int, b: int, year: int, text: str, order: str | None) -> tuple[int, int]:
    """(day, month) of a numeric date a/b/year, asking for an order when both readings are possible."""
    if order == "dayfirst":
        day, month = a, b
    elif order == "monthfirst":
        day, month = b, a
    elif 1 <= a <= 12 and 1 <= b <= 12 and a != b:
        raise DateError(
            f"{text!r} is ambiguous: {a} {MONTH_NAMES[b - 1].title()} {year} (day first) or "
            f"{b} {MONTH_NAMES[a - 1].title()} {year} (month first); use --dayfirst or --monthfirst, "
            f"or write {year:04d}-{b:02d}-{a:02d} (or {year:04d}-{a:02d}-{b:02d})"
        )
    else:
        day, month = (b, a) if b > 12 >= a else (a, b)
    if not 1 <= month <= 12:
        how = f" (--{order} reads the {'day' if order == 'dayfirst' else 'month'} first)" if order else ""
        raise DateError(f"{text!r}: month {month} is not 1-12{how}")
    return day, month


def _point(text: str, order: str | None, partial: bool = False) -> _F | None:
    """One point with its qualifiers (c. ... ?), or None when text is not shaped like one; raise on a bad year."""
    s, approx, uncertain = text.strip(), False, False
    if m := _QPRE.match(s):
        s, approx = s[m.end() :], True
    if m := _QPOST.search(s):
        s, approx, uncertain = s[: m.start()], approx or m[1] in "~%", m[1] in "?%"
    point = _era_point(s.strip(), order, partial)
    if point is None:
        return None
    return point._replace(qual="%" if approx and uncertain else "~" if approx else "?" if uncertain else "")


def _era_point(s: str, order: str | None, partial: bool) -> _F | None:
    """One point with its era (530 BC, AD 43), a century or millennium, or a year of deep time."""
    year = deep_time(s)
    if year is not None:
        return _F(year)
    body, era = split_era(s)
    run = run_of_years(body, era)
    if run is not None:
        return _F(run[0], last=run[1])
    if era == "bc" and (m := re.fullmatch(r"winter\s*(\d+)\s*[-–/]\s*(\d+)", body)):
        if int(m[1]) != int(m[2]) + 1:
            raise DateError(f"winter {m[1]}–{m[2]} BC is not two consecutive years; write e.g. winter 45–44 BC")
        return _F(1 - _year(m[1], True), 24)
    point = _core(body, order, partial and era is None, era is not None)
    if point is None or era != "bc" or point.year is None:
        return point
    if point.decade:
        raise DateError(f"write a decade BC as its years, e.g. {point.year}s BC is {point.year + 9}–{point.year} BC")
    return point._replace(year=1 - point.year)


def _core(s: str, order: str | None, partial: bool, era: bool = False) -> _F | None:
    """One point without qualifiers; partial allows a bare day (the start of 1–5 Dec 1934); era: years may be short."""
    if era and (m := re.fullmatch(rf"{_M}{_GAP}(?P<y>\d{{1,4}})", s)):  # Mar 44 BC: with an era, a year
        return _F(_year(m["y"], era), _month(m["m"]))
    if m := _DAY_MONTH.fullmatch(s) or _MONTH_DAY.fullmatch(s):
        return _F(_year(m["y"], era) if m["y"] else None, _month(m["m"]), int(m["d"]))
    if m := _MONTH_YEAR.fullmatch(s):
        return _F(_year(m["y"], era) if m["y"] else None, _month(m["m"]))
    if m := _SEASON.fullmatch(s):
        return _F(_year(m["y"], era) if m["y"] else None, SEASON_CODES[m["s"]])
    if m := _WINTER.fullmatch(s):
        year = _year(m["y"], era) if m["y"] else None
        if year is not None and m["y2"]:
            second = m["y2"]
            short = len(second) == 2 and int(second) == (year + 1) % 100
            if not short and (len(second) != 4 or _year(second) != year + 1):
                raise DateError(
                    f"winter {year}–{second} is not two consecutive years; winter {year} runs from December {year} "
                    f"to February {year + 1}: write winter {year}–{(year + 1) % 100:02d}"
                )
        return _F(year, 24)
    if m := _DECADE.fullmatch(s):
        year = int(m["x"]) * 10 if m["x"] else _year(m["y"], era)
        if year % 10 or year == 0:
            raise DateError(f"a decade is written with its first year, e.g. {year // 10 * 10 or 1930}s")
        return _F(year, decade=True)
    if m := _NUM3.fullmatch(s):
        if len(m["a"]) > 2:
            return _F(_year(m["a"]), int(m["b"]), int(m["c"])) if len(m["c"]) <= 2 else None
        year = _year(m["c"])
        day, month = _day_month(int(m["a"]), int(m["b"]), year, s, order)
        return _F(year, month, day)
    if m := _NUM2.fullmatch(s):
        a, b = m["a"], m["b"]
        if len(a) > 2 and len(b) <= 2 and m["sep"] == "-":
            if not (1 <= int(b) <= 12 or 21 <= int(b) <= 24):
                end = int(a) // 100 * 100 + int(b)
                hint = f"; write a range of years in full, e.g. {a}–{end}" if end > int(a) else ""
                raise DateError(f"month {b} is not 1-12 (21-24 for a season){hint}")
            return _F(_year(a), int(b))
        if len(a) <= 2 and len(b) > 2:
            if not 1 <= int(a) <= 12:
                raise DateError(f"{s!r}: month {int(a)} is not 1-12")
            return _F(_year(b), int(a))
        if len(a) <= 2 and len(b) <= 2:
            raise DateError(f"{s!r} has no year; add the year in full (four digits)")
        return None
    if re.fullmatch(r"\d{1,2} \d+", s):
        raise DateError("a day without a month; write e.g. 1 Dec 1934")
    if re.fullmatch(r"\d+", s):  # not str.isdigit(), which takes '²' that int() refuses
        if partial and len(s) <= 2:
            return _F(None, None, int(s))
        if len(s) > 4 and not era:
            raise DateError(f"year {s} has more than four digits; write a year of deep time with its era "
                            f"({int(s):,} BC) or as EDTF (Y-{s})")
        return _F(_year(s, alone=True))
    return None


def _parse(s: str, order: str | None) -> _Ends | None:
    """The ends of s ([point] or [start, end], None for an open end), or None when s is not shaped like a date."""
    word, _, rest = s.partition(" ")
    if word in ("until", "till", "til") or s.startswith("up to "):
        point = _point(s.removeprefix("up to ") if word == "up" else rest, order)
        return None if point is None else [None, point]
    if word in ("before", "after"):
        point = _point(rest, order)
        return None if point is None else [None, _step(point, -1)] if word == "before" else [_step(point, 1), None]
    if word in ("from", "since"):
        ends = _parse(rest, order) if word == "from" else _point_ends(rest, order)
        return None if ends is None else [ends[0], None] if len(ends) == 1 else ends
    if m := re.fullmatch(r"(\d\d)(\d\d)(?:\s*–\s*|\s+-\s*|\s*-\s+)(\d\d)", s):
        raise DateError(f"two-digit years are ambiguous; write both years in full, e.g. {m[1]}{m[2]}–{m[1]}{m[3]}")
    if word == "between":
        return _split(rest, order, _AND)
    if m := re.fullmatch(r"(.+?)(?:\s*[–-]| onwards?)", s):
        ends = _point_ends(m[1], order)
        if ends is not None:
            return [ends[0], None]
    return _point_ends(s, order) or _split(s, order, _SEP)


def _point_ends(s: str, order: str | None) -> _Ends | None:
    """[point] when s is one point, else None."""
    point = _point(s, order)
    return None if point is None else [point]


def _split(s: str, order: str | None, sep: re.Pattern[str]) -> _Ends | None:
    """[start, end] of a range A – B (the start borrowing year or month from the end), or None when s is not one."""
    found: dict[tuple[_F | None, ...], _Ends] = {}
    errors: list[DateError] = []
    for m in sep.finditer(s):
        left, right = s[: m.start()].strip(), s[m.end() :].strip()
        if not left or not right:
            continue
        b = _side(right, order, False)
        year_only = isinstance(b, _F) and b.month is None
        if year_only and _era_of(right) == "bc" and _era_of(left) is None:
            left += " bc"  # 55–54 BC: the era of the end year is the start's too
        a = _side(left, order, not year_only)
        if a is _NOT or b is _NOT:
            continue
        try:
            ends = [_borrow(_ok(a), _ok(b)), b]
        except DateError as exc:
            errors.append(exc)
            continue
        found[tuple(ends)] = ends
    if len(found) > 1:
        raise DateError("the range can be read in more than one way; write it as A – B with spaces around the dash")
    if found:
        return next(iter(found.values()))
    if errors:
        raise errors[0]
    return None


def _era_of(text: str) -> str | None:
    """The era a point names ('bc', 'ad' or None), whatever its qualifiers."""
    return split_era(_QPOST.sub("", text))[1]


def _side(text: str, order: str | None, partial: bool) -> object:
    """One side of a range: a point, None for an open end, _NOT when not shaped like a date, or the error it raises."""
    if text == "..":
        return None
    try:
        point = _point(text, order, partial)
    except DateError as exc:
        return exc
    return _NOT if point is None else point


def _ok(side: object) -> _F | None:
    """A side of a range that was read, raising the error of one that was not."""
    if isinstance(side, DateError):
        raise side
    return side  # type: ignore[return-value]


def _borrow(a: _F | None, b: _F | None) -> _F | None:
    """The start of a range, given the year (or month and year) of its end when it has none of its own."""
    if a is None or a.year is not None:
        return a
    if b is None or b.year is None or b.decade:
        raise DateError("the start of the range has no year; write it in full, e.g. 1 Nov 1934 – 5 Dec 1935")
    if a.month is None:
        if b.month is None or b.month > 12:
            raise DateError("a day without a month at the start of the range; write e.g. 1–5 Dec 1934")
        return a._replace(year=b.year, month=b.month)
    return a._replace(year=b.year)


def _step(f: _F, direction: int) -> _F:
    """The unit just before (-1) or after (+1) a point, at its precision: before 1934 is 1933, after May 1934 June."""
    if f.year is None:
        raise DateError("before and after take a whole date, e.g. before 1929 or after May 1934")
    span = parse_edtf(_edtf(f))
    assert span.earliest is not None and span.latest is not None
    d = span.earliest.plus_days(-1) if direction < 0 else span.latest.plus_days(1)
    if f.day is not None:
        return _F(d.year, d.month, d.day, qual=f.qual)
    if f.month is not None:
        return _F(d.year, d.month, qual=f.qual)
    return _F(d.year, qual=f.qual)


def _edtf(f: _F, side: str | None = None) -> str:
    """The EDTF text of a complete point (side: the start or end of a range), validated by parse_edtf."""
    if f.last is not None:
        if side is None:
            return years_edtf(f.year, f.last, f.qual)  # type: ignore[arg-type]
        return edtf_year(f.year if side == "start" else f.last) + f.qual  # type: ignore[arg-type]
    if f.year is None:
        if f.day is not None and f.day > 31:
            raise DateError(f"two-digit years are ambiguous ('{f.day}'); write the year in full (four digits)")
        raise DateError("no year; write the year in full (four digits), e.g. Dec 1934 or 1 Dec 1934")
    if f.day is not None and f.month is None:
        raise DateError("a day without a month; write e.g. 1 Dec 1934")
    if f.month is not None and abs(f.year) > 9999:
        raise DateError("a date beyond 9999 BC or AD 9999 is known to the year only")
    if f.decade:
        text = f"{f.year // 10:03d}X"
    else:
        text = edtf_year(f.year) + "".join(f"-{v:02d}" for v in (f.month, f.day) if v is not None)
    parse_edtf(text + f.qual)
    return text + f.qual


def _joined(texts: list[str]) -> str:
    """The EDTF value of one point or of a range A/B, raising when the range ends before it starts."""
    if texts == ["..", ".."]:
        raise DateError("a range needs at least one known end")
    spans = [None if text == ".." else parse_edtf(text) for text in texts]
    a, b = spans[0], spans[-1]
    if len(spans) == 2 and a and b and a.earliest and b.latest and a.earliest > b.latest:
        raise DateError(f"the range ends ({human(texts[1])}) before it starts ({human(texts[0])})")
    return "/".join(texts)


def _old_style(s: str, order: str | None) -> DateReading:
    """An Old Style date: '25 Oct 1917 O.S.', '25 Oct (7 Nov) 1917', '15–16 (28–29) Mar 1917', or a range of two."""
    marks = list(_OS.finditer(s))
    if marks:
        body = " ".join(_OS.sub(" ", s).split())
        if "(" in body or ")" in body:
            raise DateError("write an Old Style date as '25 Oct 1917 O.S.' or as '25 Oct (7 Nov) 1917', not both")
        if marks[-1].end() != len(s) or len(marks) > 2:
            raise DateError("O.S. ends the date (25 Oct 1917 O.S.), or each end of a range (… O.S. – … O.S.)")
        return _os_reading(_parse_days(body, order), None)
    if not re.fullmatch(r"[^()]*\([^()]*\)[^()]*(?:\([^()]*\)[^()]*)?", s):
        raise DateError("brackets hold the New Style date of an Old Style one: write e.g. 25 Oct (7 Nov) 1917")
    if s.count("(") == 1:
        return _os_reading(*_pair(s, order))
    gap = (s.index(")") + 1, s.index("(", s.index(")")))
    error = DateError("write a range of Old Style dates as 24 Apr (7 May) 1917 – 29 Apr (12 May) 1917")
    for m in _SEP.finditer(s, *gap):
        try:
            (j1, g1), (j2, g2) = _pair(s[: m.start()], order), _pair(s[m.end() :], order)
        except DateError as exc:
            error = exc
            continue
        if len(j1) == len(j2) == 1:
            return _os_reading(j1 + j2, g1 + g2)
    raise error


def _pair(s: str, order: str | None) -> tuple[_Ends, _Ends]:
    """The Julian and the Gregorian ends of 'X (Y) Z': X Z is the Old Style date, Y Z the New Style one."""
    m = re.fullmatch(r"([^()]*)\(([^()]*)\)([^()]*)", s.strip())
    if m is None:
        raise DateError("brackets hold the New Style date of an Old Style one: write e.g. 25 Oct (7 Nov) 1917")
    x, y, z = m.groups()
    julian, gregorian = _parse_days(f"{x} {z}", order), _parse_days(f"{y} {z}", order)
    if len(julian) != len(gregorian):
        raise DateError("give one day in both calendars, or two days in both: e.g. 15–16 (28–29) Mar 1917")
    return julian, gregorian


def _parse_days(s: str, order: str | None) -> _Ends:
    """The day or two days of one side of an Old Style date."""
    ends = _parse(" ".join(s.split()), order)
    if ends is None or any(f is None or f.year is None or f.month is None or f.month > 12 or f.day is None
                           for f in ends):
        raise DateError("an Old Style date is a day or two days: write e.g. 25 Oct 1917 O.S. or 25 Oct (7 Nov) 1917")
    return ends


def _os_reading(julian: _Ends, gregorian: _Ends | None) -> DateReading:
    """The New Style EDTF and the date_os of Julian days, checked against the Gregorian days given with them."""
    if any(f.qual for f in julian + (gregorian or [])):
        raise DateError("an Old Style date takes no qualifier (c., ?); give the days and put the doubt in a note")
    days = [julian_to_gregorian(f.year, f.month, f.day) for f in julian]
    for j, day, g in zip(julian, days, gregorian or julian, strict=True):
        if gregorian and (g.year, g.month, g.day) != (day.year, day.month, day.day):
            given = f"{g.day} {MONTH_ABBR[g.month - 1]}" + (f" {g.year}" if g.year != day.year else "")
            raise DateError(
                f"{j.day} {MONTH_ABBR[j.month - 1]} {j.year} (Julian) is "
                f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}, not {given}"
            )
    date_os = "/".join(julian_text(f.year, f.month, f.day) for f in julian)
    return DateReading(_joined([d.isoformat() for d in days]), date_os)


def _free_text(s: str, order: str | None) -> _F | None:
    """A point read by python-dateutil (Saturday 1 December 1934, 1934 Dec 1), when s names a month."""
    if not re.search(rf"\b(?:{_MONTH})\b", s) or "–" in s or not re.search(r"(?<!\d)\d{4}(?!\d)", s):
        return None
    fields = free_text_fields(s, dayfirst=order == "dayfirst")
    if fields is None:
        return None
    year, month, day, has_time = fields
    if has_time:
        raise DateError("times are not part of a chronology date; give the day only")
    if year is None or month is None or f"{year:04d}" not in re.findall(r"\d+", s):
        return None
    named = [w for w in WEEKDAYS if re.search(rf"\b{w[:3]}(?:{w[3:]})?\b", s)]
    if day is not None and named and WEEKDAYS[Day(year, month, day).weekday()] not in named:
        real = WEEKDAYS[Day(year, month, day).weekday()].title()
        raise DateError(f"{day} {MONTH_ABBR[month - 1]} {year} was a {real}, not a {named[0].title()}")
    return _F(year, month, day)


def _time_hint(s: str, order: str | None) -> str:
    """', e.g. 1934-12-01' when the text without its time is a date."""
    try:
        return f", e.g. {read_date(_TIME.sub(' ', s), order).edtf}"
    except DateError:
        return ""


def _no_date(s: str) -> DateError:
    """The error for text that is not shaped like a date, saying what is missing."""
    if re.search(r"'\d{2}\b", s):
        return DateError("two-digit years are ambiguous; write the year in full (four digits), e.g. 1934")
    if re.search(r"\b(?:before|after)\b", s):
        return DateError("'before' and 'after' take one date: write e.g. before 1929, after 400 BC")
    if not re.search(r"\d", s):
        return DateError(f"no date here; write e.g. {EXAMPLES}")
    if not re.search(r"(?<!\d)\d{4}(?!\d)", s):
        return DateError(f"no year written in full (four digits, or with its era: AD 43, 61 BC); write e.g. {EXAMPLES}")
    return DateError(f"not a date chrono can read; write e.g. {EXAMPLES}")
