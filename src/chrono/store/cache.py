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
from chrono.store.entries import Stale, cache_key, clear, discard_damaged, entries, entry_path, open_entry
from chrono.store.paths import STDIN, bundled_path, cache_dir, data_paths

if TYPE_CHECKING:
    from chrono.model import LoadOptions
    from chrono.read.load import ScanResult
    from chrono.store.index import Index

__all__ = ["DEFAULT_MIN_BYTES", "build_in_memory", "bundled_path", "cache_dir", "clear", "data_paths", "entries",
           "discard_damaged", "open_index", "validate_files"]

# Files smaller than this are indexed in memory on every run: it takes only milliseconds.
DEFAULT_MIN_BYTES = 32 * 1024


def _min_bytes() -> int:
    value = os.environ.get("CHRONO_CACHE_MIN_BYTES", "")
    number = whole_number(value)
    return DEFAULT_MIN_BYTES if number is None else number


def open_index(paths: list[str], use_cache: bool = True, options: LoadOptions | None = None) -> Index:
    """An index over the files: from the cache when it is fresh and trusted, else built (and cached when worth it)."""
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
            return _cached(paths, abspaths, stats, options)
    return build_in_memory(paths, options)


def _cached(paths: list[str], abspaths: list[str], stats: list[os.stat_result], options: LoadOptions) -> Index:
    """The entry for the files if it can be trusted, else one built in its place (or privately, for this run)."""
    from chrono.store.entries import directory_problem

    key = cache_key(abspaths, stats, options.key())
    path = entry_path(abspaths, options.key())
    total = sum(st.st_size for st in stats)
    directory = os.path.dirname(path)
    why = directory_problem(directory)
    if why is not None:
        warn(f"the cache directory {directory} is {why}; not using it (chmod 700 it, or set CHRONO_CACHE_DIR to a "
             "directory of your own)")
        return _build_private(paths, path, key, total, options)
    found = open_entry(path, key, abspaths, options)
    if isinstance(found, Stale):
        from chrono.store.refresh import refresh_entry

        return refresh_entry(paths, abspaths, path, key, found, options) or _build(paths, path, key, total, options)
    if isinstance(found, str):
        if _replaceable(directory, path):
            warn(f"the index cache {path} is {found}; not using it, rebuilding it")
        else:
            warn(f"the index cache {path} is {found}; not using it, indexing privately")
            return _build_private(paths, path, key, total, options)
    elif found is not None:
        return found
    return _build(paths, path, key, total, options)


def _build(paths: list[str], path: str, key: str, total: int, options: LoadOptions) -> Index:
    from chrono.store.build import CacheWriteError, build_entry

    try:
        return build_entry(paths, path, key, total, options)
    except CacheWriteError as exc:
        if exc.loud:
            warn(f"cannot write the index cache ({exc}); indexing in memory")
    return build_in_memory(paths, options)


def _replaceable(directory: str, path: str) -> bool:
    """Whether this user may put an entry in place of the one at path (not in a sticky directory, unless it is ours)."""
    import stat

    try:
        if not os.stat(directory).st_mode & stat.S_ISVTX:
            return True
        return os.lstat(path).st_uid == os.geteuid()
    except (OSError, AttributeError):
        return False


def _build_private(paths: list[str], path: str, key: str, total: int, options: LoadOptions) -> Index:
    """Build the index for this run only, in a private temporary directory, removed as soon as the index is open."""
    import shutil
    import tempfile

    try:
        directory = tempfile.mkdtemp(prefix="chrono-")
    except OSError:
        return build_in_memory(paths, options)
    try:
        return _build(paths, os.path.join(directory, os.path.basename(path)), key, total, options)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


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

