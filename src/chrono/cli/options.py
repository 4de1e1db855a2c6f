"""The options commands share, and what they become: the session, the filters and the output."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from chrono.api import Chronology
    from chrono.model import LoadOptions
    from chrono.output.render import Output
    from chrono.store.index import Index
    from chrono.store.query import Filters


class Session:
    """What the group's options set up for every command: the data files, how to read them, and the index."""

    def __init__(self, data: tuple[str, ...], no_cache: bool, options: LoadOptions | None = None) -> None:
        self.data = data
        self.no_cache = no_cache
        self.options = options
        self._chronology: Chronology | None = None

    @property
    def paths(self) -> list[str]:
        """The chronology files in use."""
        from chrono.store.cache import data_paths

        return data_paths(self.data)

    @property
    def chronology(self) -> Chronology:
        """The chronology in use, opened (or read from the cache) on first use, as the Python API opens it."""
        if self._chronology is None:
            from chrono.api import Chronology
            from chrono.store.cache import open_index

            paths = self.paths
            self._chronology = Chronology(open_index(paths, use_cache=not self.no_cache, options=self.options), paths)
            if self.options is not None and self.options.skip_invalid:
                self._report_skipped(self._chronology.index)
        return self._chronology

    @property
    def index(self) -> Index:
        """The index of the chronology in use."""
        return self.chronology.index

    @property
    def opened(self) -> Index | None:
        """The index, if it has been opened."""
        return self._chronology.index if self._chronology is not None else None

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


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A date typed by a user: 1934, 1934-12, 1934-12-01, 1930s, 'Dec 1934', '1 December 1934'."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse the text into a span of days."""
        from chrono.dates.edtf import DateError
        from chrono.dates.user import parse_user_date

        if not isinstance(value, str):
            return value
        try:
            return parse_user_date(value)
        except DateError as exc:
            self.fail(str(exc), param, ctx)


class FieldsParam(click.ParamType):  # type: ignore[type-arg]
    """A comma-separated list of field names."""

    name = "FIELDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Split and check the names."""
        from chrono.output.render import FIELDS

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
        index = get_session(ctx).index
        values = [v for v, _ in index.facet_counts(kind, _empty_filters())]
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    low = incomplete.casefold()
    return [v for v in values if v.casefold().startswith(low) or any(
        w.startswith(low) for w in v.casefold().replace("-", " ").split())]


def _complete_sources(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    try:
        names = get_session(ctx).index.source_names()
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []
    low = incomplete.casefold()
    return [n for n in names if n.casefold().startswith(low)]


def complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Event ids that begin with what has been typed."""
    try:
        index = get_session(ctx).index
        rows = index.conn.execute(
            "SELECT id FROM events WHERE id LIKE ? ORDER BY id LIMIT 200", (incomplete + "%",)
        ).fetchall()
    except Exception:  # noqa: BLE001
        return []
    return [r[0] for r in rows]


def _empty_filters() -> Filters:
    from chrono.store.query import Filters

    return Filters()


def get_session(ctx: click.Context) -> Session:
    """The session the group set up; in shell completion, which runs no callbacks, one made from its parameters."""
    root = ctx.find_root()
    if not isinstance(root.obj, Session):
        params = root.params
        try:
            order = date_order(bool(params.get("dayfirst")), bool(params.get("monthfirst")))
            options = load_options(params.get("mapping") or (), order, bool(params.get("skip_invalid")),
                                   params.get("julian_before"))
        except click.UsageError:
            options = None
        root.obj = Session(tuple(params.get("data") or ()), bool(params.get("no_cache")), options)
    return root.obj


def date_order(dayfirst: bool, monthfirst: bool) -> str | None:
    """The order of numeric dates the group's --dayfirst or --monthfirst asks for (both at once: a usage error)."""
    if dayfirst and monthfirst:
        raise click.UsageError("give --dayfirst or --monthfirst, not both (12/1/1934 is read one way or the other)")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def load_options(mapping: tuple[str, ...], order: str | None, skip_invalid: bool,
                 julian_before: Any = None) -> LoadOptions:
    """How to read the data files, from the group's -m/--map, --dayfirst/--monthfirst, --skip-invalid and
    --julian-before (made as the Python API makes them)."""
    from chrono.api import load_options as options

    pairs: tuple[tuple[str, str], ...] = ()
    if mapping:
        from chrono.read.normalise import parse_mapping  # only then: the normaliser costs a start-up its imports

        try:
            pairs = parse_mapping(mapping)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'-m' / '--map'") from None
    return options(pairs, order == "dayfirst", order == "monthfirst", skip_invalid, julian_before)


def filter_options(func: Callable[..., Any], date_to: bool = True) -> Callable[..., Any]:
    """Add the shared filters and pass them to the command as one `filters` argument."""
    from chrono.store.query import CERTAINTY_CHOICES, PRECISION_CHOICES, SORT_KEYS

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
        click.option("--around", metavar="DATE|ID", shell_complete=complete_ids,
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
                     help="Events whose date is disputed, uncertain, or certain (neither) (repeat: any of them)."),
        click.option("--account", multiple=True, type=click.Choice(CERTAINTY_CHOICES, case_sensitive=False),
                     help="Events whose account (who, why, what exactly) is disputed, uncertain, or certain "
                          "(repeat: any of them)."),
        click.option("--date-basis", multiple=True, metavar="BASIS", shell_complete=_complete_sources,
                     help="Events whose date comes from: seed (stated by a cited source), standard (standard "
                          "accounts), or a source key (repeat: any of them)."),
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
    """The filters from the options, made as the Python API makes them (chrono.store.where)."""
    from chrono.store.where import make_filters

    return make_filters(
        tag=kw.pop("tags"), not_tag=kw.pop("not_tags"), start=kw.pop("date_from"), end=kw.pop("date_to", None),
        year=kw.pop("year"), within=kw.pop("within"), person=kw.pop("people"), place=kw.pop("places"),
        sort=kw.pop("sort"), reverse=kw.pop("reverse"), limit=kw.pop("limit"), around=kw.pop("around"),
        window=kw.pop("window"), max_span=kw.pop("max_span"), source=kw.pop("sources"),
        not_source=kw.pop("not_sources"), certainty=kw.pop("certainty"), precision=kw.pop("precision"),
        account=kw.pop("account"), date_basis=kw.pop("date_basis"),
    )


def _check_span(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A span such as 10d, 6m or 2y, checked (a bad one is a usage error of its option)."""
    if value is None:
        return None
    from chrono.store.query import parse_span

    try:
        parse_span(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    return value


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared output options and pass them to the command as one `output` argument."""
    from chrono.output.render import FORMATS

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
    from chrono.output.render import Output, terminal_width, use_color

    terminal = sys.stdout.isatty()
    fmt = kw.pop("fmt") or ("table" if terminal else "tsv")
    style = kw.pop("style") or "simple"
    return Output(
        format=fmt, style=style, fields=kw.pop("fields"), header=not kw.pop("no_header"),
        count_only=kw.pop("count"), calendar=kw.pop("calendar") or "both",
        color=fmt == "table" and use_color(), width=terminal_width(), raw=kw.pop("raw"), terminal=terminal,
    )
