"""Opening the chronologies in use: a persistent index cache on disk, or an index built in memory.

The jobs live in their own modules: paths (the data files, the cache directory), entries (keys,
names, opening an entry, `cache info` and `clear`) and build (building here or in a writer process).
A stale entry is rebuilt silently, a damaged one is rebuilt with one warning line and never trusted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from chrono.errors import warn
from chrono.model import whole_number
from chrono.store.entries import cache_key, clear, entries, entry_path, open_entry
from chrono.store.paths import STDIN, bundled_path, cache_dir, data_paths

if TYPE_CHECKING:
    from chrono.model import LoadOptions
    from chrono.read.load import ScanResult
    from chrono.store.index import Index

__all__ = ["DEFAULT_MIN_BYTES", "build_in_memory", "bundled_path", "cache_dir", "clear", "data_paths", "entries",
           "open_index", "validate_files"]

# Files smaller than this are indexed in memory on every run: it takes only milliseconds.
DEFAULT_MIN_BYTES = 32 * 1024


def _min_bytes() -> int:
    value = os.environ.get("CHRONO_CACHE_MIN_BYTES", "")
    number = whole_number(value)
    return DEFAULT_MIN_BYTES if number is None else number


def open_index(paths: list[str], use_cache: bool = True, options: LoadOptions | None = None) -> Index:
    """An index over the files: from the cache when it is fresh, else built (and cached when worth it)."""
    from chrono.model import LoadOptions

    options = options or LoadOptions()
    if use_cache and STDIN not in paths:
        try:
            abspaths = [os.path.abspath(p) for p in paths]
            stats = [os.stat(p) for p in abspaths]
        except OSError:
            stats = []
        if stats and sum(st.st_size for st in stats) >= _min_bytes() and all(
                _is_regular(st) for st in stats):
            key = cache_key(abspaths, stats, options.key())
            path = entry_path(abspaths, options.key())
            index = open_entry(path, key)
            if index is not None:
                return index
            from chrono.store.build import CacheWriteError, build_entry

            try:
                return build_entry(paths, path, key, sum(st.st_size for st in stats), options)
            except CacheWriteError as exc:
                if exc.loud:
                    warn(f"cannot write the index cache ({exc}); indexing in memory")
    return build_in_memory(paths, options)


def _is_regular(st: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(st.st_mode)


def build_in_memory(paths: list[str], options: LoadOptions | None = None) -> Index:
    """Build the index in memory (stdin, --no-cache, small files)."""
    from chrono.store.build import build_in_memory as build

    return build(paths, options)


def validate_files(paths: list[str], options: LoadOptions, notes: Callable[[str], None] | None = None,
                   ) -> ScanResult:
    """Every problem in the files (FILE:LINE:COL: message) and each file's event count; notes hears what was
    read as what."""
    from chrono.read.load import scan

    return scan(paths, None, options, max_problems=10**9, notes=notes)

