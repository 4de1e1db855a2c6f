"""Cache entries: their keys and names, opening one (never trusted when damaged), and `cache info` and `clear`.

A cache entry is one SQLite file per set of input files, named after their paths and keyed (inside
the file) by each file's absolute path, size and modification time (ns), and by the format version.
"""

from __future__ import annotations

import os
from typing import Any

from chrono import __version__
from chrono.errors import warn
from chrono.model import whole_number
from chrono.store.index import SCHEMA_VERSION, Index, connect
from chrono.store.paths import cache_dir

SUFFIX = ".sqlite"


def cache_key(abspaths: list[str], stats: list[os.stat_result], options: str = "") -> str:
    """What must match for an entry to be used: format version, load options, and each file's path, size and mtime."""
    parts = [f"chrono {__version__} schema {SCHEMA_VERSION}" + (f" {options}" if options else "")]
    parts += [f"{p}\t{st.st_size}\t{st.st_mtime_ns}" for p, st in zip(abspaths, stats, strict=True)]
    return "\n".join(parts)


def entry_path(abspaths: list[str], options: str = "") -> str:
    """The cache file for a set of input files (and load options): readable name, plus a checksum of the paths."""
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(abspaths[0]))[:60]
    more = f"+{len(abspaths) - 1}" if len(abspaths) > 1 else ""
    named = chr(0).join(abspaths) + (chr(0) + options if options else "")
    return os.path.join(cache_dir(), f"{stem}{more}-{fnv1a64(named):016x}{SUFFIX}")


def fnv1a64(text: str) -> int:
    """A stable 64-bit hash (FNV-1a) of a text, for naming cache files; str hashes change between runs."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8", "surrogateescape"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def open_entry(path: str, key: str) -> Index | None:
    """The cached index at path if it is whole and its key matches; None (after a warning if damaged)."""
    import sqlite3

    try:
        size = os.stat(path).st_size
    except OSError:
        return None
    try:
        conn = connect(path, readonly=True)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        if pages * page_size != size or pages == 0:
            raise sqlite3.DatabaseError(f"file is {size} bytes, its header says {pages * page_size}")
        row = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
    except sqlite3.DatabaseError as exc:
        warn(f"the index cache {path} is damaged ({exc}); rebuilding it")
        return None
    if row is None or row[0] != key:
        conn.close()
        return None
    return Index(conn)


# `chrono cache info` and `chrono cache clear` ------------------------------------------------


def entries() -> list[dict[str, Any]]:
    """What the cache holds: one row per entry, with its sources, size, event count and state."""
    import glob
    import json
    import sqlite3

    out = []
    for path in sorted(glob.glob(os.path.join(glob.escape(cache_dir()), f"*{SUFFIX}"))):
        row: dict[str, Any] = {"file": os.path.basename(path), "bytes": os.stat(path).st_size, "events": None,
                               "state": "damaged", "sources": ""}
        try:
            conn = connect(path, readonly=True)
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            conn.close()
            files = json.loads(meta.get("files", "[]"))
            row["events"] = whole_number(meta.get("count", ""))
            row["sources"] = "; ".join(files)
            row["state"] = _state(meta.get("key", ""))
        except (sqlite3.DatabaseError, ValueError):
            pass
        out.append(row)
    return out


def _state(key: str) -> str:
    lines = key.split("\n")
    version = f"chrono {__version__} schema {SCHEMA_VERSION}"
    if not lines or (lines[0] != version and not lines[0].startswith(version + " ")):
        return "old version"
    for line in lines[1:]:
        path, size, mtime = line.split("\t")
        try:
            st = os.stat(path)
        except OSError:
            return "source missing"
        if str(st.st_size) != size or str(st.st_mtime_ns) != mtime:
            return "stale"
    return "fresh"


def clear() -> tuple[int, int]:
    """Remove every cache entry (and leftover temporary files); return (files, bytes) removed."""
    import glob

    directory = glob.escape(cache_dir())
    count = total = 0
    paths = glob.glob(os.path.join(directory, f"*{SUFFIX}")) + glob.glob(os.path.join(directory, f"*{SUFFIX}.*.tmp"))
    for path in paths:
        try:
            size = os.stat(path).st_size
            os.unlink(path)
        except OSError:
            continue
        count += 1
        total += size
    return count, total
