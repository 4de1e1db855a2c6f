"""The commands, one module for each kind (chrono.cli says which defines each), and what they share to print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from chrono.errors import EXIT_NO_MATCH

if TYPE_CHECKING:
    from collections.abc import Callable

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


def print_events(index: Index, filters: Filters, output: Output, search: Search | None = None) -> int:
    """Print the matching events (with a search: those with every word); return how many there were."""
    return print_found(index, filters, output, search, every=True)[0]


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
        click.echo(str(n))
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


def done(ctx: click.Context, n: int, output: Output, what: str = "events") -> None:
    """End with the exit status for no match when there were no results (saying so under a table)."""
    if n == 0:
        if output.format == "table" and not output.count_only:
            click.echo(f"chrono: no {what} match", err=True)
        ctx.exit(EXIT_NO_MATCH)


def replace_output(output: Output, **changes: Any) -> Output:
    """The output with these settings changed."""
    return output._replace(**changes)
