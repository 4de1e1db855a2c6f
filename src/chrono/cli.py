"""The command line: each command gathers options, asks the index for rows and hands them to the renderer."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from chrono import __version__
from chrono.errors import EXIT_INTERRUPTED, EXIT_NO_MATCH, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from chrono.index import Index
    from chrono.model import LoadOptions
    from chrono.query import Filters, Search
    from chrono.render import Output

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXAMPLES = (
    "chrono search kirov",
    "chrono list --tag purges --from 1936 --to 1938",
    "chrono show kirov-assassinated",
)


class Session:
    """What the group's options set up for every command: the data files, how to read them, and the index."""

    def __init__(self, data: tuple[str, ...], no_cache: bool, options: LoadOptions | None = None) -> None:
        self.data = data
        self.no_cache = no_cache
        self.options = options
        self._index: Index | None = None

    @property
    def paths(self) -> list[str]:
        """The chronology files in use."""
        from chrono.cache import data_paths

        return data_paths(self.data)

    @property
    def index(self) -> Index:
        """The index over the data, built (or read from the cache) on first use."""
        if self._index is None:
            from chrono.cache import open_index

            self._index = open_index(self.paths, use_cache=not self.no_cache, options=self.options)
            if self.options is not None and self.options.skip_invalid:
                self._report_skipped(self._index)
        return self._index

    def _report_skipped(self, index: Index) -> None:
        """One line on stderr saying how many records --skip-invalid left out, and how to see why."""
        meta = index.meta
        skipped = int(meta.get("skipped") or 0)
        if not skipped:
            return
        import shlex

        assert self.options is not None
        tabular = all(os.path.splitext(p)[1].lower() in (".csv", ".tsv", ".tab") for p in self.paths)
        what = "rows" if tabular else "records"
        command = ["chrono", *(f"--map={f}={c}" for f, c in self.options.mapping)]
        if self.options.order:
            command.append(f"--{self.options.order}")
        command += ["validate", *self.paths]
        click.echo(f"chrono: skipped {skipped:,} of {int(meta.get('records') or 0):,} {what} with problems; "
                   f"{shlex.join(command)} lists them", err=True)


# Parameter types ---------------------------------------------------------------------------


class DateParam(click.ParamType):
    """A date typed by a user: 1934, 1934-12, 1934-12-01, 1930s, 'Dec 1934', '1 December 1934'."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse the text into a span of days."""
        from chrono.dates import DateError, parse_user_date

        if not isinstance(value, str):
            return value
        try:
            return parse_user_date(value)
        except DateError as exc:
            self.fail(str(exc), param, ctx)


class FieldsParam(click.ParamType):
    """A comma-separated list of field names."""

    name = "FIELDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Split and check the names."""
        from chrono.render import FIELDS

        if not isinstance(value, str):
            return value
        names = tuple(v.strip() for v in value.split(",") if v.strip())
        unknown = [n for n in names if n not in FIELDS]
        if unknown or not names:
            self.fail(f"unknown field {unknown[0] if unknown else value!r}; choose from {','.join(FIELDS)}",
                      param, ctx)
        return names


def _check_style(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from tabulate import tabulate_formats

    if value not in tabulate_formats:
        raise click.BadParameter(
            f"unknown table style {value!r}; choose from {', '.join(tabulate_formats)}", ctx, param
        )
    return value


# Shared option groups ----------------------------------------------------------------------


def _complete_tags(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete_facet(ctx, "tag", incomplete)


def _complete_people(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete_facet(ctx, "person", incomplete)


def _complete_places(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete_facet(ctx, "place", incomplete)


def _complete_facet(ctx: click.Context, kind: str, incomplete: str) -> list[Any]:
    try:
        index = _session(ctx).index
        values = [v for v, _ in index.facet_counts(kind, _empty_filters())]
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    low = incomplete.casefold()
    return [v for v in values if v.casefold().startswith(low) or any(
        w.startswith(low) for w in v.casefold().replace("-", " ").split())]


def _complete_sources(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        names = _session(ctx).index.source_names()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    low = incomplete.casefold()
    return [n for n in names if n.casefold().startswith(low)]


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        index = _session(ctx).index
        rows = index.conn.execute(
            "SELECT id FROM events WHERE id LIKE ? ORDER BY id LIMIT 200", (incomplete + "%",)
        ).fetchall()
    except Exception:  # noqa: BLE001
        return []
    return [r[0] for r in rows]


def _empty_filters() -> Filters:
    from chrono.query import Filters

    return Filters()


def _session(ctx: click.Context) -> Session:
    root = ctx.find_root()
    if not isinstance(root.obj, Session):
        params = root.params
        try:
            options = _load_options(params.get("mapping") or (), params.get("order"),
                                    bool(params.get("skip_invalid")))
        except click.BadParameter:
            options = None
        root.obj = Session(tuple(params.get("data") or ()), bool(params.get("no_cache")), options)
    return root.obj


def _load_options(mapping: tuple[str, ...], order: str | None, skip_invalid: bool) -> LoadOptions:
    from chrono.model import LoadOptions

    if not mapping:
        return LoadOptions(order=order, skip_invalid=skip_invalid)
    from chrono.normalise import parse_mapping

    try:
        pairs = parse_mapping(mapping)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'-m' / '--map'") from None
    return LoadOptions(pairs, order, skip_invalid)


def filter_options(func: Callable[..., Any], date_to: bool = True) -> Callable[..., Any]:
    """Add the shared filters and pass them to the command as one `filters` argument."""
    from chrono.query import CERTAINTY_CHOICES, PRECISION_CHOICES, SORT_KEYS

    options = [
        click.option("-t", "--tag", "tags", multiple=True, metavar="TAG", shell_complete=_complete_tags,
                     help="Only events with this tag (repeat: all must match)."),
        click.option("--not-tag", "not_tags", multiple=True, metavar="TAG", shell_complete=_complete_tags,
                     help="Leave out events with this tag (repeatable)."),
        click.option("--from", "date_from", type=DateParam(),
                     help="Events that overlap this date or later (1934, 1934-12, 'Dec 1934', 1930s)."),
        click.option("--to", "date_to", type=DateParam(), help="Events that overlap this date or earlier.")
        if date_to else None,
        click.option("--year", type=DateParam(), metavar="YEAR",
                     help="Events that overlap this year (or decade: 1930s)."),
        click.option("--within", is_flag=True,
                     help="Require events to lie wholly inside the range, not just overlap it."),
        click.option("--around", metavar="DATE|ID", shell_complete=_complete_ids,
                     help="Events within a window around a date or an event (id or unique prefix), nearest first."),
        click.option("--window", default="6m", show_default=True, metavar="SPAN", callback=_check_span,
                     help="Size of the --around window on each side: days, months or years (10d, 6m, 2y)."),
        click.option("--max-span", metavar="SPAN", callback=_check_span,
                     help="Leave out events whose dates span more than this (5y, 18m, 10d)."),
        click.option("--person", "people", multiple=True, metavar="NAME", shell_complete=_complete_people,
                     help="Events involving this person (full name or surname, any spelling in aliases)."),
        click.option("--place", "places", multiple=True, metavar="NAME", shell_complete=_complete_places,
                     help="Events at this place."),
        click.option("--sort", type=click.Choice(SORT_KEYS),
                     help="Order of results [default: relevance for search, else date]."),
        click.option("--reverse", is_flag=True, help="Reverse the order."),
        click.option("-n", "--limit", type=click.IntRange(min=0), metavar="N", help="Print at most N results."),
        click.option("--source", "sources", multiple=True, metavar="KEY", shell_complete=_complete_sources,
                     help="Events citing this source: a key (see chrono sources) or a name in a citation, "
                          "e.g. Khlevniuk (repeat: any of them)."),
        click.option("--not-source", "not_sources", multiple=True, metavar="KEY", shell_complete=_complete_sources,
                     help="Leave out events citing this source (repeatable)."),
        click.option("--certainty", multiple=True, type=click.Choice(CERTAINTY_CHOICES, case_sensitive=False),
                     help="Events whose date or account is disputed, uncertain, or certain (neither) "
                          "(repeat: any of them)."),
        click.option("--precision", multiple=True, type=click.Choice(PRECISION_CHOICES, case_sensitive=False),
                     help="Events dated to this precision (repeat: any of them)."),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["filters"] = _filters_from(kwargs)
        return func(*args, **kwargs)

    for option in reversed(options):
        if option is not None:
            wrapper = option(wrapper)
    return wrapper


def _filters_from(kw: dict[str, Any]) -> Filters:
    from chrono.query import Filters

    date_from, date_to, year = kw.pop("date_from"), kw.pop("date_to", None), kw.pop("year")
    start = end = None
    if date_from or date_to or year:
        start, end = _date_range(date_from, date_to, year)
    return Filters(
        tags=kw.pop("tags"), not_tags=kw.pop("not_tags"), start=start, end=end,
        within=kw.pop("within"), people=kw.pop("people"), places=kw.pop("places"),
        sort=kw.pop("sort"), reverse=kw.pop("reverse"), limit=kw.pop("limit"),
        around=kw.pop("around"), window=kw.pop("window"), max_span=kw.pop("max_span"),
        sources=kw.pop("sources"), not_sources=kw.pop("not_sources"), certainty=kw.pop("certainty"),
        precision=kw.pop("precision"),
    )


def _check_span(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, str] | None:
    """A span such as 10d, 6m or 2y as (amount, unit)."""
    if value is None:
        return None
    from chrono.query import parse_span

    try:
        return parse_span(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _date_range(date_from: Any, date_to: Any, year: Any) -> tuple[int | None, int | None]:
    """The [start, end] day numbers the date options ask for (each option narrows the range)."""
    from chrono.dates import ymd

    starts, ends = [], []
    if date_from is not None:
        starts.append(date_from.earliest)
    if date_to is not None:
        ends.append(date_to.latest)
    if year is not None:
        starts.append(year.earliest)
        ends.append(year.latest)
    if date_from is not None and date_to is not None and date_from.earliest > date_to.latest:
        raise UsageError(
            f"--from {date_from.earliest.isoformat()} is after --to {date_to.latest.isoformat()}; swap them"
        )
    start = max(starts, default=None)
    end = min(ends, default=None)
    return (ymd(start) if start else None), (ymd(end) if end else None)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared output options and pass them to the command as one `output` argument."""
    from chrono.render import FORMATS

    options = [
        click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
                     help="Output format [default: table on a terminal, tsv when piped]."),
        click.option("--style", "--fmt", "style", metavar="STYLE", callback=_check_style, expose_value=True,
                     help="Table style: any tabulate format (simple, github, grid, pipe, rst, latex, html, ...)."),
        click.option("-F", "--fields", type=FieldsParam(),
                     help="Fields to print, comma-separated (id,date,when,title,summary,tags,people,...)."),
        click.option("--no-header", is_flag=True, help="Leave out the header row of tables, CSV and TSV."),
        click.option("--count", is_flag=True, help="Print only the number of results."),
        click.option("--calendar", type=click.Choice(("julian", "gregorian")),
                     help="Show dates in one calendar: julian (Old Style where known) or gregorian."),
        click.option("--raw", is_flag=True,
                     help="CSV: write cells as they are, without the ' that keeps spreadsheets from reading "
                          "cells beginning with =, +, -, @ as formulas."),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["output"] = _output_from(kwargs)
        return func(*args, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _output_from(kw: dict[str, Any]) -> Output:
    from chrono.render import Output, terminal_width, use_color

    fmt = kw.pop("fmt") or ("table" if sys.stdout.isatty() else "tsv")
    style = kw.pop("style") or "simple"
    return Output(
        format=fmt, style=style, fields=kw.pop("fields"), header=not kw.pop("no_header"),
        count=kw.pop("count"), calendar=kw.pop("calendar") or "both",
        color=fmt == "table" and use_color(), width=terminal_width(), raw=kw.pop("raw"),
    )


def _fields_read(output: Output) -> tuple[str, ...] | None:
    """The fields an output shows, so that only their columns are read (None: whole records)."""
    from chrono.render import DEFAULT_FIELDS

    if output.count:
        return ("id",)
    if output.fields:
        return output.fields
    return None if output.format in ("json", "jsonl") else DEFAULT_FIELDS


def _print_events(index: Index, filters: Filters, output: Output, search: Search | None = None) -> int:
    """Print the matching events; return how many there were."""
    from chrono.render import plain_columns, render_events, render_plain

    columns = plain_columns(output)
    if columns is not None:
        return render_plain(index.select(filters, search, columns=", ".join(columns)), columns, output)
    return render_events(index.events(filters, search, fields=_fields_read(output)), output)


def _done(ctx: click.Context, n: int, output: Output, what: str = "events") -> None:
    if n == 0:
        if output.format == "table" and not output.count:
            click.echo(f"chrono: no {what} match", err=True)
        ctx.exit(EXIT_NO_MATCH)


# Commands ----------------------------------------------------------------------------------


HELP_TEXT = "Show this message and exit."
EXAMPLES_MARK = "\b\nExamples:"


def split_examples(doc: str) -> tuple[str, str | None]:
    """A command's docstring as (help text, examples), so that --help ends with the examples."""
    import inspect

    text = inspect.cleandoc(doc)
    head, mark, tail = text.partition(EXAMPLES_MARK)
    return head.rstrip(), (mark + tail if mark else None)


def _help_option(command: click.Command, ctx: click.Context) -> click.Option | None:
    """The --help option, built without click's gettext lookup (which costs an import on every run)."""
    names = command.get_help_option_names(ctx)
    if not names or not command.add_help_option:
        return None

    def show(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit()

    return click.Option(names, is_flag=True, is_eager=True, expose_value=False, callback=show, help=HELP_TEXT)


def _long_forms(command: click.Command, ctx: click.Context) -> dict[str, str]:
    out = {}
    for param in command.get_params(ctx):
        long = next((o for o in param.opts if o.startswith("--")), None)
        if long:
            out.update((o, long) for o in param.opts if len(o) == 2 and o[0] == "-" and o[1] != "-")
    return out


class ChronoCommand(click.Command):
    """A command whose short options are read as their long forms (click tries them as long options first)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """--help without a translation lookup."""
        return _help_option(self, ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Spell -f as --format and so on before click's parser sees them."""
        longs = _long_forms(self, ctx)
        out = []
        for i, arg in enumerate(args):
            if arg == "--":
                out.extend(args[i:])
                break
            out.append(longs.get(arg, arg))
        return super().parse_args(ctx, out)


class ChronoGroup(click.Group):
    """A group whose commands are built only when used, listed in the order of the README tour."""

    order = ("list", "filter", "search", "show", "on", "tags", "sources", "between", "cite", "timeline", "export",
             "validate", "cache")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.factories: dict[str, Callable[[], click.Command]] = {}

    def lazy(self, name: str, *decorators: Callable[..., Any], cls: type[click.Command] = ChronoCommand,
             children: Callable[[ChronoGroup], None] | None = None,
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a command whose options are created the first time it is looked up."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            def build() -> click.Command:
                f = func
                for decorator in reversed(decorators):
                    f = decorator(f)
                text, examples = split_examples(func.__doc__ or "")
                settings = {"help": text, "epilog": examples, "context_settings": CONTEXT_SETTINGS}
                if children is not None:
                    group = click.group(name, cls=ChronoGroup, **settings)(f)
                    children(group)
                    return group
                return click.command(name, cls=cls, **settings)(f)

            self.factories[name] = build
            return func

        return register

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command, built on first use."""
        if name not in self.commands and name in self.factories:
            self.add_command(self.factories.pop(name)(), name)
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order of the README tour."""
        names = set(self.commands) | set(self.factories)
        return [c for c in self.order if c in names] + sorted(c for c in names if c not in self.order)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """--help without a translation lookup."""
        return _help_option(self, ctx)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Spell -d as --data, -m as --map (up to the command name) before click's parser sees them."""
        longs = _long_forms(self, ctx)
        valued = {o for p in self.get_params(ctx) if isinstance(p, click.Option) and not p.is_flag for o in p.opts}
        out = list(args)
        i = 0
        while i < len(out) and out[i].startswith("-") and out[i] != "--":
            out[i] = longs.get(out[i], out[i])
            i += 2 if out[i] in valued else 1
        return super().parse_args(ctx, out)


_CLI_HELP, _CLI_EXAMPLES = split_examples("""Query a chronology: list, search, filter by tag or date, look up events.

    With no command, prints an overview of the chronology in use: the bundled
    chronology of Stalin's rise and rule, or the files given with -d.

    \b
    Examples:
      chrono search kirov
      chrono list --tag purges --from 1936 --to 1938
      chrono -d mine.csv search famine -f json
      chrono list -f jsonl | jq .title
    """)


@click.group(cls=ChronoGroup, invoke_without_command=True, context_settings=CONTEXT_SETTINGS, help=_CLI_HELP,
             epilog=_CLI_EXAMPLES)
@click.option("-d", "--data", multiple=True, metavar="PATH",
              help="Chronology file (.json, .jsonl, .csv, .tsv; - for stdin). Repeat to merge. [env: CHRONO_DATA]")
@click.option("-m", "--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help="Read this column (or JSON key) as this field, e.g. -m title=Ereignis. Repeatable.")
@click.option("--dayfirst", "order", flag_value="dayfirst", help="Read numeric dates such as 12/1/1934 day first.")
@click.option("--monthfirst", "order", flag_value="monthfirst", help="Read numeric dates month first.")
@click.option("--skip-invalid", is_flag=True,
              help="Load the valid records and leave out those with problems (counted on stderr).")
@click.option("--no-cache", is_flag=True, help="Build the index afresh in memory; do not read or write the cache.")
@click.option("-V", "--version", is_flag=True, is_eager=True, expose_value=False, help="Show the version and exit.",
              callback=lambda ctx, param, value: _show_version(ctx) if value and not ctx.resilient_parsing else None)
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...], mapping: tuple[str, ...], order: str | None,
        skip_invalid: bool, no_cache: bool) -> None:
    """Query a chronology (the help text is _CLI_HELP, with its examples as the epilog)."""
    ctx.obj = Session(data, no_cache, _load_options(mapping, order, skip_invalid))
    if ctx.invoked_subcommand is None:
        _overview(ctx.obj)


def _show_version(ctx: click.Context) -> None:
    click.echo(f"chrono {__version__}")
    ctx.exit()


def _overview(session: Session) -> None:
    index = session.index
    info = index.overview()
    title = index.chronology.title or ", ".join(index.files)
    first = str(info["first"])[:4] if info["first"] else "?"
    last = str(info["last"])[:4] if info["last"] else "?"
    from chrono.render import escape_text

    click.echo(escape_text(title))
    if index.chronology.description:
        import textwrap

        click.echo(textwrap.fill(escape_text(index.chronology.description), 88))
    click.echo(f"{info['count']} events, {first} to {last}")
    if info["top_tags"]:
        click.echo("Top tags: " + ", ".join(f"{escape_text(t)} ({c})" for t, c in info["top_tags"]))
    click.echo("\nTry:")
    for example in EXAMPLES:
        click.echo(f"  {example}")
    click.echo("\nchrono --help lists every command; chrono COMMAND --help shows its options.")


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
    _done(ctx, _print_events(_session(ctx).index, filters, output), output)


def _with_note(filters: Filters, output: Output) -> Output:
    """On a table without -F, --certainty disputed or uncertain adds the note that says why to the columns."""
    if output.format == "table" and not output.fields and {"disputed", "uncertain"} & set(filters.certainty):
        from chrono.render import DEFAULT_FIELDS

        return _replace(output, fields=(*DEFAULT_FIELDS, "note"))
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
    _done(ctx, _print_events(_session(ctx).index, filters, output), output)


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
          click.pass_context, cls=SearchCommand)
def search_cmd(ctx: click.Context, query: tuple[str, ...], filters: Filters, output: Output) -> None:
    """Full-text search over titles, summaries, tags, people, places and aliases.

    Words must all match (case, accents and spelling variants in aliases do
    not matter). "a phrase" matches words in order, -word excludes, word*
    matches a prefix, and tag:x, person:x, place:x look only in that field.
    Results are ranked by relevance; --sort date orders them by date.

    \b
    Examples:
      chrono search kirov
      chrono search '"show trial"' -bukharin
      chrono search trotsk* --year 1940
      chrono search person:yezhov tag:purges -f json
    """
    from chrono.query import parse_search

    search = parse_search(" ".join(query))
    index = _session(ctx).index
    n = _print_events(index, filters, output, search)
    if n == 0:
        _no_match_hint(index, search, filters)
        ctx.exit(EXIT_NO_MATCH)


def _no_match_hint(index: Index, search: Any, filters: Filters) -> None:
    from chrono.render import escape_text

    message = f"no events match {escape_text(search.text)!r}"
    suggestions = index.suggest_words(search.words)
    if suggestions:
        fixed = search.text
        for wrong, right in suggestions.items():
            fixed = fixed.replace(wrong, right)
        message += f"; did you mean {escape_text(fixed)!r}?"
    elif filters.any and index.count(_empty_filters(), search):
        message += " with these filters; try without them"
    click.echo(f"chrono: {message}", err=True)


@cli.lazy("show", click.argument("ids", nargs=-1, required=True, shell_complete=_complete_ids), output_options,
          click.pass_context)
def show_cmd(ctx: click.Context, ids: tuple[str, ...], output: Output) -> None:
    """Show whole events: every field, both calendars, sources with citations.

    IDS are event ids or unique prefixes of them.

    \b
    Examples:
      chrono show kirov-assassinated
      chrono show kirov
      chrono list --tag show-trials -f ids | xargs chrono show
    """
    from chrono.render import FIELDS, render_events, render_full

    index = _session(ctx).index
    events, missing = index.by_ids(ids)
    if output.format == "table" and not output.count:
        render_full(events, output, index.chronology.sources)
    else:
        full = output.fields or (FIELDS if output.format in ("csv", "tsv") else None)
        render_events(events, _replace(output, fields=full))
    for wanted in missing:
        hint = index.suggest_id(wanted)
        click.echo(f"chrono: no event with id {wanted!r}" + (f"; did you mean {hint!r}?" if hint else ""), err=True)
    if missing:
        ctx.exit(EXIT_NO_MATCH)


def _replace(output: Output, **changes: Any) -> Output:
    return output._replace(**changes)


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
    from chrono.dates import DateError, parse_month_day

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
    _done(ctx, _print_events(_session(ctx).index, filters, output), output)


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
    from chrono.render import render_rows

    index = _session(ctx).index
    kind = facet or "tag"
    rows = index.facet_counts(kind, filters)
    if kind == "tag":
        described = [(t, c, index.chronology.tags.get(t, "")) for t, c in rows]
        n = render_rows(("tag", "count", "description"), described, _replace(output, fields=None))
    else:
        n = render_rows((kind, "count"), rows, _replace(output, fields=None))
    _done(ctx, n, output, "tags" if kind == "tag" else ("people" if kind == "person" else "places"))


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
    from chrono.render import render_rows

    index = _session(ctx).index
    plain = _replace(output, fields=None)
    if works:
        n = render_rows(("work", "source", "count"), index.cited_works(filters), plain)
        _done(ctx, n, output, "works")
        return
    declared = index.chronology.sources
    rows = []
    for key, title, count in index.source_counts(filters):
        info = declared.get(key, {}) if key is not None else {}
        info = info if isinstance(info, dict) else {}
        rows.append((key, count, _field_text(info.get("title")) or title, _field_text(info.get("kind")),
                     _field_text(info.get("file"))))
    _done(ctx, render_rows(("source", "count", "title", "kind", "file"), rows, plain), output, "sources")


def _field_text(value: Any) -> str | None:
    """A declared source's field as text, None when it is absent."""
    return None if value is None else str(value)


@cli.lazy("between", click.argument("first", metavar="A", shell_complete=_complete_ids),
          click.argument("second", metavar="B", shell_complete=_complete_ids),
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
    from chrono.between import measure, print_ends, print_interval, resolve, strictly_between

    index = _session(ctx).index
    if filters.start is not None or filters.end is not None:
        raise UsageError("between sets the dates of the events it lists; leave out --from, --to, --year and --around")
    interval = measure(resolve(index, first), resolve(index, second))
    if filters.any and not (listing or output.count):
        raise UsageError("the filters choose the events listed; add --list (or --count)")
    if not (listing or output.count):
        print_interval(interval, _replace(output, fields=None))
        return
    if output.format == "table" and not output.count:
        print_ends(interval, output)
        click.echo("")
    days = strictly_between(interval.first, interval.second)
    start, end = days if days is not None else (1, 0)  # no day between them: a range nothing lies within
    _done(ctx, _print_events(index, filters._replace(start=start, end=end, within=True), output), output)


@cli.lazy("cite", click.argument("ids", nargs=-1, required=True, shell_complete=_complete_ids),
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
    from chrono import cite

    index = _session(ctx).index
    events, missing = index.by_ids(ids)
    declared = index.chronology.sources
    if events:
        if style == "bibtex":
            text = cite.write_bibtex(events, declared)
        elif style == "csl-json":
            text = cite.write_csl_json(events, declared, ascii_only=not _stdout_is_utf8())
        else:
            text = cite.write_text(events, declared, markdown=style == "markdown")
        click.echo(text, nl=False)
    for wanted in missing:
        hint = index.suggest_id(wanted)
        click.echo(f"chrono: no event with id {wanted!r}" + (f"; did you mean {hint!r}?" if hint else ""), err=True)
    if missing:
        ctx.exit(EXIT_NO_MATCH)


@cli.lazy("timeline",
          click.option("--by", "period", type=click.Choice(("year", "decade", "month")), default="year",
                       show_default=True, help="Length of one bar's period."),
          filter_options, output_options, click.pass_context)
def timeline_cmd(ctx: click.Context, period: str, filters: Filters, output: Output) -> None:
    """Events per year, decade or month as a bar chart of the filtered events.

    Each event counts once, in the period where it starts (an event known
    only to the decade counts in the decade's first year). Every period in
    the range is shown, empty ones too. Piped, it prints period and count
    as TSV.

    \b
    Examples:
      chrono timeline
      chrono timeline --by decade
      chrono timeline --by month --from 1934-06 --to 1935-06 --tag purges
    """
    from chrono.render import render_rows
    from chrono.timeline import bar_chart, periods

    index = _session(ctx).index
    rows = periods(index, filters, period)
    if not rows:
        _done(ctx, 0, output)
    if output.format == "table" and not output.count:
        click.echo(bar_chart(rows, output.width or 80, ascii_only=not _stdout_is_utf8()))
    else:
        render_rows((period, "count"), rows, _replace(output, fields=None))


def _stdout_is_utf8() -> bool:
    from chrono.render import stdout_is_utf8

    return stdout_is_utf8()


def _export_filters(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared filters for export, whose --to names the format (a date given to --to still ends the range)."""
    inner = filter_options(func, date_to=False)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from chrono.export import EXPORT_FORMATS

        targets = kwargs.pop("targets")
        formats = [t for t in targets if t in EXPORT_FORMATS]
        dates = [t for t in targets if t not in EXPORT_FORMATS]
        if len(formats) != 1:
            raise click.UsageError(
                f"give one export format with --to, e.g. --to ics (one of {', '.join(EXPORT_FORMATS)})")
        if len(dates) > 1:
            raise click.UsageError("give at most one end date with --to")
        kwargs["fmt"] = formats[0]
        kwargs["date_to"] = DateParam().convert(dates[0], None, click.get_current_context()) if dates else None
        return inner(*args, **kwargs)

    return click.option("--to", "targets", multiple=True, required=True, metavar="FORMAT|DATE",
                        help="Export format (ics, timelinejs, sqlite, html, csv, json, jsonl, markdown); a date "
                             "given to --to ends the range, as for the other commands.")(wrapper)


@cli.lazy("export",
          click.option("-o", "--output", "path", metavar="FILE",
                       help="Write to FILE (atomically) instead of stdout; required for sqlite."),
          click.option("--raw", is_flag=True,
                       help="CSV: write cells as they are, without the ' that keeps spreadsheets from reading "
                            "cells beginning with =, +, -, @ as formulas."),
          _export_filters, click.pass_context)
def export_cmd(ctx: click.Context, fmt: str, path: str | None, raw: bool, filters: Filters) -> None:
    """Export the filtered events for other tools.

    \b
    ics         iCalendar: one all-day event per event, for calendar apps
    timelinejs  TimelineJS3 JSON, for a TimelineJS web page
    sqlite      a database for Datasette or sqlite3 (needs -o)
    html        one self-contained page drawing a visual timeline
    csv, json, jsonl
                the chronology format; chrono can load these again
    markdown    a dated list with sources, for a paper

    Files are written atomically: a failed export leaves the old file as it was.
    CSV cells that begin with =, +, -, @, tab or CR get a leading ' so that
    spreadsheets do not run them as formulas (--raw leaves them as they are).

    \b
    Examples:
      chrono export --to ics --tag purges -o purges.ics
      chrono export --to html -o stalin.html
      chrono export --to sqlite -o chrono.db && datasette chrono.db
      chrono export --to markdown --from 1934 --to 1938 > terror.md
    """
    from chrono.export import BINARY_FORMATS, TEXT_WRITERS, atomic_file, atomic_path, write_sqlite

    index = _session(ctx).index
    if fmt in BINARY_FORMATS and path is None:
        raise UsageError(f"--to {fmt} writes a database file; give one with -o FILE")
    events = index.events(filters)
    writers = dict(TEXT_WRITERS)
    if raw:
        from chrono.export import write_csv

        writers["csv"] = functools.partial(write_csv, raw=True)
    if path is None:
        n = writers[fmt](events, index.chronology, sys.stdout)
    elif fmt == "sqlite":
        with atomic_path(path) as tmp:
            os.unlink(tmp)
            n = write_sqlite(events, index.chronology, tmp)
    elif _is_special(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            n = writers[fmt](events, index.chronology, f)
    else:
        with atomic_file(path) as f:
            n = writers[fmt](events, index.chronology, f)
    if path is not None and not _is_special(path):
        click.echo(f"chrono: wrote {n} event{'s' if n != 1 else ''} to {path}", err=True)
    if n == 0:
        ctx.exit(EXIT_NO_MATCH)


def _is_special(path: str) -> bool:
    """Whether path is a device or pipe (/dev/stdout, a FIFO), which cannot be replaced atomically."""
    import stat

    try:
        return not stat.S_ISREG(os.stat(path).st_mode) and not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


@cli.lazy("validate", click.argument("files", nargs=-1, metavar="[FILE]..."),
          click.option("--strict", is_flag=True,
                       help="Also apply the rules of a curated chronology: explicit ids, EDTF dates, a summary, "
                            "declared tags and sources."),
          click.option("-v", "--verbose", is_flag=True,
                       help="Also print how columns and dates were read (FILE:LINE:COL: ... read as ...)."),
          click.pass_context)
def validate_cmd(ctx: click.Context, files: tuple[str, ...], strict: bool, verbose: bool) -> None:
    """Check chronology files; print every problem as FILE:LINE:COL: message.

    With no FILE, checks the chronology in use (-d, CHRONO_DATA or the bundled
    one). Several files are checked as a set, as -d would merge them, read
    with the group's -m/--map, --dayfirst and --monthfirst. Exit status 0
    when all are valid, 2 when any problem is found.

    \b
    Examples:
      chrono validate mine.csv
      chrono validate -v mine.csv
      chrono validate --strict data/events.json
      chrono -m title=Ereignis --dayfirst validate notes.csv
    """
    from chrono.cache import validate_files
    from chrono.model import LoadOptions
    from chrono.render import escape_text

    session = _session(ctx)
    paths = list(files) or session.paths
    options = (session.options or LoadOptions())._replace(skip_invalid=False, strict=strict)
    result = validate_files(paths, options, notes=(lambda line: click.echo(escape_text(line))) if verbose else None)
    problems = result.problems
    for line in problems:
        click.echo(escape_text(line), err=True)
    for reader in result.readers:
        click.echo(f"{reader.name}: {reader.count} events" + (" ok" if not problems else ""))
    if problems:
        click.echo(f"chrono: {len(problems)} problem{'s' if len(problems) != 1 else ''} found", err=True)
        ctx.exit(EXIT_USAGE)


@cli.lazy("cache", children=lambda group: _cache_commands(group))
def cache_group() -> None:
    """Manage the index cache that makes repeated queries on large files fast.

    Files of 32 KB or more are indexed once and the index is kept in
    CHRONO_CACHE_DIR, else $XDG_CACHE_HOME/chrono, else ~/.cache/chrono.
    An entry is rebuilt when its file changes; --no-cache bypasses it.

    \b
    Examples:
      chrono cache info
      chrono cache clear
    """


def _cache_info(output: Output) -> None:
    """List the cache entries: sources, events, size and whether each is fresh.

    \b
    Examples:
      chrono cache info
      chrono cache info -f json
    """
    from chrono.cache import cache_dir, entries
    from chrono.render import render_rows

    rows = [(e["file"], e["events"], e["bytes"], e["state"], e["sources"]) for e in entries()]
    if output.format == "table" and not output.count:
        click.echo(f"cache directory: {cache_dir()}", err=True)
    render_rows(("file", "events", "bytes", "state", "sources"), rows, _replace(output, fields=None))


def _cache_clear() -> None:
    """Delete every cache entry (they are rebuilt when needed).

    \b
    Examples:
      chrono cache clear
    """
    from chrono.cache import cache_dir, clear

    count, size = clear()
    click.echo(f"removed {count} cache file{'s' if count != 1 else ''} ({size / 1e6:.1f} MB) from {cache_dir()}")


def _cache_commands(group: ChronoGroup) -> None:
    group.lazy("info", output_options)(_cache_info)
    group.lazy("clear")(_cache_clear)


# Entry point -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run chrono: errors as one clear line with the documented exit code, never a traceback."""
    try:
        import _signal as signals  # the C module: `signal` would also build enums we do not need
    except ImportError:  # pragma: no cover - every CPython has it
        import signal as signals  # type: ignore[no-redef]
    if hasattr(signals, "SIGPIPE"):
        # Like other Unix filters, end quietly when the reader of a pipe goes away (chrono list | head -1).
        signals.signal(signals.SIGPIPE, signals.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    code = 0
    try:
        result = cli.main(args=argv, prog_name="chrono", standalone_mode=False)
        code = result if isinstance(result, int) else 0
        sys.stdout.flush()
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:  # click has already ended the ^C line
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        code = EXIT_USAGE
    except OSError as exc:
        _silence_stdout()
        where = exc.filename or "output"
        click.echo(f"chrono: cannot write {where}: {exc.strerror or exc}", err=True)
        code = EXIT_USAGE
    except RecursionError:
        click.echo("chrono: input nested too deeply", err=True)
        code = EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if os.environ.get("CHRONO_DEBUG"):
            raise
        click.echo(f"chrono: internal error: {type(exc).__name__}: {exc} (set CHRONO_DEBUG=1 for details; "
                   "please report it)", err=True)
        code = EXIT_USAGE
    sys.exit(code)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
