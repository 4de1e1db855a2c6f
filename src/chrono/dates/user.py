"""Dates typed by a user on the command line: --from, --to, --year, --around, between, and on's day of the year."""

from __future__ import annotations

import re

from chrono.dates.days import MONTH_NAMES, month_length
from chrono.dates.edtf import SEASON_CODES, DateError, Span, is_valid_edtf, parse_edtf

USER_DATE_EXAMPLES = "1934, 1934-12, 1934-12-01, 1930s, 'Dec 1934', '1 December 1934', '530 BC' or 'AD 43'"
_ISO_USER = re.compile(r"(-?)(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)
_DECADE_USER = re.compile(r"(\d{3})0s", re.ASCII)
_SEASON_USER = re.compile(r"(spring|summer|autumn|fall|winter)\s+(\d{4})", re.IGNORECASE)
_AMBIGUOUS = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
# Words that mark a date as one of the era's or deep time's (read as a data cell would be).
_ERA = re.compile(r"\b(?:b\.?c\.?(?:e\.?)?|a\.?d\.?|c\.?e\.?|century|millennium|ago|ma|ka|bp|mya)\b"
                  r"|\d(?:bce?|ad|ce)\b", re.IGNORECASE)


def parse_user_date(text: str) -> Span:
    """Parse a date typed by a user (ISO, decade, season, era, or free text) into the span it names."""
    raw = text
    text = text.strip()
    if not text:
        raise DateError(f"empty date; use a form such as {USER_DATE_EXAMPLES}")
    if text[:1] in "-Y" and re.fullmatch(r"(?:Y-?|-)\d{5,}", text, re.ASCII):
        text = "Y-" + text.lstrip("Y-") if "-" in text else text  # a year of deep time, as EDTF writes it
    if is_valid_edtf(text):
        return parse_edtf(text)
    m = _ISO_USER.fullmatch(text)
    if m:
        sign, year, month, day = m.groups()
        edtf = sign + year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if month and day else "")
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
    if re.fullmatch(r"\d{1,3}", text, re.ASCII):
        if not int(text):
            raise DateError(f"{raw!r}: there is no year 0; write 1 BC, or 1 for AD 1")
        return parse_edtf(f"{int(text):04d}")
    if re.fullmatch(r"\d{5,}", text):
        raise DateError(f"{raw!r}: years have four digits; use a form such as {USER_DATE_EXAMPLES}")
    if re.fullmatch(r"'\d{2}", text):
        raise DateError(f"{raw!r}: give the year in full, e.g. 1934")
    if _ERA.search(text):
        from chrono.dates.humandates import read_date

        try:
            return parse_edtf(read_date(text).edtf)
        except DateError as exc:
            raise DateError(f"{raw!r}: {exc}") from None
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
            raise DateError(f"{raw!r}: give the year in full (four digits, or AD 43 for an early year), "
                            "e.g. 'Dec 1934'")
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
    limit = 29 if month == 2 else month_length(2001, month)
    if not 1 <= day <= limit:
        raise DateError(f"{raw!r}: {MONTH_NAMES[month - 1].title()} has no day {day}")
    return month, day
