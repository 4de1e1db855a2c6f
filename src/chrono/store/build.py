"""Building an index: in memory, or into a cache entry here or (for large inputs) in a writer process, with progress.

An entry is written to a temporary file and renamed into place, so concurrent first runs are safe.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from chrono.store.index import Index, connect

if TYPE_CHECKING:
    from chrono.model import LoadOptions
    from chrono.read.formats.base import Reader
    from chrono.read.load import ScanResult

# Above this much input the index is written by a second process while this one reads and checks.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


class ReadAgain(Exception):
    """Ids used twice that may be a derived id meeting a given one: the files are read again with exact ids."""


class CacheWriteError(Exception):
    """The index could not be written to the cache (loud: worth a warning; a read-only cache is not)."""

    def __init__(self, message: str, loud: bool = True) -> None:
        super().__init__(message)
        self.loud = loud


def build_entry(paths: list[str], path: str, key: str, total: int, options: LoadOptions) -> Index:
    """Build the cache entry at path: into a private temporary file (0600) beside it, then renamed into place."""
    import secrets

    from chrono.store.entries import apply_seal, make_private, remove_leftovers

    directory = os.path.dirname(path)
    try:
        make_private(directory)
    except OSError as exc:
        raise CacheWriteError(str(exc), loud=False) from None
    remove_leftovers(directory)
    tmp = f"{path}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    build = _build_in_child if total >= PARALLEL_MIN_BYTES and _can_fork() else _build_here
    try:
        for exact in (False, True):
            progress = Progress(total)
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
            try:
                build(paths, tmp, key, progress, options, exact)
                break
            except ReadAgain:
                os.unlink(tmp)
            finally:
                progress.done()
        apply_seal(tmp, key)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise CacheWriteError(exc.strerror or str(exc), loud=not _is_permission_error(exc)) from None
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


def _build_here(paths: list[str], dest: str, key: str, progress: Progress, options: LoadOptions,
                exact: bool = True) -> None:
    import sqlite3

    from chrono.read.load import Duplicates, raise_problems, scan
    from chrono.store.writer import Writer

    try:
        conn = connect(dest)
        writer = Writer(conn)
        result = scan(paths, writer.add, options, progress=progress.update, locate=True, exact_ids=exact)
        raise_problems(result)
        try:
            writer.finish(_meta(result, key, paths, options), result.counts, options.skip_invalid)
        except Duplicates as exc:
            conn.close()
            _duplicates(paths, options, exc.ids, result, exact)
        conn.close()
    except sqlite3.OperationalError as exc:
        raise OSError(str(exc)) from None


def _duplicates(paths: list[str], options: LoadOptions, ids: list[str], result: ScanResult, exact: bool) -> None:
    """Raise ReadAgain when ids used twice may come from reading without exact ids, else DataError placing them."""
    from chrono.read.load import derived_clash

    if not exact and derived_clash(result, ids):
        raise ReadAgain
    _raise_duplicates(paths, options, ids)


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
        # What a refresh checks and goes on from (store.refresh), and when the entry was made.
        from chrono.store.refresh import file_states, now

        meta["state"] = json.dumps(file_states(result, paths))
        meta["updated"] = json.dumps({"how": "built", "events": result.count, "at": now()})
    meta["count"] = str(result.count)
    meta["records"] = str(result.records)
    meta["skipped"] = str(result.skipped)
    return meta


def _build_in_child(paths: list[str], dest: str, key: str, progress: Progress, options: LoadOptions,
                    exact: bool = True) -> None:
    """Read and check here while a writer process (see worker.py) fills the index file."""
    import marshal

    from chrono.read.load import raise_problems, scan
    from chrono.store.worker import DUPLICATES_EXIT, WriterProcess

    dups = dest[:-len(".tmp")] + ".dups.tmp"
    restore = _ignore_sigpipe()  # a writer that stopped is an OSError here, not the end of chrono
    try:
        writer = WriterProcess(dest, dups)
        finished = False
        try:
            result = scan(paths, lambda rows: writer.send(("rows", rows)), options, progress=progress.update,
                          locate=True, exact_ids=exact)
            raise_problems(result)
            writer.send(("finish", (_meta(result, key, paths, options), result.counts, options.skip_invalid)))
            finished = True
        finally:
            code = writer.finish(stop=not finished)
    finally:
        restore()
    if code == DUPLICATES_EXIT:
        with open(dups, "rb") as f:
            ids = marshal.loads(f.read())
        _remove(dups)
        _duplicates(paths, options, ids, result, exact)
    if code < 0:
        raise OSError(f"the index writer was killed by signal {-code}")
    if code != 0:
        raise OSError("could not write the index (disk full?)")


def _ignore_sigpipe() -> Callable[[], None]:
    """Ignore SIGPIPE (main() lets it end chrono quietly); return what puts the old handling back."""
    try:
        import signal

        old = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    except (ImportError, AttributeError, ValueError):
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGPIPE, old)

    return restore


class Progress:
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
    from chrono.read.formats.base import STDIN
    from chrono.read.load import Duplicates, raise_problems, scan
    from chrono.store.writer import Writer

    options = options or LoadOptions()
    # Stdin cannot be read twice: its derived ids are exact from the start.
    for exact in ((True,) if STDIN in paths else (False, True)):
        conn = connect()
        writer = Writer(conn)
        result = scan(paths, writer.add, options, exact_ids=exact)
        raise_problems(result)
        try:
            writer.finish(_meta(result, ""), result.counts, options.skip_invalid)
        except Duplicates as exc:
            conn.close()
            try:
                _duplicates(paths, options, exc.ids, result, exact)
            except ReadAgain:
                continue
        break
    return Index(conn)
