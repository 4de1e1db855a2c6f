"""The one place that chooses how events are printed: a count, TSV lines made by SQLite, plain rows, or Event
records through the renderer (for a search, its best partial match when no event has every word)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.index import Index
    from chrono.store.query import Filters, Search
    from chrono.store.search import Outcome


def _fields_read(output: Output) -> tuple[str, ...] | None:
    """The fields an output shows, so that only their columns are read (None: whole records)."""
    from chrono.output.render import DEFAULT_FIELDS

    if output.count_only:
        return ("id",)
    if output.fields:
        return output.fields
    return None if output.format in ("json", "jsonl") else DEFAULT_FIELDS


def print_found(index: Index, filters: Filters, output: Output, search: Search | None, every: bool = False,
                ) -> tuple[int, Outcome | None]:
    """Print the matching events and return how many: with a search whose words no event has all of (and not
    every), the best partial match, and how the search was answered."""
    from chrono.model import Event
    from chrono.output.render import plain_columns, render_events, render_plain, render_tsv_lines
    from chrono.store.index import event_columns

    def found(run: Callable[[Search | None], Any]) -> tuple[Any, Outcome | None]:
        if search is None or every or len(search.include) < 2:  # nothing to fall back on: one query, as ever
            return run(search), None
        from chrono.store.search import find

        return find(index, search, filters, run, every)

    if output.count_only:
        n, outcome = found(lambda s: index.count(filters, s))
        sys.stdout.write(f"{n}\n")
        return n, outcome
    columns = plain_columns(output)
    if columns is not None and output.format == "tsv":
        lines, outcome = found(lambda s: index.lines(filters, s, columns))
        return render_tsv_lines(lines, columns, output, lambda n: index.texts(n, columns)), outcome
    if columns is not None:
        rows, outcome = found(lambda s: index.select(filters, s, columns=", ".join(columns)))
        return render_plain(rows, columns, output), outcome
    rows, outcome = found(lambda s: index.select(filters, s, columns=event_columns(_fields_read(output))))
    return render_events(map(Event._make, rows), output), outcome
