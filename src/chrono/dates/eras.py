"""The parts of a written date that name an era or a scale: BC and AD, centuries and millennia, deep time
(4 million years ago, 65 Ma, 12,000 BP), and ISO 8601 date-times as databases export them.

Each function takes text already lowered and spaced by the cell reader (chrono.dates.humandates) and
gives years in astronomical numbering (1 BC is 0, 530 BC is -529).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from chrono.dates.days import MAX_YEAR
from chrono.dates.edtf import DateError, edtf_year

# Years of deep time are read as "years ago" from this many years back (where the two thousand years since
# 1 BC are lost in the rounding); closer dates are written as years, or as BP (before 1950).
DEEP_TIME_AGO = 100_000
BP_YEAR = 1950
_ERA_AFTER = re.compile(r"(?:(?<=\d)|(?<=\d\.)|\s)(b\.?\s?c\.?(?:\s?e\.?)?|a\.?\s?d\.?|c\.?\s?e\.?)$")
_ERA_BEFORE = re.compile(r"(?:^|(?<=\s))a\.?\s?d\.?\s*(?=\d+(?:'?s)?$)")
_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "ka": 10**3, "kya": 10**3, "ma": 10**6,
          "mya": 10**6, "ga": 10**9, "bya": 10**9}
_AGO = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion)?\s*years?\s+ago")
_UNIT_AGO = re.compile(r"(\d+(?:\.\d+)?)\s*(ka|kya|ma|mya|ga|bya)")
_BP = re.compile(r"(\d+)\s*(?:cal\.?\s*)?(?:years?\s+)?b\.?p\.?")
_RUN = re.compile(r"(\d{1,3})\s+(century|millennium)")
_BC_DECADE = re.compile(r"(\d+)0'?s")
_WORD_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    "twentieth",
)
_ORDINAL_WORD = re.compile(rf"\b({'|'.join(_WORD_ORDINALS)})\s+(?=century|millennium)")
_ISO_TIME = re.compile(r"\+?(-?\d{4,})-(\d{2})-(\d{2})[t ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                       r"(z|[+-]\d{2}(?::?\d{2})?)?")
# A thousands separator: 10,000 BC, 4,000,000 years ago.
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def split_era(text: str) -> tuple[str, str | None]:
    """text without its era, and the era: 'bc' (BC, BCE, B.C.), 'ad' (AD, CE, A.D.), or None."""
    m = _ERA_AFTER.search(text)
    if m:
        return text[: m.start()].strip(), "bc" if m[1].startswith("b") else "ad"
    m = _ERA_BEFORE.search(text)
    if m:
        return (text[: m.start()] + text[m.end():]).strip(), "ad"
    return text, None


def word_ordinals(text: str) -> str:
    """'third century' as '3 century' (the cell reader drops the 'rd' of '3rd' the same way)."""
    return _ORDINAL_WORD.sub(lambda m: f"{_WORD_ORDINALS.index(m[1]) + 1} ", text)


def deep_time(text: str) -> int | None:
    """The (astronomical) year of '4 million years ago', '65 ma', '300 ka', '12000 bp'; None if not such text."""
    m = _AGO.fullmatch(text) or _UNIT_AGO.fullmatch(text)
    if m:
        from decimal import Decimal

        ago = Decimal(m[1]) * _SCALE.get(m[2] or "", 1)
        if ago != int(ago) or ago < DEEP_TIME_AGO:
            raise DateError(f"{text!r}: 'years ago' is read for deep time only ({DEEP_TIME_AGO:,} years or more); "
                            "write a year instead (1726, 530 BC) or years before present (12,000 BP)")
        return _in_range(-int(ago))
    m = _BP.fullmatch(text)
    if m:
        return _in_range(BP_YEAR - int(m[1]))
    return None


def _in_range(year: int) -> int:
    if abs(year) > MAX_YEAR:
        raise DateError(f"year {year:,} is beyond what a chronology holds ({MAX_YEAR:,} years either way)")
    return year


def run_of_years(text: str, era: str | None) -> tuple[int, int] | None:
    """(first, last) year of a century, a millennium or a decade BC: '3 century' + 'bc', '530s' + 'bc'."""
    m = _RUN.fullmatch(text)
    if m:
        n, size = int(m[1]), 100 if m[2] == "century" else 1000
        if n == 0:
            raise DateError(f"there is no 0th {m[2]}; the first is the 1st")
        if era == "bc":
            return 1 - n * size, -(n - 1) * size
        return (n - 1) * size + 1, n * size
    m = _BC_DECADE.fullmatch(text) if era == "bc" else None
    if m:
        last = int(m[1]) * 10
        if last == 0:
            raise DateError("there is no 0s BC; the decade before AD 1 is 1 BC to 9 BC, written 1 BC – 9 BC")
        return 1 - (last + 9), 1 - last
    return None


class DateTime(NamedTuple):
    """An ISO 8601 date-time read as a date: its EDTF, and the time of day when it is not midnight."""

    edtf: str
    time: str | None


def iso_datetime(text: str) -> DateTime | None:
    """A date-time as databases and Wikidata export them (1618-05-23T00:00:00Z; month or day 00: not known)."""
    m = _ISO_TIME.fullmatch(text)
    if m is None:
        return None
    year_text, month_text, day_text, hour, minute, second, zone = m.groups()
    year = int(year_text)
    if year_text.startswith("-") and year == 0:
        raise DateError("-0000 is not a year; 1 BC is 0000")
    month, day = int(month_text), int(day_text)
    if abs(year) > 9999 and (month or day):
        month = day = 0  # a year beyond four digits is known to the year only
    edtf = edtf_year(_in_range(year))
    if month:
        edtf += f"-{month:02d}" + (f"-{day:02d}" if day else "")
    clock = (hour, minute, second or "00")
    time = None if clock == ("00", "00", "00") else ":".join(clock[:3] if second else clock[:2])
    if time and zone:
        time += "Z" if zone == "z" else zone
    return DateTime(edtf, time)
