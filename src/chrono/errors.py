"""Errors with the documented exit codes (1 nothing matched, 2 usage or data, 130 interrupted), and warnings.

Plain exceptions, so that the library never needs click: the CLI turns them into one line on stderr
(`chrono: message`) and the exit code. Warnings are Python warnings of the class ChronoWarning; the
CLI prints them as `chrono: warning: message`.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NO_MATCH = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class ChronoError(Exception):
    """An error a user can fix: the message says what is wrong, where, and how to fix it; exit_code is documented."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """What to print, one line each (the CLI puts `chrono: ` before each)."""
        return self.message.splitlines() or [""]


class UsageError(ChronoError):
    """A command or function used wrongly: bad option values or arguments."""

    exit_code = EXIT_USAGE


class DataError(ChronoError):
    """Invalid chronology data; each problem is FILE:LINE:COL: message."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str], hint: str = "") -> None:
        self.problems = problems
        self.hint = hint
        super().__init__(problems[0] if problems else "invalid data")

    def lines(self) -> list[str]:
        """Each problem, then the hint."""
        return [*self.problems, *([self.hint] if self.hint else [])]


class NoMatch(ChronoError):
    """Nothing matched, or an id was not found (exit 1)."""

    exit_code = EXIT_NO_MATCH


class ChronoWarning(UserWarning):
    """Something the user should know that does not stop the work (a damaged cache rebuilt, a file that changed)."""


def warn(message: str) -> None:
    """Issue a ChronoWarning (the CLI prints it as `chrono: warning: message`)."""
    import warnings

    warnings.warn(ChronoWarning(message), stacklevel=2)
