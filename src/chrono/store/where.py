"""The filters as people give them (the CLI's options, the API's keyword arguments) made into one Filters value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from chrono.errors import UsageError
from chrono.store.query import CERTAINTY_CHOICES, PRECISION_CHOICES, SORT_KEYS, Filters, parse_span

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from chrono.dates.edtf import Span

Many = str | Sequence[str]


class Where(TypedDict, total=False):
    """The filters, named like the CLI's options (start and end for --from and --to)."""

    tag: Many
    not_tag: Many
    start: str | Span
    end: str | Span
    year: str | int | Span
    within: bool
    around: str
    window: str
    max_span: str
    person: Many
    place: Many
    source: Many
    not_source: Many
    certainty: Many
    precision: Many
    sort: str
    reverse: bool
    limit: int


def _many(value: Many | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse_date(value: str | int | Span | None, name: str) -> Span | None:
    """A date given as text (the forms --from takes) or already parsed."""
    if value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str):
        from chrono.dates.edtf import DateError
        from chrono.dates.user import parse_user_date

        try:
            return parse_user_date(value)
        except DateError as exc:
            raise UsageError(f"{name}: {exc}") from None
    return value


def _choices(values: tuple[str, ...], known: tuple[str, ...], name: str) -> tuple[str, ...]:
    for value in values:
        if value.lower() not in known:
            raise UsageError(f"{name} {value!r} is not one of {', '.join(known)}")
    return tuple(v.lower() for v in values)


def date_range(start: Span | None, end: Span | None, year: Span | None) -> tuple[int | None, int | None]:
    """The [start, end] day numbers the date filters ask for (each one narrows the range)."""
    from chrono.dates.days import ymd

    starts, ends = [], []
    if start is not None and start.earliest is not None:
        starts.append(start.earliest)
    if end is not None and end.latest is not None:
        ends.append(end.latest)
    if year is not None:
        if year.earliest is not None:
            starts.append(year.earliest)
        if year.latest is not None:
            ends.append(year.latest)
    if start is not None and end is not None and start.earliest and end.latest and start.earliest > end.latest:
        raise UsageError(f"--from {start.earliest.isoformat()} is after --to {end.latest.isoformat()}; swap them")
    first, last = max(starts, default=None), min(ends, default=None)
    return (ymd(first) if first else None), (ymd(last) if last else None)


def make_filters(**where: Unpack[Where]) -> Filters:
    """Filters from keyword arguments named like the CLI's options (see Where); a bad value is a UsageError."""
    unknown = set(where) - set(Where.__annotations__)
    if unknown:
        raise UsageError(f"unknown filter {sorted(unknown)[0]!r}; the filters are: {', '.join(Where.__annotations__)}")
    start, end = date_range(parse_date(where.get("start"), "start"), parse_date(where.get("end"), "end"),
                            parse_date(where.get("year"), "year"))
    sort = where.get("sort")
    if sort is not None and sort not in SORT_KEYS:
        raise UsageError(f"sort {sort!r} is not one of {', '.join(SORT_KEYS)}")
    limit = where.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise UsageError(f"limit {limit!r} is not a number of events (0 or more)")
    max_span = where.get("max_span")
    try:
        window = parse_span(where.get("window") or "6m")
        span = parse_span(max_span) if max_span is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return Filters(
        tags=_many(where.get("tag")), not_tags=_many(where.get("not_tag")), start=start, end=end,
        within=bool(where.get("within")), people=_many(where.get("person")), places=_many(where.get("place")),
        sort=sort, reverse=bool(where.get("reverse")), limit=limit, around=where.get("around"), window=window,
        max_span=span, sources=_many(where.get("source")), not_sources=_many(where.get("not_source")),
        certainty=_choices(_many(where.get("certainty")), CERTAINTY_CHOICES, "certainty"),
        precision=_choices(_many(where.get("precision")), PRECISION_CHOICES, "precision"),
    )
