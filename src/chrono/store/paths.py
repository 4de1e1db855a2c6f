"""Where things are: the chronology files in use (options, CHRONO_DATA, the bundled one) and the cache directory."""

from __future__ import annotations

import os

STDIN = "-"


def bundled_path() -> str:
    """The chronology shipped with chrono (inside the package, or at the top of a source checkout)."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    packaged = os.path.join(package, "data", "events.json")
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "data", "events.json")


def data_paths(options: tuple[str, ...] | list[str]) -> list[str]:
    """The chronology files to use: -d/--data options, else CHRONO_DATA, else the bundled chronology."""
    if options:
        return list(options)
    paths = [p for p in os.environ.get("CHRONO_DATA", "").split(os.pathsep) if p]
    return paths or [bundled_path()]


def cache_dir() -> str:
    """CHRONO_CACHE_DIR, else $XDG_CACHE_HOME/chrono, else ~/.cache/chrono."""
    explicit = os.environ.get("CHRONO_CACHE_DIR")
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "chrono")
