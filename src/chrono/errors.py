"""Errors with the documented exit codes: 1 nothing matched, 2 usage or data, 130 interrupted."""

from __future__ import annotations

import click

EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class ChronoError(click.ClickException):
    """An error shown as `chrono: message` on stderr, with its exit code."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        """Print the message on stderr, one line per line of the message."""
        from chrono.output.render import escape_text

        for line in self.format_message().splitlines() or [""]:
            click.echo(f"chrono: {escape_text(line)}", err=True, file=file)


class UsageError(ChronoError):
    """A command used wrongly: bad option values or arguments."""

    exit_code = EXIT_USAGE


class DataError(ChronoError):
    """Invalid chronology data; each problem is FILE:LINE:COL: message."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str], hint: str = "") -> None:
        self.problems = problems
        self.hint = hint
        super().__init__(problems[0] if problems else "invalid data")

    def show(self, file=None) -> None:  # noqa: ANN001
        """Print each problem as it is, then the hint."""
        from chrono.output.render import escape_text

        for line in self.problems:
            click.echo(escape_text(line), err=True, file=file)
        if self.hint:
            click.echo(f"chrono: {self.hint}", err=True, file=file)


class NoMatch(ChronoError):
    """Nothing matched, or an id was not found (exit 1)."""

    exit_code = EXIT_NO_MATCH
