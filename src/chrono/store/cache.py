"""Opening the chronologies in use: a persistent index cache on disk, or an index built in memory.

A cache entry is one SQLite file per set of input files, named after their paths and keyed (inside
the file) by each file's absolute path, size and modification time (ns), and by the format version.
It is written to a temporary file and renamed into place, so concurrent first runs are safe; a stale
entry is rebuilt silently, a damaged one is rebuilt with one warning line and never trusted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chrono import __version__
from chrono.errors import warn
from chrono.model import whole_number
from chrono.store.index import SCHEMA_VERSION, Index, connect

if TYPE_CHECKING:
    from chrono.model import LoadOptions
    from chrono.read.formats.base import Reader
    from chrono.read.load import ScanResult

STDIN = "-"

# Files smaller than this are indexed in memory on every run: it takes only milliseconds.
DEFAULT_MIN_BYTES = 32 * 1024
# Above this much input the index is written by a second process while this one reads and checks.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
SUFFIX = ".sqlite"


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


def _min_bytes() -> int:
    value = os.environ.get("CHRONO_CACHE_MIN_BYTES", "")
    number = whole_number(value)
    return DEFAULT_MIN_BYTES if number is None else number


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
            index = _open_entry(path, key)
            if index is not None:
                return index
            try:
                return _build_entry(paths, path, key, sum(st.st_size for st in stats), options)
            except _CacheWriteError as exc:
                if exc.loud:
                    warn(f"cannot write the index cache ({exc}); indexing in memory")
    return build_in_memory(paths, options)


def _is_regular(st: os.stat_result) -> bool:
    import stat

    return stat.S_ISREG(st.st_mode)


def _open_entry(path: str, key: str) -> Index | None:
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


class _CacheWriteError(Exception):
    def __init__(self, message: str, loud: bool = True) -> None:
        super().__init__(message)
        self.loud = loud


def _build_entry(paths: list[str], path: str, key: str, total: int, options: LoadOptions) -> Index:
    import secrets

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except OSError as exc:
        raise _CacheWriteError(str(exc), loud=False) from None
    tmp = f"{path}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    progress = _Progress(total)
    try:
        try:
            if total >= PARALLEL_MIN_BYTES and _can_fork():
                _build_in_child(paths, tmp, key, progress, options)
            else:
                _build_here(paths, tmp, key, progress, options)
        finally:
            progress.done()
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise _CacheWriteError(exc.strerror or str(exc), loud=not _is_permission_error(exc)) from None
    except BaseException:
        _remove(tmp)
        raise
    return Index(connect(path, readonly=True))


def _is_permission_error(exc: OSError) -> bool:
    import errno

    return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin"


def _build_here(paths: list[str], dest: str, key: str, progress: _Progress, options: LoadOptions) -> None:
    import sqlite3

    from chrono.read.load import Duplicates, raise_problems, scan
    from chrono.store.writer import Writer

    try:
        conn = connect(dest)
        writer = Writer(conn)
        result = scan(paths, writer.add, options, progress=progress.update, locate=True)
        raise_problems(result)
        try:
            writer.finish(_meta(result, key, paths, options), result.counts, options.skip_invalid)
        except Duplicates as exc:
            _raise_duplicates(paths, options, exc.ids)
        conn.close()
    except sqlite3.OperationalError as exc:
        raise OSError(str(exc)) from None


def _raise_duplicates(paths: list[str], options: LoadOptions, ids: list[str]) -> None:
    """Raise DataError placing every second use of these ids (FILE:LINE:COL)."""
    from chrono.read.load import ScanResult, duplicate_problems, raise_problems

    problems = duplicate_problems(paths, options, ids) or [f"duplicate id {i!r}; rename one of them" for i in ids]
    raise_problems(ScanResult(problems=problems, problem_count=len(problems)))


def _meta(result: ScanResult, key: str, paths: list[str] | None = None,
          options: LoadOptions | None = None) -> dict[str, str]:
    import json

    from chrono.store.writer import metadata

    meta = metadata(result.chronology, [r.name for r in result.readers], key)
    if paths is not None and options is not None:
        # Where cold.py reads summaries back from, and how to normalise them.
        meta["paths"] = json.dumps([os.path.abspath(p) for p in paths], ensure_ascii=False)
        meta["options"] = json.dumps({"mapping": options.mapping, "order": options.order})
    meta["count"] = str(result.count)
    meta["records"] = str(result.records)
    meta["skipped"] = str(result.skipped)
    return meta


# The writer process's exit status when the index found ids used twice (listed in DEST.dups).
DUPLICATES_EXIT = 3


def _writer_process(receiver: Any, dest: str) -> None:
    """The second process: receives batches of rows (marshalled) and writes them to the index file."""
    import gc
    import marshal
    import signal

    from chrono.read.load import Duplicates
    from chrono.store.writer import Writer

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # batches of plain tuples, no cycles: the collector would only slow the writer down
    code = 0
    try:
        conn = connect(dest)
        writer = Writer(conn)
        while True:
            message = marshal.loads(receiver.recv_bytes())
            if message is None:
                break
            kind, payload = message
            if kind == "rows":
                writer.add(payload)
            else:
                writer.finish(*payload)
                conn.close()
                break
    except Duplicates as exc:
        with open(dest + ".dups", "wb") as f:
            f.write(marshal.dumps(exc.ids))
        code = DUPLICATES_EXIT
    except BaseException:  # noqa: BLE001 - the parent reports the failure from the exit code
        code = 1
    os._exit(code)


def _widen(fd: int) -> None:
    """Let a pipe hold a megabyte (Linux), so that batches of rows pass in few steps."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _build_in_child(paths: list[str], dest: str, key: str, progress: _Progress, options: LoadOptions) -> None:
    import marshal
    import multiprocessing

    from chrono.read.load import raise_problems, scan

    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    _widen(sender.fileno())
    child = ctx.Process(target=_writer_process, args=(receiver, dest), daemon=True)
    child.start()
    receiver.close()

    def send(message: Any) -> None:
        try:
            sender.send_bytes(marshal.dumps(message))
        except (BrokenPipeError, ConnectionResetError):
            raise OSError("the index writer stopped") from None

    finished = False
    try:
        result = scan(paths, lambda rows: send(("rows", rows)), options, progress=progress.update, locate=True)
        raise_problems(result)
        send(("finish", (_meta(result, key, paths, options), result.counts, options.skip_invalid)))
        finished = True
    finally:
        if not finished:
            try:
                sender.send_bytes(marshal.dumps(None))
            except OSError:
                pass
        sender.close()
        child.join()
    if child.exitcode == DUPLICATES_EXIT:
        with open(dest + ".dups", "rb") as f:
            ids = marshal.loads(f.read())
        _remove(dest + ".dups")
        _raise_duplicates(paths, options, ids)
    if child.exitcode != 0:
        raise OSError("could not write the index (disk full?)")


class _Progress:
    """A progress line on stderr for long index builds (events/s and time left): on a terminal, after a second."""

    def __init__(self, total: int) -> None:
        import time

        self.total = max(total, 1)
        self.start = time.monotonic()
        self.shown = 0.0
        self.done_bytes = 0
        self.reader: Reader | None = None
        self.width = 0
        self.enabled = sys.stderr.isatty() and os.environ.get("TERM") != "dumb"

    def update(self, reader: Reader, events: int) -> None:
        """Show how far the build is: bytes read of all the files, events so far, their rate and the time left."""
        if not self.enabled:
            return
        import time

        if reader is not self.reader:
            if self.reader is not None:
                self.done_bytes += self.reader.stream.size  # type: ignore[attr-defined]
            self.reader = reader
        now = time.monotonic()
        elapsed = now - self.start
        if elapsed < 1.0 or now - self.shown < 0.25:
            return
        self.shown = now
        done = min((self.done_bytes + reader.position) / self.total, 1.0)
        left = elapsed * (1 - done) / done if done > 0 else 0
        line = (f"chrono: indexing {done:4.0%}  {events:,} events  {events / elapsed:,.0f} events/s  "
                f"about {int(left) // 60}:{int(left) % 60:02d} left")
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(line)

    def done(self) -> None:
        """Clear the line."""
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def build_in_memory(paths: list[str], options: LoadOptions | None = None) -> Index:
    """Build the index in memory (stdin, --no-cache, small files)."""
    from chrono.model import LoadOptions
    from chrono.read.load import Duplicates, raise_problems, scan
    from chrono.store.writer import Writer

    options = options or LoadOptions()
    conn = connect()
    writer = Writer(conn)
    result = scan(paths, writer.add, options)
    raise_problems(result)
    try:
        writer.finish(_meta(result, ""), result.counts, options.skip_invalid)
    except Duplicates as exc:
        _raise_duplicates(paths, options, exc.ids)
    return Index(conn)


def validate_files(paths: list[str], options: LoadOptions, notes: Callable[[str], None] | None = None,
                   ) -> ScanResult:
    """Every problem in the files (FILE:LINE:COL: message) and each file's event count; notes hears what was
    read as what."""
    from chrono.read.load import scan

    return scan(paths, None, options, max_problems=10**9, notes=notes)


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
