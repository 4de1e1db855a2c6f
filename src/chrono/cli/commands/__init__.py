"""The commands, one module for each kind (chrono.cli says which defines each), and what they share to print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from chrono.errors import EXIT_NO_MATCH

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.index import Index
    from chrono.store.query import Filters, Search


def _fields_read(output: Output) -> tuple[str, ...] | None:
    """The fields an output shows, so that only their columns are read (None: whole records)."""
    from chrono.output.render import DEFAULT_FIELDS

    if output.count:
        return ("id",)
    if output.fields:
        return output.fields
    return None if output.format in ("json", "jsonl") else DEFAULT_FIELDS


def print_events(index: Index, filters: Filters, output: Output, search: Search | None = None) -> int:
    """Print the matching events; return how many there were."""
    from chrono.output.render import plain_columns, render_events, render_plain, render_tsv_lines

    if output.count:
        n = index.count(filters, search)
        click.echo(str(n))
        return n
    columns = plain_columns(output)
    if columns is not None and output.format == "tsv":
        return render_tsv_lines(index.lines(filters, search, columns), columns, output,
                                lambda n: index.texts(n, columns))
    if columns is not None:
        return render_plain(index.select(filters, search, columns=", ".join(columns)), columns, output)
    return render_events(index.events(filters, search, fields=_fields_read(output)), output)


def done(ctx: click.Context, n: int, output: Output, what: str = "events") -> None:
    """End with the exit status for no match when there were no results (saying so under a table)."""
    if n == 0:
        if output.format == "table" and not output.count:
            click.echo(f"chrono: no {what} match", err=True)
        ctx.exit(EXIT_NO_MATCH)


def replace_output(output: Output, **changes: Any) -> Output:
    """The output with these settings changed."""
    return output._replace(**changes)
