"""chrono as a library: open chronologies, list and search their events, look one up, measure and export.

    >>> import chrono
    >>> c = chrono.open()                       # the bundled chronology; or chrono.open("mine.csv", ...)
    >>> c.get("kirov-assassinated").date
    '1934-12-01'

The CLI is built on these calls; none of them imports click. Errors are chrono.errors exceptions carrying
the CLI's exit code (UsageError, DataError, NoMatch); warnings are chrono.errors.ChronoWarning.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from chrono.model import Event, LoadOptions

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from chrono.dates.between import Interval
    from chrono.dates.edtf import Span
    from chrono.store.index import Index
    from chrono.store.query import Filters
    from chrono.store.where import Where


def load_options(mapping: Mapping[str, str] | Sequence[tuple[str, str]] | None = None, dayfirst: bool = False,
                 monthfirst: bool = False, skip_invalid: bool = False,
                 julian_before: str | Span | None = None) -> LoadOptions:
    """How files are read, from the reading options (mapping: field -> column, as -m field=column)."""
    from chrono.errors import UsageError

    if dayfirst and monthfirst:
        raise UsageError("numeric dates are read day first or month first, not both")
    switch = None
    if julian_before is not None:
        from chrono.dates.days import ymd
        from chrono.store.where import parse_date

        span = parse_date(julian_before, "julian_before")
        assert span is not None and span.earliest is not None
        switch = ymd(span.earliest)
    pairs: tuple[tuple[str, str], ...] = ()
    if mapping:
        from chrono.read.normalise import parse_mapping

        items = mapping.items() if isinstance(mapping, Mapping) else mapping
        try:
            pairs = parse_mapping(tuple(f"{field}={column}" for field, column in items))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    order = "dayfirst" if dayfirst else "monthfirst" if monthfirst else None
    return LoadOptions(pairs, order, skip_invalid, julian_before=switch)


def open(*paths: str | os.PathLike[str], mapping: dict[str, str] | None = None, dayfirst: bool = False,  # noqa: A001
         monthfirst: bool = False, skip_invalid: bool = False, julian_before: str | None = None,
         cache: bool = True) -> Chronology:
    """Open chronology files (JSON, JSONL, CSV, TSV, TimelineJS; merged in order), or the bundled one.

    The options are the CLI's: mapping (-m), dayfirst and monthfirst, skip_invalid, julian_before and
    cache (False is --no-cache). Invalid data raises DataError listing the problems with their places.
    """
    from chrono.store.cache import data_paths, open_index

    files = data_paths([os.fspath(p) for p in paths])
    options = load_options(mapping, dayfirst, monthfirst, skip_invalid, julian_before)
    return Chronology(open_index(files, use_cache=cache, options=options), files)


class Chronology:
    """Events of one or more chronology files, and what the files say about themselves."""

    def __init__(self, index: Index, files: list[str]) -> None:
        self.index = index
        self.files = files

    def __repr__(self) -> str:
        return f"<Chronology {self.title or ', '.join(self.files)!r}: {len(self)} events>"

    @property
    def title(self) -> str:
        """The chronology's title ('' when its files give none)."""
        return self.index.chronology.title

    @property
    def description(self) -> str:
        """What the chronology is about."""
        return self.index.chronology.description

    @property
    def tags(self) -> dict[str, str]:
        """The declared tags and their descriptions."""
        return dict(self.index.chronology.tags)

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        """The declared sources by key."""
        return dict(self.index.chronology.sources)

    @property
    def eras(self) -> list[dict[str, str]]:
        """Named periods ({"date": EDTF interval, "title": ...}), as a TimelineJS file gives them."""
        return list(self.index.chronology.eras)

    def __len__(self) -> int:
        from chrono.store.query import Filters

        return self.index.count(Filters())

    def __iter__(self) -> Iterator[Event]:
        from chrono.store.query import Filters

        return self.index.events(Filters())

    def filters(self, **where: Unpack[Where]) -> Filters:
        """The Filters value of these keyword filters (tag=, year=, start=, end=, person=, source=, ...)."""
        from chrono.store.where import make_filters

        return make_filters(**where)

    def list(self, **where: Unpack[Where]) -> list[Event]:
        """The events that match the filters, in date order (or sort=title, id; reverse=True)."""
        return list(self.index.events(self.filters(**where)))

    def count(self, **where: Unpack[Where]) -> int:
        """How many events match the filters."""
        return self.index.count(self.filters(**where))

    def search(self, query: str, all: bool = False, **where: Unpack[Where]) -> list[Event]:  # noqa: A002
        """Events for a query in the CLI's language, most relevant first: those with every word, else the best
        partial matches (all=True: only events with every word)."""
        from chrono.store.search import find

        return list(find(self.index, query, self.filters(**where), require_all=all).events())

    def get(self, event_id: str) -> Event | None:
        """The event with this id (or a unique prefix of one), None when there is none."""
        found, _ = self.index.by_ids([event_id])
        return found[0] if found else None

    def between(self, first: str, second: str) -> Interval:
        """How long from one event or date to another (ids or dates such as '1934-12-01' or '530 BC')."""
        from chrono.dates.between import measure
        from chrono.store.ends import resolve

        return measure(resolve(self.index, first), resolve(self.index, second))

    def export(self, fmt: str, out: IO[str], **where: Unpack[Where]) -> int:
        """Write the matching events to a text file object as ics, timelinejs, html, csv, json, jsonl or markdown."""
        from chrono.errors import UsageError
        from chrono.output.export import TEXT_WRITERS

        if fmt not in TEXT_WRITERS:
            raise UsageError(f"unknown export format {fmt!r}; choose from {', '.join(TEXT_WRITERS)}")
        return TEXT_WRITERS[fmt](self.index.events(self.filters(**where)), self.index.chronology, out)

    def cite(self, *event_ids: str, style: str = "plain") -> str:
        """Citations of events' sources: plain, markdown, bibtex or csl-json."""
        from chrono.errors import NoMatch
        from chrono.output import cite

        events, missing = self.index.by_ids(event_ids)
        if missing:
            raise NoMatch(f"no event with id {missing[0]!r}")
        declared = self.index.chronology.sources
        if style == "bibtex":
            return cite.write_bibtex(events, declared)
        if style == "csl-json":
            return cite.write_csl_json(events, declared, ascii_only=False)
        return cite.write_text(events, declared, markdown=style == "markdown")
