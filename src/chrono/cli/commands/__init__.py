"""The commands, one module for each kind (chrono.cli says which defines each), and what they share to print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from chrono.errors import EXIT_NO_MATCH

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.index import Index
    from chrono.store.query import Filters, Search


def print_events(index: Index, filters: Filters, output: Output, search: Search | None = None) -> int:
    """Print the matching events (with a search: those with every word); return how many there were."""
    from chrono.output.events import print_found

    return print_found(index, filters, output, search, every=True)[0]


def done(ctx: click.Context, n: int, output: Output, what: str = "events") -> None:
    """End with the exit status for no match when there were no results (saying so under a table)."""
    if n == 0:
        if output.format == "table" and not output.count_only:
            click.echo(f"chrono: no {what} match", err=True)
        ctx.exit(EXIT_NO_MATCH)


def replace_output(output: Output, **changes: Any) -> Output:
    """The output with these settings changed."""
    return output._replace(**changes)
