"""The command line: the group, the module that defines each command (imported when it is used), and main()."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import click

from chrono import __version__
from chrono.cli.options import DateParam, Session, date_order, load_options
from chrono.errors import EXIT_INTERRUPTED, EXIT_USAGE, ChronoError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXAMPLES = (
    "chrono search kirov",
    "chrono list --tag purges --from 1936 --to 1938",
    "chrono show kirov-assassinated",
)

# The module that defines each command (importing it registers its commands), in the order of the README tour.
COMMAND_MODULES = {
    "list": "chrono.cli.commands.query",
    "filter": "chrono.cli.commands.query",
    "search": "chrono.cli.commands.query",
    "show": "chrono.cli.commands.query",
    "on": "chrono.cli.commands.query",
    "tags": "chrono.cli.commands.facets",
    "sources": "chrono.cli.commands.facets",
    "between": "chrono.cli.commands.research",
    "cite": "chrono.cli.commands.research",
    "timeline": "chrono.cli.commands.facets",
    "export": "chrono.cli.commands.files",
    "validate": "chrono.cli.commands.files",
    "cache": "chrono.cli.commands.files",
}


HELP_TEXT = "Show this message and exit."
# Where the root context keeps the arguments it was given (to run a command again).
ARGS = "chrono.args"
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
    out: dict[str, str] = {}
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

    order = tuple(COMMAND_MODULES)

    def __init__(self, *args: Any, modules: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.factories: dict[str, Callable[[], click.Command]] = {}
        self.modules = dict(modules or {})

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
        """The command, built on first use (after importing the module that defines it)."""
        if name not in self.commands and name not in self.factories and name in self.modules:
            __import__(self.modules[name])  # not importlib.import_module, which -X importtime does not see
        if name not in self.commands and name in self.factories:
            self.add_command(self.factories.pop(name)(), name)
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in the order of the README tour."""
        names = set(self.commands) | set(self.factories) | set(self.modules)
        return [c for c in self.order if c in names] + sorted(c for c in names if c not in self.order)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """--help without a translation lookup."""
        return _help_option(self, ctx)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; the library's errors become their message on stderr and their exit code."""
        import warnings

        with warnings.catch_warnings():
            capture_warnings()
            try:
                return super().invoke(ctx) if ctx.parent is not None else self._invoke_root(ctx)
            except ChronoError as exc:
                show_error(exc)
                raise click.exceptions.Exit(exc.exit_code) from None

    def _invoke_root(self, ctx: click.Context) -> Any:
        """Run the command; when a cache entry it read turns out damaged (an SQLite error), run it once more on an
        index built afresh, printing only what the first run had not printed."""
        from chrono.cli.streams import Counted

        counted = Counted(sys.stdout)
        sys.stdout = counted
        try:
            try:
                return super().invoke(ctx)
            except Exception as exc:
                if type(exc).__module__ != "sqlite3":
                    raise
                from chrono.store.cache import discard_damaged

                if not isinstance(ctx.obj, Session) or not discard_damaged(ctx.obj.opened, exc):
                    raise
            counted.skip = counted.written
            with self.make_context(ctx.info_name, list(ctx.meta.get(ARGS, [])), parent=ctx.parent) as again:
                return super().invoke(again)
        finally:
            sys.stdout = counted.stream

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Spell -d as --data, -m as --map (up to the command name) before click's parser sees them."""
        if ctx.parent is None:
            ctx.meta[ARGS] = list(args)
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


@click.group(cls=ChronoGroup, modules=COMMAND_MODULES, invoke_without_command=True, context_settings=CONTEXT_SETTINGS,
             help=_CLI_HELP, epilog=_CLI_EXAMPLES)
@click.option("-d", "--data", multiple=True, metavar="PATH",
              help="Chronology file (.json, .jsonl, .csv, .tsv; - for stdin). Repeat to merge. [env: CHRONO_DATA]")
@click.option("-m", "--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help="Read this column (or JSON key) as this field, e.g. -m title=Ereignis. Repeatable.")
@click.option("--dayfirst", is_flag=True, help="Read numeric dates such as 12/1/1934 day first.")
@click.option("--monthfirst", is_flag=True, help="Read numeric dates month first.")
@click.option("--julian-before", type=DateParam(), metavar="DATE",
              help="Read day dates before DATE as Julian (Old Style) and keep both calendars, e.g. 1918-02-14 "
                   "(Russia), 1752-09-14 (Britain), 1582-10-15 (Catholic Europe).")
@click.option("--skip-invalid", is_flag=True,
              help="Load the valid records and leave out those with problems (counted on stderr).")
@click.option("--no-cache", is_flag=True, help="Build the index afresh in memory; do not read or write the cache.")
@click.option("-V", "--version", is_flag=True, is_eager=True, expose_value=False, help="Show the version and exit.",
              callback=lambda ctx, param, value: _show_version(ctx) if value and not ctx.resilient_parsing else None)
@click.pass_context
def cli(ctx: click.Context, data: tuple[str, ...], mapping: tuple[str, ...], dayfirst: bool, monthfirst: bool,
        julian_before: Any, skip_invalid: bool, no_cache: bool) -> None:
    """Query a chronology (the help text is _CLI_HELP, with its examples as the epilog)."""
    ctx.obj = Session(data, no_cache, load_options(mapping, date_order(dayfirst, monthfirst), skip_invalid,
                                                   julian_before))
    if ctx.invoked_subcommand is None:
        _overview(ctx.obj)


def _show_version(ctx: click.Context) -> None:
    click.echo(f"chrono {__version__}")
    ctx.exit()


def _overview(session: Session) -> None:
    import shlex
    import textwrap

    from chrono.dates.human import year_text
    from chrono.output.escape import escape_text
    from chrono.store.cache import bundled_path
    from chrono.store.overview import overview

    index = session.index
    info = overview(index)
    click.echo(escape_text(info.title or ", ".join(index.files)))
    if info.description:
        click.echo(textwrap.fill(escape_text(info.description), 88))
    first = year_text(info.first // 10000) if info.first is not None else "?"
    last = year_text(info.last // 10000) if info.last is not None else "?"
    click.echo(f"{info.events} events, {first} to {last}")
    if info.top_tags:
        click.echo("Top tags: " + ", ".join(f"{escape_text(t)} ({c})" for t, c in info.top_tags))
    if info.eras:
        click.echo("Eras: " + "; ".join(f"{escape_text(name)} ({when})" for name, when in info.eras))
    if session.paths == [bundled_path()]:
        examples = list(EXAMPLES)
    else:
        data = [arg for path in session.data for arg in ("-d", path)]
        examples = [shlex.join(["chrono", *data, *args]) for args in info.examples]
    if examples:
        click.echo("\nTry:")
        for example in examples:
            click.echo(f"  {escape_text(example)}")
    click.echo("\nchrono --help lists every command; chrono COMMAND --help shows its options.")


# Errors and warnings -----------------------------------------------------------------------


def show_error(exc: ChronoError) -> None:
    """An error on stderr: data problems as they are (FILE:LINE:COL: ...), other lines after `chrono: `."""
    from chrono.errors import DataError
    from chrono.output.escape import escape_text

    if isinstance(exc, DataError):
        for line in exc.problems:
            click.echo(escape_text(line), err=True)
        if exc.hint:
            click.echo(f"chrono: {escape_text(exc.hint)}", err=True)
        return
    for line in exc.lines():
        click.echo(f"chrono: {escape_text(line)}", err=True)


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """Print the library's warnings as `chrono: warning: ...` (others as Python would)."""
    from chrono.errors import ChronoWarning

    if issubclass(category, ChronoWarning):
        from chrono.output.escape import escape_text

        click.echo(f"chrono: warning: {escape_text(str(message))}", err=True)
    else:
        import warnings

        warnings._showwarnmsg_impl(warnings.WarningMessage(message, category, filename, lineno, file, line))  # type: ignore[attr-defined]


def capture_warnings() -> None:
    """Show every ChronoWarning as it happens (not once per place), in chrono's words."""
    import warnings

    from chrono.errors import ChronoWarning

    warnings.simplefilter("always", ChronoWarning)
    warnings.showwarning = _show_warning


# Entry point -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run chrono: errors as one clear line with the documented exit code, never a traceback."""
    try:
        import _signal as signals  # type: ignore[import-not-found]  # the C module: `signal` builds enums too
    except ImportError:  # pragma: no cover - every CPython has it
        import signal as signals
    from chrono.cli.streams import guard_standard_streams

    guard_standard_streams()
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
    except ChronoError as exc:
        show_error(exc)
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
    _end(code)


def _end(code: int) -> NoReturn:
    """Exit once the output is written, without the interpreter's teardown of every module: a few milliseconds
    that a finished command does not need (files and the cache are closed by then; atexit has nothing to do)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
