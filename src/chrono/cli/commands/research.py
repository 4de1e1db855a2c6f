"""The commands for research: between (how long from A to B) and cite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from chrono.cli import cli
from chrono.cli.commands import done, print_events, replace_output
from chrono.cli.options import complete_ids, filter_options, get_session, output_options
from chrono.errors import EXIT_NO_MATCH, UsageError

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.query import Filters


@cli.lazy("between", click.argument("first", metavar="A", shell_complete=complete_ids),
          click.argument("second", metavar="B", shell_complete=complete_ids),
          click.option("--list", "listing", is_flag=True,
                       help="List the events strictly between A and B (after A is over, before B begins)."),
          filter_options, output_options, click.pass_context)
def between_cmd(ctx: click.Context, first: str, second: str, listing: bool, filters: Filters,
                output: Output) -> None:
    """How long from A to B, in years, months and days, and what happened in between.

    A and B are event ids (or unique prefixes) or dates (1934-12-01, 'Dec
    1934', 1930s). An event is counted from its start: its day, or the first
    day of its month, year or interval (of an interval open at the start, its
    end); Old Style dates are counted in their New Style (Gregorian) form.
    The answer is no more precise than the dates: two days give years, months
    and days; a month gives 'about' years and months; a season, year or
    decade 'about' years. When B is before A the answer ends in 'before'.
    The filters apply to the events of --list and --count (the number of
    events between).

    \b
    Examples:
      chrono between lenin-dies kirov-assassinated
      chrono between lenin-dies 1934-12-01 -f json
      chrono between kirov-assassinated great-terror --list
      chrono between 1924 1929 --list --tag opposition -f ids
    """
    from chrono.dates.between import measure, strictly_between
    from chrono.output.intervals import print_ends, print_interval
    from chrono.store.ends import resolve

    index = get_session(ctx).index
    if filters.start is not None or filters.end is not None:
        raise UsageError("between sets the dates of the events it lists; leave out --from, --to, --year and --around")
    interval = measure(resolve(index, first), resolve(index, second))
    if filters.any and not (listing or output.count_only):
        raise UsageError("the filters choose the events listed; add --list (or --count)")
    if not (listing or output.count_only):
        print_interval(interval, replace_output(output, fields=None))
        return
    if output.format == "table" and not output.count_only:
        print_ends(interval, output)
        click.echo("")
    days = strictly_between(interval.first, interval.second)
    start, end = days if days is not None else (1, 0)  # no day between them: a range nothing lies within
    done(ctx, print_events(index, filters._replace(start=start, end=end, within=True), output), output)


@cli.lazy("cite", click.argument("ids", nargs=-1, required=True, shell_complete=complete_ids),
          click.option("--style", "style", type=click.Choice(("plain", "markdown", "bibtex", "csl-json")),
                       default="plain", show_default=True, help="Citation style."),
          click.pass_context)
def cite_cmd(ctx: click.Context, ids: tuple[str, ...], style: str) -> None:
    """Cite events: their sources as a list a paper can use.

    IDS are event ids or unique prefixes. plain and markdown give, for each
    event, one line per distinct citation: the source from its declared
    fields (author, title, kind, publisher, year, url, file), then the
    historian's citation as the source gives it, with pages. bibtex and
    csl-json give one entry per distinct citation of all the events (the
    source key, with a suffix for a page citation, and that citation in
    note); fields a source does not declare are left out, never made up.

    \b
    Examples:
      chrono cite kirov-assassinated
      chrono cite lenin-dies kirov-assassinated --style markdown
      chrono cite kirov-assassinated --style bibtex > kirov.bib
      chrono list --tag show-trials -f ids | xargs chrono cite --style csl-json
    """
    from chrono.output import cite

    index = get_session(ctx).index
    events, missing = index.by_ids(ids)
    declared = index.chronology.sources
    if events:
        if style == "bibtex":
            text = cite.write_bibtex(events, declared)
        elif style == "csl-json":
            from chrono.output.render import stdout_is_utf8

            text = cite.write_csl_json(events, declared, ascii_only=not stdout_is_utf8())
        else:
            text = cite.write_text(events, declared, markdown=style == "markdown")
        click.echo(text, nl=False)
    for wanted in missing:
        hint = index.suggest_id(wanted)
        click.echo(f"chrono: no event with id {wanted!r}" + (f"; did you mean {hint!r}?" if hint else ""), err=True)
    if missing:
        ctx.exit(EXIT_NO_MATCH)
