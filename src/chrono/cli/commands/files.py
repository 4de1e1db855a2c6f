"""The commands for files: export, validate and cache."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from chrono.cli import ChronoGroup, cli
from chrono.cli.commands import replace_output
from chrono.cli.options import DateParam, filter_options, get_session, output_options
from chrono.errors import EXIT_NO_MATCH, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from chrono.output.render import Output
    from chrono.store.query import Filters


def _export_filters(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared filters for export, whose --to names the format (a date given to --to still ends the range)."""
    inner = filter_options(func, date_to=False)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from chrono.output.export import EXPORT_FORMATS

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
          click.option("--force", is_flag=True, help="Let -o FILE replace one of the chronology files being read."),
          _export_filters, click.pass_context)
def export_cmd(ctx: click.Context, fmt: str, path: str | None, raw: bool, force: bool, filters: Filters) -> None:
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
    from chrono.output.export import BINARY_FORMATS, TEXT_WRITERS, atomic_file, atomic_path, write_sqlite

    session = get_session(ctx)
    if fmt in BINARY_FORMATS and path is None:
        raise UsageError(f"--to {fmt} writes a database file; give one with -o FILE")
    if path is not None and not force:
        _refuse_own_input(path, session.paths)
    index = session.index
    events = index.events(filters)
    writers = dict(TEXT_WRITERS)
    if raw:
        from chrono.output.export import write_csv

        writers["csv"] = functools.partial(write_csv, raw=True)
    try:
        if path is None:
            out: Any = sys.stdout
            if out.isatty():
                from chrono.cli.streams import Escaping
                from chrono.output.escape import terminal_document, terminal_json

                # On a terminal nothing from the data may act on it; to a file or a pipe the bytes stay exact.
                out = Escaping(out, terminal_json if fmt in ("json", "jsonl", "timelinejs") else terminal_document)
            n = writers[fmt](events, index.chronology, out)
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
    except OSError as exc:
        if path is None or exc.filename == path:
            raise
        # Name the file asked for, not the temporary file beside it (main() says: cannot write FILE: why).
        raise OSError(exc.errno, exc.strerror or str(exc), path) from None
    if path is not None and not _is_special(path):
        click.echo(f"chrono: wrote {n} event{'s' if n != 1 else ''} to {path}", err=True)
    if n == 0:
        ctx.exit(EXIT_NO_MATCH)


def _refuse_own_input(path: str, inputs: list[str]) -> None:
    """A usage error when -o names one of the chronology files being read (the export would replace it)."""
    for data in inputs:
        try:
            same = data != "-" and os.path.samefile(path, data)
        except OSError:
            same = False
        if same:
            raise UsageError(f"-o {path} is the chronology being read (-d {data}); the export would replace it: write "
                             "to another file, or add --force")


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
    from chrono.model import LoadOptions
    from chrono.output.escape import escape_text
    from chrono.store.cache import validate_files

    session = get_session(ctx)
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
    The cache is private (0700, entries 0600): an entry is used only when
    you own it and nobody else can write it.

    \b
    Examples:
      chrono cache info
      chrono cache clear
    """


def _cache_info(output: Output) -> None:
    """List the cache entries: sources, events, size, whether each is fresh, and when it was built or refreshed.

    \b
    Examples:
      chrono cache info
      chrono cache info -f json
    """
    from chrono.output.render import render_rows
    from chrono.store.cache import cache_dir, entries

    columns = ("file", "events", "bytes", "state", "updated", "sources")
    rows = [tuple(e[c] for c in columns) for e in entries()]
    if output.format == "table" and not output.count_only:
        click.echo(f"cache directory: {cache_dir()}", err=True)
    render_rows(columns, rows, replace_output(output, fields=None))


def _cache_clear() -> None:
    """Delete your cache entries (they are rebuilt when needed), and nothing else.

    \b
    Examples:
      chrono cache clear
    """
    from chrono.store.cache import cache_dir, clear

    count, size = clear()
    click.echo(f"removed {count} cache file{'s' if count != 1 else ''} ({size / 1e6:.1f} MB) from {cache_dir()}")


def _cache_commands(group: ChronoGroup) -> None:
    group.lazy("info", output_options)(_cache_info)
    group.lazy("clear")(_cache_clear)
