"""Days of the proleptic Gregorian calendar in astronomical year numbering, and their arithmetic.

Python's datetime.date holds years 1 to 9999 only; a chronology reaches from deep time to AD 9999.
A Day is (year, month, day) with year 0 for 1 BC, -1 for 2 BC and so on (as EDTF and ISO 8601 write
them); days compare in time order, count from an epoch (ordinal) for arithmetic, and become the
integer YYYYMMDD (signed) that the index stores. The Julian calendar's conversions live here too.
"""

from __future__ import annotations

from typing import NamedTuple

# Years a chronology can hold: deep time by year, both ways (the index stores year * 10000 + month * 100 + day).
MAX_YEAR = 10**12 - 1
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap(year: int) -> bool:
    """Whether a (proleptic, astronomical) Gregorian year has 29 February: year 0 (1 BC) does."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    """Days in a month of the Gregorian calendar."""
    return 29 if month == 2 and is_leap(year) else _DAYS_IN_MONTH[month]


def _days_from_civil(year: int, month: int, day: int) -> int:
    # Howard Hinnant's days_from_civil: days since 1970-01-01, for any year (floor division throughout).
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(n: int) -> tuple[int, int, int]:
    z = n + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


class Day(NamedTuple):
    """One day: (year, month, day) in astronomical years; compares in time order."""

    year: int
    month: int
    day: int

    @classmethod
    def from_ordinal(cls, n: int) -> Day:
        """The day n days after 1970-01-01 (n may be negative)."""
        return cls(*_civil_from_days(n))

    def ordinal(self) -> int:
        """Days since 1970-01-01 (negative before it)."""
        return _days_from_civil(self.year, self.month, self.day)

    def weekday(self) -> int:
        """Monday 0 to Sunday 6."""
        return (self.ordinal() + 3) % 7

    def isoformat(self) -> str:
        """ISO 8601 / EDTF text: 1934-12-01, 0043-01-01, -0529-03-15 (530 BC), -4000000-01-01 in deep time."""
        return f"{iso_year(self.year)}-{self.month:02d}-{self.day:02d}"

    def plus_days(self, n: int) -> Day:
        """The day n days later (earlier when n < 0)."""
        return Day.from_ordinal(self.ordinal() + n)


def iso_year(year: int) -> str:
    """A year as ISO 8601 writes it: four digits at least, a minus sign before years before 1 BC."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def month_end(year: int, month: int) -> Day:
    """The last day of a month."""
    return Day(year, month, month_length(year, month))


def ymd(d: Day) -> int:
    """A day as the integer YYYYMMDD (negative years too: the order of the integers is the order of the days)."""
    return d.year * 10000 + d.month * 100 + d.day


def from_ymd(value: int) -> Day:
    """The day of an index day number (the inverse of ymd)."""
    return Day(value // 10000, value // 100 % 100, value % 100)


def shift(d: Day, amount: int, unit: str) -> Day:
    """Move a day by a number of days (d), months (m) or years (y), clamped to the month's end and the year range."""
    if unit == "d":
        moved = d.plus_days(amount)
        if abs(moved.year) > MAX_YEAR:
            return Day(MAX_YEAR if amount > 0 else -MAX_YEAR, 12 if amount > 0 else 1, 31 if amount > 0 else 1)
        return moved
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(d.year * 12 + d.month - 1 + months, 12)
    year = min(max(year, -MAX_YEAR), MAX_YEAR)
    return Day(year, month + 1, min(d.day, month_length(year, month + 1)))


def shift_ymd(value: int, amount: int, unit: str) -> int:
    """shift() on index day numbers (an SQL function for --max-span)."""
    return ymd(shift(from_ymd(value), amount, unit))


def day_number(value: int) -> int:
    """The ordinal of an index day number (an SQL function: days between two events, distance for --around)."""
    return from_ymd(value).ordinal()


def years_between(a: Day, b: Day) -> tuple[int, int, int]:
    """(years, months, days) from a to b (a <= b), counted as calendars are: a month on from 31 Jan is 28/29 Feb."""
    months = (b.year - a.year) * 12 + b.month - a.month
    anchor = shift(a, months, "m")
    if anchor > b:
        months -= 1
        anchor = shift(a, months, "m")
    years, months = divmod(months, 12)
    return years, months, b.ordinal() - anchor.ordinal()


# The Julian calendar ---------------------------------------------------------------------------

_JULIAN_EPOCH = 719470  # _julian_days(1970, 1, 19) == 0: 1 January 1970 Gregorian is 19 December 1969 Julian


def julian_month_length(year: int, month: int) -> int:
    """Days in a month of the Julian calendar (every fourth year is a leap year, year 0 too)."""
    if month == 2:
        return 29 if year % 4 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _julian_days(year: int, month: int, day: int) -> int:
    # Days since an epoch in the Julian calendar: 1461 days in every four years, March-based months.
    y = year - (month <= 2)
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return y * 365 + y // 4 + doy


def julian_to_day(year: int, month: int, day: int) -> Day:
    """The Gregorian day of a Julian-calendar date (raise ValueError when it is not a day of that calendar)."""
    if not 1 <= month <= 12 or not 1 <= day <= julian_month_length(year, month):
        raise ValueError(f"{iso_year(year)}-{month:02d}-{day:02d} is not a day of the Julian calendar")
    return Day.from_ordinal(_julian_days(year, month, day) - _JULIAN_EPOCH)


def day_to_julian(d: Day) -> tuple[int, int, int]:
    """The Julian-calendar (year, month, day) of a day."""
    n = d.ordinal() + _JULIAN_EPOCH
    y, rest = divmod(4 * n + 3, 1461)
    doy = rest // 4
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return y + (month <= 2), month, day
