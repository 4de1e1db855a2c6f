"""Cache entries: their keys and names, who may be trusted, opening one, and `cache info` and `clear`.

A cache entry is one SQLite file per set of input files, named after their paths and keyed (inside
the file) by each file's absolute path, size and modification time (ns), and by the format version.
An entry is used only when this user owns it and nobody else can write it, in a directory that nobody
else can write (or a sticky one, like /tmp, where nobody else can replace what is ours). What an entry
says never decides which files chrono opens: summaries are read back from the user's own files.
"""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING, Any

from chrono import __version__
from chrono.errors import UsageError, warn
from chrono.model import whole_number
from chrono.store.index import SCHEMA_VERSION, Index, connect
from chrono.store.paths import cache_dir

if TYPE_CHECKING:
    import sqlite3

    from chrono.model import LoadOptions

SUFFIX = ".sqlite"
# Owners and permission bits decide who may write a file (not so on Windows, whose st_uid is always 0).
POSIX = hasattr(os, "geteuid")
# chrono's own files in a cache directory: entries, and the temporary files of builds (with the builder's pid).
# (Patterns as text: compiled when first used, not by every query that imports this module.)
ENTRY_NAME = r"[\w.-]{0,60}(?:\+[0-9]+)?-[0-9a-f]{16}\.sqlite"
TEMPORARY_NAME = r"(?P<entry>[\w.+-]+\.sqlite)\.(?P<pid>[0-9]+)-[0-9a-f]{8}(?:\.dups)?\.tmp"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Beside an entry while a refresh writes it in place (store.refresh): if its writer was killed, it is built again.
REFRESHING = ".refreshing"
# What SQLite says of a damaged file (not of a query): the search turns its other errors into usage errors.
DAMAGE = r"malformed|corrupt|user-defined function raised|disk I/O|not a database"


def cache_key(abspaths: list[str], stats: list[os.stat_result], options: str = "") -> str:
    """What must match for an entry to be used: format version, load options, and each file's path, size and mtime."""
    parts = [f"chrono {__version__} schema {SCHEMA_VERSION} sealed" + (f" {options}" if options else "")]
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


def seal(key: str, size: int) -> int:
    """The nanoseconds (whole microseconds, 1 to 999,999) an entry's modification time ends in when chrono wrote it
    last: a later write to the entry (a damaged copy, a stray tool) gives it another time, and it is not used."""
    return (fnv1a64(f"{key}\n{size}") % 999_999 + 1) * 1000


def apply_seal(path: str | int, key: str) -> None:
    """Set the modification time of a finished entry (a path, or an open file) to the time it was written with the
    seal as its fraction of a second."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - st.st_mtime_ns % 10**9 + seal(key, st.st_size)))


def sealed(st: os.stat_result, key: str) -> bool:
    """Whether an entry has not been written since chrono sealed it (a file system that keeps only whole seconds
    cannot tell: yes)."""
    fraction = st.st_mtime_ns % 10**9
    return fraction == 0 or fraction == seal(key, st.st_size)


# Trust -----------------------------------------------------------------------------------------


def _uid() -> int:
    return os.geteuid() if POSIX else 0


def untrusted_directory(st: os.stat_result) -> str | None:
    """Why entries in a directory cannot be trusted (None when they can): it must be this user's (or root's) and
    writable by nobody else, unless it is sticky (then nobody else can replace this user's entries)."""
    if not stat.S_ISDIR(st.st_mode):
        return "not a directory"
    if not POSIX:
        return None  # owners and modes are not what protects files there
    if st.st_uid not in (_uid(), 0):
        return "owned by another user"
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        return "writable by other users"
    return None


def untrusted_entry(st: os.stat_result) -> str | None:
    """Why an entry cannot be trusted (None when it can): this user owns it and nobody else can write it."""
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not POSIX:
        return None
    if st.st_uid != _uid():
        return "owned by another user"
    if st.st_mode & 0o022:
        return "writable by other users"
    return None


def directory_problem(directory: str) -> str | None:
    """Why the cache directory cannot hold trusted entries, or None (also when it does not exist yet)."""
    try:
        st = os.stat(directory)
    except OSError:
        return None
    return untrusted_directory(st)


def make_private(directory: str) -> None:
    """Create the cache directory (0700) if it is missing; chrono's default one is made private if it is not."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if not os.environ.get("CHRONO_CACHE_DIR"):
        st = os.stat(directory)
        if st.st_uid == _uid() and st.st_mode & 0o077:
            os.chmod(directory, 0o700)


class Stale:
    """A trusted, sealed cache entry whose files changed since it was built (perhaps only by growing)."""

    def __init__(self, key: str, identity: tuple[int, int]) -> None:
        self.key = key
        self.identity = identity


def lock(fd: int, exclusive: bool, wait: bool = True) -> bool:
    """Lock an open entry (shared to read it, exclusive to write it in place); whether it is locked. Without
    flock (Windows) nothing is locked, and a refresh writes a copy."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(fd, flags)
    except OSError:
        return False
    return True


class EntryIndex(Index):
    """An index read from a cache entry: summaries come back from the user's own files, never the entry's list."""

    def __init__(self, conn: sqlite3.Connection, entry: str, abspaths: list[str], options: LoadOptions,
                 identity: tuple[int, int] = (0, 0), held: int | None = None) -> None:
        import json

        super().__init__(conn)
        self.entry = entry
        self.identity = identity  # the entry file's device and inode
        self.held = held  # the entry, open and locked for reading while this index is in use
        if held is not None:
            import weakref

            weakref.finalize(self, os.close, held)
        self._own = {"paths": json.dumps(abspaths, ensure_ascii=False),
                     "options": json.dumps({"mapping": options.mapping, "order": options.order})}

    def select(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        """As Index.select; but a damaged entry (not the query) is an SQLite error, not a usage error."""
        try:
            return super().select(*args, **kwargs)
        except UsageError as exc:
            cause = exc.__context__
            if cause is not None and type(cause).__module__ == "sqlite3" and re.search(DAMAGE, str(cause)):
                raise cause from None
            raise

    @property
    def meta(self) -> dict[str, str]:
        """The meta table, with the files to read summaries from (and how) as this run was asked, not as stored."""
        meta = super().meta
        meta.update(self._own)
        return meta


def open_entry(path: str, key: str, abspaths: list[str], options: LoadOptions) -> Index | Stale | str | None:
    """The cached index at path if it is trusted, whole, and its key matches; Stale if its files changed; else None
    (missing, or damaged after a warning), or why it is not trusted."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return "not a regular file" if os.path.lexists(path) else None
    keep = False
    try:
        st = os.fstat(fd)
        why = untrusted_entry(st)
        if why is not None:
            return why
        # Held while the index is in use: a refresh writes an entry in place only when nobody reads it.
        lock(fd, exclusive=False)
        if os.path.exists(path + REFRESHING):
            discard_interrupted(path, fd)  # its refresh was killed (a live one would hold the entry)
            return None
        st = os.fstat(fd)
        if st.st_mode & 0o077:
            os.fchmod(fd, 0o600)  # an entry of an older chrono: private from now on
        # SQLite opens the file this descriptor holds (on Linux), not whatever the name may lead to by then.
        conn, stored = _open_whole(fd_path(fd, path), path, st)
        if conn is None:
            return None
        if stored != key:
            conn.close()
            if stored is None or not sealed(st, stored):
                return None
            return Stale(stored, (st.st_dev, st.st_ino))
        if not sealed(st, key):
            conn.close()
            warn(f"the index cache {path} is damaged (it was written to after chrono made it); rebuilding it")
            return None
        keep = True
        return EntryIndex(conn, path, abspaths, options, (st.st_dev, st.st_ino), fd)
    except OSError:
        return None
    finally:
        if not keep:
            os.close(fd)


def discard_interrupted(path: str, fd: int) -> None:
    """Remove an entry (open at fd) that a refresh in place left half written, and the marker beside it."""
    try:
        st, now = os.fstat(fd), os.lstat(path)
        if (st.st_dev, st.st_ino) == (now.st_dev, now.st_ino):  # not an entry another run has put there since
            os.unlink(path)
    except OSError:
        pass
    try:
        os.unlink(path + REFRESHING)
    except OSError:
        pass


def fd_path(fd: int, path: str) -> str:
    """A name for the file open at fd: on Linux, one that opens that file whatever path may lead to by then."""
    proc = f"/proc/self/fd/{fd}"
    return proc if os.path.exists(proc) else path


def _open_whole(name: str, path: str, st: os.stat_result) -> tuple[sqlite3.Connection | None, str | None]:
    """A read-only connection to an entry whose size is what its header says, and the key its meta table holds;
    else None, after a warning."""
    import sqlite3

    conn = None
    try:
        conn = connect(name, readonly=True)
        conn.execute("PRAGMA cell_size_check=ON")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        if pages * page_size != st.st_size or pages == 0:
            raise sqlite3.DatabaseError(f"file is {st.st_size} bytes, its header says {pages * page_size}")
        row = conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        warn(f"the index cache {path} is damaged ({exc}); rebuilding it")
        return None, None
    return conn, row[0] if row is not None else None


def discard_damaged(index: Index | None, error: BaseException) -> bool:
    """After an SQLite error: if the index was read from a cache entry, warn that it is damaged and remove it (the
    caller builds it again); whether it was."""
    if not isinstance(index, EntryIndex):
        return False
    warn(f"the index cache {index.entry} is damaged ({error}); rebuilding it")
    try:
        st = os.lstat(index.entry)
        if (st.st_dev, st.st_ino) == index.identity:  # not an entry another run has put there since
            os.unlink(index.entry)
    except OSError:
        pass
    return True


# Leftovers of killed builds ----------------------------------------------------------------------


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def leftovers(directory: str) -> list[str]:
    """Temporary files of builds whose process is gone (killed), owned by this user."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    out = []
    for name in names:
        m = re.fullmatch(TEMPORARY_NAME, name)
        if m is None or _alive(int(m["pid"])):
            continue
        path = os.path.join(directory, name)
        try:
            if os.lstat(path).st_uid == _uid():
                out.append(path)
        except OSError:
            continue
    return out


def remove_leftovers(directory: str) -> None:
    """Remove the temporary files that killed builds left behind."""
    for path in leftovers(directory):
        try:
            os.unlink(path)
        except OSError:
            pass


# `chrono cache info` and `chrono cache clear` ------------------------------------------------


def _chrono_files(directory: str) -> list[tuple[str, os.stat_result]]:
    """The files in the directory named as chrono names its entries (not followed if links), with their status."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    out = []
    for name in names:
        if re.fullmatch(ENTRY_NAME, name):
            path = os.path.join(directory, name)
            try:
                out.append((path, os.lstat(path)))
            except OSError:
                continue
    return out


def _read_meta(path: str) -> dict[str, str] | None:
    """An entry's meta table; None when the file is chrono's but damaged. ValueError when it is not chrono's."""
    import sqlite3

    try:
        with open(path, "rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
    except OSError:
        return None
    if magic != SQLITE_MAGIC:
        return None
    try:
        conn = connect(path, readonly=True)
        try:
            tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meta" not in tables:
                raise ValueError("not a chrono cache entry")
            meta = dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if not meta.get("key", "").startswith("chrono "):
        raise ValueError("not a chrono cache entry")
    return meta


def entries() -> list[dict[str, Any]]:
    """What the cache holds: one row per chrono entry of this user, with its sources, size, event count and state."""
    import json

    out = []
    for path, st in _chrono_files(cache_dir()):
        if st.st_uid != _uid():
            continue
        row: dict[str, Any] = {"file": os.path.basename(path), "bytes": st.st_size, "events": None,
                               "state": "damaged", "updated": "", "sources": ""}
        try:
            meta = _read_meta(path)
        except ValueError:
            continue
        why = untrusted_entry(st)
        if why is not None:
            row["state"] = f"not used: {why}"
        if meta is not None:
            try:
                row["sources"] = "; ".join(json.loads(meta.get("files", "[]")))
                row["events"] = whole_number(meta.get("count", ""))
                row["updated"] = _updated(meta.get("updated"))
                if why is None:
                    row["state"] = _state(meta.get("key", ""), st)
            except (ValueError, TypeError):
                pass
        out.append(row)
    return out


def _updated(value: str | None) -> str:
    """How an entry was last brought up to date, and when: 'built 2026-12-07T10:00:00Z', 'refreshed +1,000 events
    2026-12-07T10:05:00Z'."""
    import json

    if value is None:
        return ""
    how = json.loads(value)
    if how.get("how") == "refreshed":
        replaced = f" ({how['replaced']:,} replaced)" if how.get("replaced") else ""
        return f"refreshed +{how.get('events', 0):,} events{replaced} {how.get('at', '')}"
    return f"built {how.get('at', '')}"


def _state(key: str, st: os.stat_result) -> str:
    if not sealed(st, key):
        return "damaged"
    lines = key.split("\n")
    version = f"chrono {__version__} schema {SCHEMA_VERSION} sealed"
    if not lines or (lines[0] != version and not lines[0].startswith(version + " ")):
        return "old version"
    for line in lines[1:]:
        try:
            path, size, mtime = line.split("\t")
            st = os.stat(path)
        except (OSError, ValueError):
            return "source missing"
        if str(st.st_size) != size or str(st.st_mtime_ns) != mtime:
            return "stale"
    return "fresh"


def clear() -> tuple[int, int]:
    """Remove this user's chrono entries (and what killed builds left); return (files, bytes) removed."""
    directory = cache_dir()
    paths = [path for path, _ in _chrono_files(directory)]
    count = total = 0
    for path in paths:
        try:
            st = os.lstat(path)
            if st.st_uid != _uid():
                continue
            _read_meta(path)
        except (OSError, ValueError):
            continue
        count, total = _remove(path, st, count, total)
        try:
            os.unlink(path + REFRESHING)  # what a killed refresh left
        except OSError:
            pass
    for path in leftovers(directory):
        try:
            count, total = _remove(path, os.lstat(path), count, total)
        except OSError:
            continue
    return count, total


def _remove(path: str, st: os.stat_result, count: int, total: int) -> tuple[int, int]:
    try:
        os.unlink(path)
    except OSError:
        return count, total
    return count + 1, total + st.st_size
