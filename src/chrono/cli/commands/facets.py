"""The commands that count events: tags (or people, or places), sources and timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from chrono.cli import cli
from chrono.cli.commands import done, replace_output
from chrono.cli.options import filter_options, get_session, output_options

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.query import Filters


@cli.lazy("tags", click.option("--people", "facet", flag_value="person", help="Count people instead of tags."),
          click.option("--places", "facet", flag_value="place", help="Count places instead of tags."),
          filter_options, output_options, click.pass_context)
def tags_cmd(ctx: click.Context, facet: str | None, filters: Filters, output: Output) -> None:
    """Tags (or people, or places) with the number of events, over the filtered events.

    \b
    Examples:
      chrono tags
      chrono tags --year 1937
      chrono tags --people --tag purges -n 10
    """
    from chrono.output.render import render_rows

    index = get_session(ctx).index
    kind = facet or "tag"
    rows = index.facet_counts(kind, filters)
    if kind == "tag":
        described = [(t, c, index.chronology.tags.get(t, "")) for t, c in rows]
        n = render_rows(("tag", "count", "description"), described, replace_output(output, fields=None))
    else:
        n = render_rows((kind, "count"), rows, replace_output(output, fields=None))
    done(ctx, n, output, "tags" if kind == "tag" else ("people" if kind == "person" else "places"))


@cli.lazy("sources",
          click.option("--works", is_flag=True,
                       help="List the works the sources cite (a historian and year, as cited) instead."),
          filter_options, output_options, click.pass_context)
def sources_cmd(ctx: click.Context, works: bool, filters: Filters, output: Output) -> None:
    """Sources with the number of filtered events citing each: key, title, kind and file.

    Without filters every declared source is listed, cited or not; with
    filters, those that the matching events cite. --works lists instead the
    historians' works that the sources cite: citations of the form 'Author
    YEAR, pages', up to the first comma ('Service 2004'). Any of these keys
    or historians' names can be given to --source.

    \b
    Examples:
      chrono sources
      chrono sources --tag purges --year 1937
      chrono sources --works -n 5
      chrono list --source Khlevniuk --year 1937
    """
    from chrono.output.render import render_rows

    index = get_session(ctx).index
    plain = replace_output(output, fields=None)
    if works:
        n = render_rows(("work", "source", "count"), index.cited_works(filters), plain)
        done(ctx, n, output, "works")
        return
    declared = index.chronology.sources
    rows = []
    for key, title, count in index.source_counts(filters):
        info = declared.get(key, {}) if key is not None else {}
        info = info if isinstance(info, dict) else {}
        rows.append((key, count, _field_text(info.get("title")) or title, _field_text(info.get("kind")),
                     _field_text(info.get("file"))))
    done(ctx, render_rows(("source", "count", "title", "kind", "file"), rows, plain), output, "sources")


def _field_text(value: Any) -> str | None:
    """A declared source's field as text, None when it is absent."""
    return None if value is None else str(value)


@cli.lazy("timeline",
          click.option("--by", "period", type=click.Choice(("year", "decade", "century", "month")), default="year",
                       show_default=True, help="Length of one bar's period."),
          filter_options, output_options, click.pass_context)
def timeline_cmd(ctx: click.Context, period: str, filters: Filters, output: Output) -> None:
    """Events per year, decade, century or month as a bar chart of the filtered events.

    Each event counts once, in the period where it starts (an event known
    only to the decade counts in the decade's first year). Every period in
    the range is shown, empty ones too (when there are more than 2,000
    periods, only those with events). Decades and centuries BC are counted
    as people name them: the 530s BC are 539 to 530 BC. Piped, it prints
    period and count as TSV.

    \b
    Examples:
      chrono timeline
      chrono timeline --by decade
      chrono timeline --by month --from 1934-06 --to 1935-06 --tag purges
      chrono -d ancient.csv timeline --by century
    """
    from chrono.output.render import render_rows, stdout_is_utf8
    from chrono.output.timeline import bar_chart, periods

    index = get_session(ctx).index
    rows, sparse = periods(index, filters, period)
    if not rows:
        done(ctx, 0, output)
    if sparse and output.format == "table":
        plural = {"century": "centuries"}.get(period, period + "s")
        click.echo(f"chrono: the events span too many {plural} to show each; showing the {len(rows)} with events",
                   err=True)
    if output.format == "table" and not output.count_only:
        click.echo(bar_chart(rows, output.width or 80, ascii_only=not stdout_is_utf8()))
    else:
        render_rows((period, "count"), rows, replace_output(output, fields=None))
