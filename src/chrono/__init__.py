"""chrono: query chronologies from the command line, or from Python.

    import chrono
    c = chrono.open("mine.csv")          # no path: the bundled chronology
    c.search("famine", year=1932)        # Event objects, most relevant first

The names below are imported when first used, so that `chrono --help` pays for none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Chronology", "ChronoError", "ChronoWarning", "DataError", "Event", "NoMatch", "UsageError", "open"]

if TYPE_CHECKING:
    from chrono.api import Chronology, open  # noqa: A004
    from chrono.errors import ChronoError, ChronoWarning, DataError, NoMatch, UsageError
    from chrono.model import Event

_HOMES = {"open": "chrono.api", "Chronology": "chrono.api", "Event": "chrono.model", "ChronoError": "chrono.errors",
          "ChronoWarning": "chrono.errors", "DataError": "chrono.errors", "NoMatch": "chrono.errors",
          "UsageError": "chrono.errors"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'chrono' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(home), name)
