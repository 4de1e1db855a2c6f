"""The commands that find events: list, filter, search, show and on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from chrono.cli import ChronoCommand, cli
from chrono.cli.commands import done, print_events, replace_output
from chrono.cli.options import complete_ids, filter_options, get_session, output_options
from chrono.errors import EXIT_NO_MATCH, UsageError

if TYPE_CHECKING:
    from chrono.model import Event
    from chrono.output.render import Output
    from chrono.store.index import Index
    from chrono.store.query import Filters, Search
    from chrono.store.search import Outcome, Why


@cli.lazy("list", filter_options, output_options, click.pass_context)
def list_cmd(ctx: click.Context, filters: Filters, output: Output) -> None:
    """List events in date order, optionally filtered.

    \b
    Examples:
      chrono list
      chrono list --tag purges --year 1937
      chrono list --from 1934-12 --to 1935 --person Kirov
      chrono list --tag purges | cut -f1,2
      chrono list --certainty disputed --source Khlevniuk
    """
    output = _with_note(filters, output)
    done(ctx, print_events(get_session(ctx).index, filters, output), output)


def _with_note(filters: Filters, output: Output) -> Output:
    """On a table without -F, --certainty disputed or uncertain adds the note that says why to the columns."""
    if output.format == "table" and not output.fields and {"disputed", "uncertain"} & {*filters.certainty,
                                                                                        *filters.account}:
        from chrono.output.render import DEFAULT_FIELDS

        return replace_output(output, fields=(*DEFAULT_FIELDS, "note"))
    return output


@cli.lazy("filter", filter_options, output_options, click.pass_context)
def filter_cmd(ctx: click.Context, filters: Filters, output: Output) -> None:
    """Filter events by tag, date range, person or place (at least one filter).

    The same output as `chrono list`, under the name the design uses; it
    refuses to run without a filter, so a typo cannot print everything.

    \b
    Examples:
      chrono filter --tag collectivization
      chrono filter --from 1936 --to 1938 --tag show-trials
      chrono filter --around 1934-12-01 --window 3m
    """
    if not filters.any:
        raise UsageError(
            "filter needs at least one filter, e.g. --tag purges, --year 1937 or --from 1934 --to 1938 "
            "(use chrono list to see everything)"
        )
    output = _with_note(filters, output)
    done(ctx, print_events(get_session(ctx).index, filters, output), output)


class SearchCommand(ChronoCommand):
    """A command whose arguments may hold query exclusions such as -trotsky, which are not options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move -word query terms after '--' so that click does not read them as options."""
        if "--" in args:
            cut = args.index("--")
            head, tail = args[:cut], args[cut + 1:]
        else:
            head, tail = args, []
        terms = [a for a in head if _is_exclusion(a)]
        if terms:
            head = [a for a in head if not _is_exclusion(a)]
            args = [*head, "--", *tail, *terms]
        return super().parse_args(ctx, args)


def _is_exclusion(arg: str) -> bool:
    # -trotsky or -"a phrase" is a query term; -t, -n5 and --tag are options.
    if len(arg) <= 2 or arg[0] != "-" or arg[1] == "-":
        return False
    return not (arg[1] == "n" and arg[2:].isdigit())


@cli.lazy("search", click.argument("query", nargs=-1, required=True), filter_options, output_options,
          click.option("--all", "every", is_flag=True,
                       help="Only events with every word (no partial matches); none is exit status 1."),
          click.option("--explain", is_flag=True,
                       help="Say why each event matched: which words, in which fields and forms."),
          click.pass_context, cls=SearchCommand)
def search_cmd(ctx: click.Context, query: tuple[str, ...], filters: Filters, output: Output, every: bool,
               explain: bool) -> None:
    """Full-text search over titles, summaries, names, aliases and other columns.

    Words match as people mean them: returns finds returned, fifteenth finds
    15th and XV, Russia's finds Russia; stop words (the, of, when, did ...)
    need not match; case, accents and spelling variants in aliases do not
    matter. "a phrase" matches words in order, -word excludes, word* matches
    a prefix, and tag:x, person:x, place:x look only in that field.

    When some events have every word, only they are shown. When none has,
    the events with the most of them are (rarer words count more) and a note
    on stderr says which words were left out; --all asks for every word.
    Results are ranked by relevance (a title above a summary, a name above a
    mention, an event of a year the query names above a span around it);
    --sort date orders them by date. --explain says why each matched.

    \b
    Examples:
      chrono search kirov
      chrono search when did Lenin return from exile in Switzerland
      chrono search '"show trial"' -bukharin
      chrono search trotsk* --year 1940
      chrono search person:yezhov tag:purges -f json
      chrono search --explain fifteenth party congress
    """
    from chrono.output.events import print_found
    from chrono.store.query import parse_search

    search = parse_search(" ".join(query))
    index = get_session(ctx).index
    outcome: Outcome | None
    if explain and not output.count_only and output.format != "ids":
        n, outcome = _print_explained(index, filters, output, search, every)
    else:
        n, outcome = print_found(index, filters, output, search, every)
    note = outcome.note(n) if outcome is not None and n else None
    if note:
        from chrono.output.escape import escape_text

        click.echo(f"chrono: {escape_text(note)}", err=True)
    if n == 0:
        _no_match_hint(index, search, filters)
        ctx.exit(EXIT_NO_MATCH)


def _print_explained(index: Index, filters: Filters, output: Output, search: Search, every: bool,
                     ) -> tuple[int, Outcome]:
    """Print the results with one more column (in JSON, field) `why`: the words each matched, where and how."""
    import json

    from chrono.model import Event
    from chrono.output.render import DEFAULT_FIELDS, machine_value, render_rows, stdout_is_utf8, text_getter
    from chrono.store.index import EVENT_COLUMNS
    from chrono.store.search import explain, find, why_text

    rows, outcome = find(index, search, filters,
                         lambda s: index.select(filters, s, columns=f"n, {EVENT_COLUMNS}"), every)
    numbered = [(row[0], Event._make(row[1:])) for row in rows]
    whys = explain(index, outcome.search, [n for n, _ in numbered])
    if output.format in ("json", "jsonl"):
        dumps = json.JSONEncoder(ensure_ascii=not stdout_is_utf8()).encode
        lines = [dumps({**({f: machine_value(e, f) for f in output.fields} if output.fields else e.to_record()),
                        "why": [w._asdict() for w in whys[n]]}) for n, e in numbered]
        if output.format == "jsonl":
            text = "".join(line + "\n" for line in lines)
        else:
            text = "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"
        click.echo(text, nl=False)
        return len(lines), outcome
    if output.format == "table":
        _print_why_blocks(numbered, whys, output)
        return len(numbered), outcome
    fields = output.fields or DEFAULT_FIELDS
    getters = [text_getter(f, output.calendar) for f in fields]
    table = [[*(g(e) for g in getters), why_text(whys[n])] for n, e in numbered]
    return render_rows([*fields, "why"], table, output), outcome


def _print_why_blocks(numbered: list[tuple[int, Event]], whys: dict[int, list[Why]], output: Output) -> None:
    """For a person: each event on a line (id, date, title), then each word it matched, where and as what."""
    from chrono.output.escape import escape_text
    from chrono.output.render import human

    lines: list[str] = []
    for n, e in numbered:
        if lines:
            lines.append("")
        lines.append(escape_text(f"{e.id}  {human(e.date, e.date_os, output.calendar)}  {e.title}"))
        width = max((len(w.word) for w in whys[n]), default=0)
        for w in whys[n]:
            forms = f" (as {', '.join(w.forms)})" if w.forms else ""
            lines.append(escape_text(f"  {w.word:<{width}}  {', '.join(w.fields) or '-'}{forms}"))
    if lines:
        click.echo("\n".join(lines))


def _no_match_hint(index: Index, search: Search, filters: Filters) -> None:
    from chrono.output.escape import escape_text
    from chrono.store.query import Filters
    from chrono.store.search import suggest

    message = f"no events match {escape_text(search.text)!r}"
    suggestions = suggest(index, search.words)
    if suggestions:
        fixed = search.text
        for wrong, right in suggestions.items():
            fixed = fixed.replace(wrong, right)
        message += f"; did you mean {escape_text(fixed)!r}?"
    elif filters.any and index.count(Filters(), search):
        message += " with these filters; try without them"
    click.echo(f"chrono: {message}", err=True)


@cli.lazy("show", click.argument("ids", nargs=-1, required=True, shell_complete=complete_ids), output_options,
          click.pass_context)
def show_cmd(ctx: click.Context, ids: tuple[str, ...], output: Output) -> None:
    """Show whole events: every field, both calendars, sources with citations.

    IDS are event ids or unique prefixes of them. An id that was merged into
    another event shows the event that replaced it.

    \b
    Examples:
      chrono show kirov-assassinated
      chrono show kirov
      chrono list --tag show-trials -f ids | xargs chrono show
    """
    from chrono.output.render import FIELDS, render_events
    from chrono.output.table import render_full

    index = get_session(ctx).index
    events, missing = index.by_ids(ids)
    if output.format == "table" and not output.count_only:
        for wanted, event in zip(ids, events, strict=False):
            if wanted in event.replaces:
                click.echo(f"chrono: {wanted} was merged into {event.id}", err=True)
        render_full(events, output, index.chronology.sources)
    else:
        full = output.fields or (FIELDS if output.format in ("csv", "tsv") else None)
        render_events(events, replace_output(output, fields=full))
    for wanted in missing:
        hint = index.suggest_id(wanted)
        click.echo(f"chrono: no event with id {wanted!r}" + (f"; did you mean {hint!r}?" if hint else ""), err=True)
    if missing:
        ctx.exit(EXIT_NO_MATCH)



@cli.lazy("on", click.argument("day", required=False, metavar="[DAY]"), filter_options, output_options,
          click.pass_context)
def on_cmd(ctx: click.Context, day: str | None, filters: Filters, output: Output) -> None:
    """On this day: events known to the day that fell on DAY in any year.

    DAY is a month and day (12-01, 'Dec 1', '1 December'); the default is
    today. With --calendar julian, DAY is matched against Old Style dates.

    \b
    Examples:
      chrono on
      chrono on 12-01
      chrono on 'Oct 25' --calendar julian
      chrono on 1-21 --tag biography
    """
    from chrono.dates.edtf import DateError
    from chrono.dates.user import parse_month_day

    if day is None:
        import datetime

        today = datetime.date.today()
        month_day = (today.month, today.day)
    else:
        try:
            month_day = parse_month_day(day)
        except DateError as exc:
            raise click.BadParameter(str(exc), param_hint="'DAY'") from None
    filters = filters._replace(month_day=month_day, julian=output.calendar == "julian")
    done(ctx, print_events(get_session(ctx).index, filters, output), output)
