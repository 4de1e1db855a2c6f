"""How long between two events or dates: years, months and days, no more precise than the dates are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from chrono.dates.days import Day, years_between, ymd
from chrono.dates.edtf import Point, Span
from chrono.dates.human import human

if TYPE_CHECKING:
    from chrono.model import Event

# How finely an interval can be counted when an end has this precision: 0 days, 1 months, 2 years.
GRAIN = {"day": 0, "month": 1, "season": 2, "year": 2, "decade": 2}
GRAIN_NAMES = ("day", "month", "year")


class End(NamedTuple):
    """One end of the interval: an event (or a typed date) and the day on which it is counted."""

    text: str
    event: Event | None
    edtf: str
    span: Span
    point: Point
    which: str  # "date" for a single date; "start" or "end" of an interval

    @property
    def day(self) -> Day:
        """The day counted from or to: the first day of the point (the start of an event)."""
        return self.point.earliest

    def record(self) -> dict[str, Any]:
        """The end for JSON output."""
        return {
            "id": self.event.id if self.event else None,
            "title": self.event.title if self.event else None,
            "date": self.edtf,
            "point": self.day.isoformat(),
            "precision": self.point.precision,
            "end": self.which,
        }

    def when(self, calendar: str = "both") -> str:
        """The date as people read it, saying which end of an interval is counted."""
        text = human(self.edtf, self.event.date_os if self.event else None, calendar)
        return text if self.which == "date" else f"{text} ({self.which})"


class Interval(NamedTuple):
    """The time from one end to the other, reduced to the precision both ends support."""

    first: End
    second: End
    years: int | None
    months: int | None
    days: int | None
    total_days: int
    precision: str
    approximate: bool
    before: bool
    text: str

    def record(self) -> dict[str, Any]:
        """The interval for JSON output (years, months and days carry the sign of the direction)."""
        sign = -1 if self.before else 1
        return {
            "from": self.first.record(), "to": self.second.record(),
            "years": None if self.years is None else sign * self.years,
            "months": None if self.months is None else sign * self.months,
            "days": None if self.days is None else sign * self.days,
            "total_days": self.total_days, "precision": self.precision, "approximate": self.approximate,
            "before": self.before, "text": self.text,
        }


def end_of(text: str, event: Event | None, edtf: str, span: Span) -> End:
    if not span.is_interval:
        assert span.start is not None
        return End(text, event, edtf, span, span.start, "date")
    if span.start is not None:
        return End(text, event, edtf, span, span.start, "start")
    assert span.end is not None
    return End(text, event, edtf, span, span.end, "end")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" + ("" if n == 1 else "s")


def measure(first: End, second: End) -> Interval:
    """The interval from first to second, counted from each end's first day, at the coarser end's precision."""
    before = second.day < first.day
    lo, hi = (second, first) if before else (first, second)
    grain = max(GRAIN.get(lo.point.precision, 2), GRAIN.get(hi.point.precision, 2))
    approximate = grain > 0 or bool(lo.point.qualifier or hi.point.qualifier)
    years = months = days = None
    a, b = lo.day, hi.day
    if grain == 0:
        years, months, days = years_between(a, b)
        parts = [_plural(n, unit) for n, unit in ((years, "year"), (months, "month"), (days, "day")) if n]
        text = " ".join(parts) or "0 days"
    elif grain == 1:
        years, months = divmod((b.year * 12 + b.month) - (a.year * 12 + a.month), 12)
        parts = [_plural(n, unit) for n, unit in ((years, "year"), (months, "month")) if n]
        text = " ".join(parts) or "less than a month"
    else:
        years = b.year - a.year
        text = _plural(years, "year") if years else "less than a year"
    if approximate and not text.startswith("less"):
        text = "about " + text
    if before and not text.startswith("less"):
        text += " before"
    return Interval(first, second, years, months, days, second.day.ordinal() - first.day.ordinal(), GRAIN_NAMES[grain],
                    approximate, before and not text.startswith("less"), text)


def strictly_between(first: End, second: End) -> tuple[int, int] | None:
    """The [start, end] day numbers an event must lie within to fall strictly between the two ends.

    That is after the earlier end is over (its latest day) and before the later one begins (its earliest
    day); None when no day is left between them.
    """
    lo, hi = (second, first) if second.day < first.day else (first, second)
    if lo.span.latest is None or hi.span.earliest is None:
        return None
    start, end = lo.span.latest.plus_days(1), hi.span.earliest.plus_days(-1)
    return (ymd(start), ymd(end)) if start <= end else None
