"""Refreshing a cache entry after its files grew: the rows already indexed are kept, the added records read.

A cache build records, for each file, how many bytes it indexed, their digest (formats.digest, taken
as they were read), and where records added at the end would begin: after the last line of JSON
Lines, CSV and TSV (when it ended), after the last event of JSON (whose closing brackets, and whatever
follows them, are kept as the file's tail). When a file has grown, its old bytes are hashed again; if
they match, only the new records are read, into the entry (or a copy of it) that is then sealed again.
An edit, a truncation, a problem in the new records or a derived id that a later file holds: a full
build, which gives the answers a fresh build gives by definition.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chrono.model import FILE_SHIFT
from chrono.store.entries import REFRESHING, Stale, discard_interrupted, fd_path, lock

if TYPE_CHECKING:
    import sqlite3

    from chrono.model import LoadOptions
    from chrono.read.load import ScanResult
    from chrono.store.index import Index

# The most of a JSON file's tail (its closing brackets and any members after "events") an entry keeps.
MAX_TAIL = 64 * 1024
COPY_BLOCK = 8 << 20
WHITESPACE = b" \t\r\n"


def file_states(result: ScanResult, paths: list[str]) -> list[dict[str, Any] | None]:
    """Each file's state for a later refresh (see the module's text), with a JSON file's tail read back."""
    states: list[dict[str, Any] | None] = []
    for state, path in zip(result.states, paths, strict=False):
        if state is not None and state["kind"] == "json" and state["resume"] is not None:
            tail = _tail(path, state["resume"], state["size"])
            state = {**state, "tail": tail.hex()} if tail is not None else {**state, "resume": None}
        states.append(state)
    return states


def _tail(path: str, start: int, end: int) -> bytes | None:
    """The bytes of a JSON file after its last event, if few and starting with the array's ']' (after spaces)."""
    if end - start > MAX_TAIL:
        return None
    try:
        with open(path, "rb") as f:
            f.seek(start)
            tail = f.read(end - start)
    except OSError:
        return None
    return tail if tail.lstrip(WHITESPACE)[:1] == b"]" else None


class Part:
    """The bytes of a file from start to end, after some bytes of its own (a header row, an array's '['): a
    file-like object for TextStream."""

    def __init__(self, fd: int, start: int, end: int, before: bytes, after: bytes, hasher: Any) -> None:
        self.fd = fd
        self.at = start
        self.end = end
        self.before = before
        self.after = after
        self.hasher = hasher  # takes the file's bytes as they are read

    def read(self, size: int = -1) -> bytes:
        """Up to size bytes."""
        if self.before:
            out, self.before = self.before[:size], self.before[size:]
            return out
        if self.at < self.end:
            out = os.pread(self.fd, min(size, self.end - self.at), self.at)
            if not out:
                raise OSError("the file was shortened while chrono read it")
            self.at += len(out)
            self.hasher.update(out)
            return out
        out, self.after = self.after[:size], self.after[size:]
        return out

    def close(self) -> None:
        """Close the file."""
        os.close(self.fd)


def refresh_entry(paths: list[str], abspaths: list[str], path: str, key: str, stale: Stale,
                  options: LoadOptions) -> Index | None:
    """The entry at path brought up to date with what was appended to its files; None when it cannot be (build).

    The new rows go into the entry itself while this run holds it exclusively (readers wait: see
    entries.open_entry), with a marker beside it that says a refresh is under way; if another run is
    reading it, into a copy that then takes its place.
    """
    from chrono.store.entries import open_entry

    if options.strict:
        return None
    grown = _grown(stale.key, key, abspaths)
    if not grown:
        return None
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    job = _Job(fd, path)
    try:
        ready = job.run(paths, abspaths, key, stale, grown, options)
    except (OSError, ValueError, KeyError, TypeError, _sqlite_error()):
        ready = False
    finally:
        job.close()
    if not ready:
        return None
    found = open_entry(path, key, abspaths, options)
    return None if found is None or isinstance(found, (str, Stale)) else found


class _Job:
    """One refresh: the entry (open, perhaps locked), the files' plans, and what to undo if it fails."""

    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self.path = path
        self.in_place = False
        self.opened: list[int] = []
        self.plans: list[tuple[int, dict[str, Any]]] = []
        self.conn: sqlite3.Connection | None = None
        self.tmp = ""
        self.marker = ""

    def run(self, paths: list[str], abspaths: list[str], key: str, stale: Stale, grown: list[tuple[int, int]],
            options: LoadOptions) -> bool:
        """Lock and check the entry, plan each grown file, and write; whether the entry is now up to date (by this
        run, or by another that refreshed it meanwhile)."""
        from chrono.store.entries import sealed, untrusted_entry

        fd, path = self.fd, self.path
        # Exclusive, to write in place; else shared, so that nobody writes it in place while it is copied.
        self.in_place = lock(fd, exclusive=True, wait=False)
        if not self.in_place:
            lock(fd, exclusive=False)
        if os.path.exists(path + REFRESHING):
            self.marker = path + REFRESHING  # a refresh in place was killed: close() removes its entry
            return False
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != stale.identity or untrusted_entry(st):
            return False
        if not sealed(st, stale.key):
            return True  # another run has refreshed it meanwhile
        meta = _meta(fd, path)
        if meta is None or meta.get("skipped") != "0":
            return False
        states = _states(meta)
        if len(states) != len(paths):
            return False
        for number, old_size in grown:
            plan = _plan(abspaths[number], states[number], old_size, key.split("\n")[number + 1])
            if plan is None:
                return False
            if plan["fd"] is not None:
                self.opened.append(plan["fd"])
            self.plans.append((number, plan))
        return self.write(paths, abspaths, key, meta, states, options)

    def write(self, paths: list[str], abspaths: list[str], key: str, meta: dict[str, str],
              states: list[dict[str, Any] | None], options: LoadOptions) -> bool:
        """Read the added records into the entry (or a copy) and seal it; whether it could be done exactly."""
        import secrets

        from chrono.read.formats import reader_for
        from chrono.read.formats.stream import TextStream
        from chrono.read.load import Appended, scan_appended
        from chrono.store.entries import apply_seal, remove_leftovers
        from chrono.store.index import connect
        from chrono.store.writer import Writer

        path = self.path
        if self.in_place:
            self.marker = path + REFRESHING
            os.close(os.open(self.marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                             0o600))
            target = fd_path(self.fd, path)
        else:
            remove_leftovers(os.path.dirname(path))
            self.tmp = target = f"{path}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
            _copy(self.fd, self.tmp)
        conn = self.conn = connect(target)
        writer = Writer(conn, create=False)
        parts = []
        read = [(number, plan) for number, plan in self.plans if plan["part"] is not None]
        for number, plan in self.plans:
            if plan["part"] is None:
                states[number] = plan["state"]
        for number, plan in read:
            base = number << FILE_SHIFT
            last = conn.execute("SELECT max(n) FROM events WHERE n > ? AND n < ?",
                                (base, base + (1 << FILE_SHIFT))).fetchone()[0]
            stream = TextStream(abspaths[number], paths[number], source=plan["part"])
            reader = reader_for(plan["kind"], stream)
            reader.origin = plan["origin"]
            parts.append(Appended(reader, number, base if last is None else last))
            self.opened.remove(plan["fd"])  # the stream closes it
        result = scan_appended(parts, writer.add, options, _holder(conn))
        if result.problems:
            return False
        for part, (number, plan) in zip(parts, read, strict=True):
            if plan["kind"] == "json" and part.reader.current < 0:  # type: ignore[attr-defined]
                return False  # a comma and no event: a build says what is wrong
            resume = part.reader.resume()
            plan["state"]["resume"] = None if resume is None else resume + part.reader.origin
            states[number] = _finished(abspaths[number], plan["state"])
        _count_facets(conn, [p.last_row for p in parts])
        _update_meta(conn, meta, key, states, result)
        conn.execute("COMMIT")
        _compact(conn)
        conn.close()
        self.conn = None
        if self.in_place:
            apply_seal(self.fd, key)
            os.unlink(self.marker)
            self.marker = ""
        else:
            apply_seal(self.tmp, key)
            os.replace(self.tmp, path)
            self.tmp = ""
        return True

    def close(self) -> None:
        """Close what is open; after a failure, take away what was half written (an entry written in place)."""
        if self.conn is not None:
            self.conn.close()
        for other in self.opened:
            os.close(other)
        if self.tmp:
            _unlink(self.tmp)
        if self.marker:  # written in place, then failed: the entry is no longer what was sealed
            discard_interrupted(self.path, self.fd)
        os.close(self.fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


def _grown(stored: str, key: str, abspaths: list[str]) -> list[tuple[int, int]]:
    """The files (number, indexed size) that changed since the entry was built; none when the entry is for other
    files or options."""
    old, new = stored.split("\n"), key.split("\n")
    if old[0] != new[0] or len(old) != len(new) or len(new) != len(abspaths) + 1:
        return []
    grown = []
    for number, (before, now) in enumerate(zip(old[1:], new[1:], strict=True)):
        path, size, _ = before.split("\t")
        if path != abspaths[number] or int(now.split("\t")[1]) < int(size):
            return []
        if before != now:
            grown.append((number, int(size)))
    return grown


def _meta(fd: int, path: str) -> dict[str, str] | None:
    """The meta table of the entry open at fd."""
    from chrono.store.index import connect

    conn = connect(fd_path(fd, path), readonly=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta"))
    finally:
        conn.close()


def _states(meta: dict[str, str]) -> list[dict[str, Any] | None]:
    import json

    states = json.loads(meta.get("state", "[]"))
    return states if isinstance(states, list) else []


def _plan(path: str, state: dict[str, Any] | None, old_size: int, key_line: str) -> dict[str, Any] | None:
    """How to read what was added to a file (its Part, format and origin), if its indexed bytes are unchanged."""
    from chrono.read.formats.digest import TreeHash, hash_range

    if not state or state.get("resume") is None or state["size"] != old_size:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        if f"{st.st_size}\t{st.st_mtime_ns}" != key_line.split("\t", 1)[1]:
            return None  # changed again since this run looked
        resume, size, kind = state["resume"], st.st_size, state["kind"]
        tail = bytes.fromhex(state.get("tail", ""))
        hasher = TreeHash()
        hash_range(fd, hasher, 0, resume)
        whole = hasher.copy()
        whole.update(tail)
        if whole.hexdigest() != state["digest"]:
            return None
        closing = tail[len(tail) - len(tail.lstrip(WHITESPACE)):]
        end = size - len(closing)
        if size == resume + len(tail) and os.pread(fd, len(tail), resume) == tail:
            os.close(fd)  # the same bytes (touched, or written again as they were): nothing to read
            return {"fd": None, "part": None, "state": dict(state, size=size)}
        if end <= resume or (closing and os.pread(fd, len(closing), end) != closing):
            return None
        before, origin, start = b"", resume, resume
        if kind == "json":
            head = os.pread(fd, min(MAX_TAIL, end - resume), resume).lstrip(WHITESPACE)
            if head[:1] != b",":
                return None
            start = resume + (min(MAX_TAIL, end - resume) - len(head)) + 1
            before, origin = b"[", start - 1
        elif kind in ("csv", "tsv"):
            first = os.pread(fd, min(resume, 1 << 16), 0)
            header = first[:first.find(b"\n") + 1]
            if not header or header.count(b'"') % 2:
                return None
            before, origin = header, resume - len(header)
        if os.pread(fd, 3, start) == b"\xef\xbb\xbf":
            return None  # a byte-order mark mid-file: a build says where it is
        if start < end:
            hash_range(fd, hasher, resume, start)  # the spaces and the comma before the first new event
        part = Part(fd, start, end, before, b"]" if kind == "json" else b"", hasher)
        fresh = {"kind": kind, "size": size, "hasher": hasher, "closing": closing, "resume": None}
        return {"fd": fd, "part": part, "kind": kind, "origin": origin, "state": fresh}
    except BaseException:
        os.close(fd)
        raise


def _finished(path: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """A refreshed file's state: the digest of its bytes as read (old, added, closing), and its new tail."""
    hasher = state.pop("hasher")
    hasher.update(state.pop("closing"))
    state["digest"] = hasher.hexdigest()
    if state["kind"] == "json" and state["resume"] is not None:
        tail = _tail(path, state["resume"], state["size"])
        if tail is None:
            state["resume"] = None
        else:
            state["tail"] = tail.hex()
    return state


def _holder(conn: sqlite3.Connection) -> Any:
    def held(eid: str, below: int) -> bool:
        return conn.execute("SELECT 1 FROM events WHERE id = ? AND n < ?", (eid, below)).fetchone() is not None

    return held


def _count_facets(conn: sqlite3.Connection, after: list[int]) -> None:
    """Add the new rows (numbered after each file's last old row) to the tag, person and place counts."""
    from chrono.store.index import FACET_COLUMNS

    for last in after:
        end = ((last >> FILE_SHIFT) + 1) << FILE_SHIFT
        for kind, column in FACET_COLUMNS.items():
            conn.execute(f"INSERT INTO facet_counts SELECT ?, j.value, COUNT(*) FROM events e, json_each(e.{column}) j "
                         "WHERE e.n > ? AND e.n < ? GROUP BY j.value "
                         "ON CONFLICT (kind, value) DO UPDATE SET count = count + excluded.count",
                         (kind, last, end))


def _update_meta(conn: sqlite3.Connection, meta: dict[str, str], key: str, states: list[dict[str, Any] | None],
                 result: ScanResult) -> None:
    import json

    updated = {"key": key, "state": json.dumps(states), "count": str(int(meta["count"]) + result.count),
               "records": str(int(meta.get("records", "0")) + result.records),
               "skipped": str(int(meta["skipped"]) + result.skipped),
               "updated": json.dumps({"how": "refreshed", "events": result.count, "at": now()})}
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", updated.items())


def now() -> str:
    """The time now, to the second, in UTC (ISO 8601)."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _compact(conn: sqlite3.Connection) -> None:
    """Give back free pages once they are a quarter of the file, so refreshes never leave it larger than a build."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if free * 4 > pages:
        conn.execute("VACUUM")


def _copy(fd: int, dest: str) -> None:
    """Copy the file open at fd into a new private file at dest."""
    out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        size = os.fstat(fd).st_size
        done = 0
        copy = getattr(os, "copy_file_range", None)
        while done < size:
            if copy is not None:
                try:
                    n = copy(fd, out, size - done, done, done)
                except OSError:
                    copy = None
                    continue
            else:
                block = os.pread(fd, min(COPY_BLOCK, size - done), done)
                n = os.pwrite(out, block, done)
            if n <= 0:
                raise OSError("could not copy the index cache")
            done += n
    finally:
        os.close(out)

