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
    from chrono.read.formats.base import Reader
    from chrono.read.load import ScanResult
    from chrono.store.index import Index
    from chrono.store.writer import Writer

# The most of a JSON file's tail (its closing brackets and any members after "events") an entry keeps.
MAX_TAIL = 64 * 1024
COPY_BLOCK = 8 << 20
# An edit reads every record after it again (when those records cannot keep their rows) only if they are at most
# this share of the rows before it: one by one, with their old text taken out first, they cost about twice
# what a build does.
AGAIN = 0.5
# How much larger than a build of as many events an entry may grow by refreshes before it is compacted.
SLACK = 1.25
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
        """Nothing to close: the refresh job closes the file."""


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
            # An edit takes ids away: a derived id of a later file may then be other than a build gives.
            # And with -m, a column that an edit took away may have been the only one a build would find.
            editable = not options.mapping and all(later is not None and later.get("derived") == 0
                                                   for later in states[number + 1:])
            plan = _plan(abspaths[number], states[number], old_size, key.split("\n")[number + 1], editable)
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
        added = removed = 0
        for number, plan in self.plans:
            if plan["fd"] is None:
                states[number] = plan["state"]
                continue
            name = (abspaths[number], paths[number])
            done = (_edited if "edit" in plan else _appended)(conn, writer, meta, number, plan, name, options)
            if done is None:
                return False
            added, removed = added + done[0], removed + done[1]
            states[number] = _finished(abspaths[number], done[2])
        _update_meta(conn, meta, key, states, added, removed)
        conn.execute("COMMIT")
        _compact(conn, meta, os.fstat(self.fd).st_size)
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
        if path != abspaths[number]:
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


def _plan(path: str, state: dict[str, Any] | None, old_size: int, key_line: str, editable: bool,
          ) -> dict[str, Any] | None:
    """How to read what changed in a file: after its indexed bytes if they are unchanged (records added), else
    after its first changed block (an edit: see edits.py); None when it cannot be read so."""
    from chrono.read.formats.digest import TreeHash, hash_range
    from chrono.store.edits import find_edit

    if not state or state["size"] != old_size:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        plan = None
        if f"{st.st_size}\t{st.st_mtime_ns}" == key_line.split("\t", 1)[1]:  # else changed again since
            resume, size, kind = state["resume"], st.st_size, state["kind"]
            tail = bytes.fromhex(state.get("tail", ""))
            closing = tail[len(tail) - len(tail.lstrip(WHITESPACE)):]
            prefix: list[bytes] = []
            if resume is not None and size >= old_size:
                hasher = TreeHash()
                hash_range(fd, hasher, 0, resume)
                whole = hasher.copy()
                whole.update(tail)
                if whole.hexdigest() == state["digest"]:
                    if size == resume + len(tail) and os.pread(fd, len(tail), resume) == tail:
                        os.close(fd)  # the same bytes (touched, or written again as they were): nothing to read
                        return {"fd": None, "state": dict(state, size=size)}
                    end = size - len(closing)
                    if not closing or os.pread(fd, len(closing), end) == closing:
                        plan = _part(fd, kind, resume, end, hasher)
                    if plan is not None:
                        plan.update(closing=closing, derived=state.get("derived"))
                    else:
                        os.close(fd)
                    return plan
                prefix = hasher.blocks
            edit = find_edit(fd, state, size, prefix) if editable and kind in ("json", "jsonl") else None
            if edit is not None and (kind == "jsonl" or resume is not None):
                plan = {"fd": fd, "kind": kind, "edit": edit, "closing": closing, "size": size,
                        "blocks": state["blocks"], "resume": resume, "derived": state.get("derived")}
        if plan is None:
            os.close(fd)
        return plan
    except BaseException:
        os.close(fd)
        raise


def _part(fd: int, kind: str, resume: int, end: int, hasher: Any) -> dict[str, Any] | None:
    """The plan to read a file's records from resume (the end of a record) to end, hasher having taken its bytes
    before resume; None when they cannot be read on their own."""
    from chrono.read.formats.digest import hash_range

    if end <= resume:
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
    return {"fd": fd, "part": part, "kind": kind, "origin": origin, "hasher": hasher}


Done = tuple[int, int, dict[str, Any]]  # rows added, rows taken out, the file's state (see _finished)


def _appended(conn: sqlite3.Connection, writer: Writer, meta: dict[str, str], number: int, plan: dict[str, Any],
              name: tuple[str, str], options: LoadOptions) -> Done | None:
    """Read the records added at the end of a file into the index."""
    base, stop = number << FILE_SHIFT, (number + 1) << FILE_SHIFT
    last = conn.execute("SELECT max(n) FROM events WHERE n > ? AND n < ?", (base, stop)).fetchone()[0]
    last = base if last is None else last
    read = _read(conn, writer.add, number, plan, name, last, None, options)
    if read is None:
        return None
    _count_facets(conn, last, stop)
    return read[0].count, 0, _state(plan, read[1], _derived(plan, read[0]))


def _edited(conn: sqlite3.Connection, writer: Writer, meta: dict[str, str], number: int, plan: dict[str, Any],
            name: tuple[str, str], options: LoadOptions) -> Done | None:
    """Read an edited file again from the end of the last record before its first changed block (see edits.py).

    When the records the edit touched have numbers free for them before the records after them (found again,
    shifted), and the file has no derived ids, only they are read, and the records after them keep their rows.
    Else every record after the mark is.
    """
    from chrono.model import ROW_LOC
    from chrono.read.formats.base import LENGTH_BITS, OFFSET_BITS, pack, unpack
    from chrono.read.formats.digest import BLOCK
    from chrono.store.edits import REGION, mark, remove_rows

    edit, fd, kind, size = plan["edit"], plan["fd"], plan["kind"], plan["size"]
    stop_row = (number + 1) << FILE_SHIFT
    marked = mark(conn, number, edit["block"] * BLOCK)
    if marked is None:
        return None
    last, resume = marked
    if kind == "jsonl" and os.pread(fd, 1, resume - 1) not in (b"\n", b"\r"):
        return None
    end = size - len(plan["closing"])
    if plan["closing"] and os.pread(fd, len(plan["closing"]), end) != plan["closing"]:
        return None
    limit = pack(number, min(edit["found"], (1 << OFFSET_BITS) - 1), 0)
    first = conn.execute("SELECT n, loc FROM events WHERE n > ? AND n < ? AND loc >= ? ORDER BY n LIMIT 1",
                         (last, stop_row, limit)).fetchone()
    if first is not None and plan["derived"] == 0:
        moved, (_, at, length) = first[0], unpack(first[1])
        at += edit["delta"]
        region = _part(fd, kind, resume, at + length, _prefix(fd, plan, resume)) \
            if at + length - resume <= REGION else None
        rows: list[tuple[Any, ...]] = []
        # Its derived ids avoid the ids before it (the rows it replaces are still in the index).
        read = None if region is None else _read(conn, rows.extend, number, region, name, last, last + 1, options)
        if read is not None and region is not None and rows and rows[-1][ROW_LOC] == pack(number, at, length) \
                and len(rows) - 1 <= moved - last - 1:  # numbers free for them before the rows kept
            rows.pop()  # the first record found again: it keeps its row
            removed = remove_rows(conn, meta, number, last + 1, moved, edit["found"], edit["delta"])
            if removed is None:
                return None
            # Spread over the numbers free, so that a later edit here finds numbers free too.
            step = (moved - last - 1) // (len(rows) + 1)
            writer.add([(last + step * i, *row[1:]) for i, row in enumerate(rows, 1)])
            _count_facets(conn, last, moved)
            conn.execute("UPDATE events SET loc = loc + ? WHERE n >= ? AND n < ? AND loc IS NOT NULL",
                         (edit["delta"] << LENGTH_BITS, moved, stop_row))
            from chrono.read.formats.digest import hash_range

            hash_range(fd, region["hasher"], at + length, end)
            state = {"kind": kind, "size": size, "hasher": region["hasher"], "closing": plan["closing"],
                     "resume": None if plan["resume"] is None else plan["resume"] + edit["delta"],
                     "derived": _derived(plan, read[0])}
            return len(rows), removed, state
    rows_after, rows_before = conn.execute("SELECT COUNT(*) FILTER (WHERE n > ?), COUNT(*) FILTER (WHERE n <= ?) "
                                           "FROM events WHERE n >= ? AND n < ?",
                                           (last, last, number << FILE_SHIFT, stop_row)).fetchone()
    if rows_after > rows_before * AGAIN:
        return None  # reading them one by one costs more than a build that reads and writes at once
    removed = remove_rows(conn, meta, number, last + 1, stop_row, edit["found"], edit["delta"])
    part = _part(fd, kind, resume, end, _prefix(fd, plan, resume))
    if removed is None or part is None:
        return None
    part["closing"] = plan["closing"]
    read = _read(conn, writer.add, number, part, name, last, None, options)
    if read is None:
        return None
    _count_facets(conn, last, stop_row)
    return read[0].count, removed, _state(part, read[1], _derived(plan, read[0]))


def _prefix(fd: int, plan: dict[str, Any], resume: int) -> Any:
    """A digest that has taken a file's bytes before resume (which lie in blocks that did not change)."""
    from chrono.read.formats.digest import BLOCK, TreeHash, hash_range
    from chrono.store.edits import DIGEST

    hasher = TreeHash()
    digests = bytes.fromhex(plan["blocks"])
    whole = resume // BLOCK
    for i in range(whole):
        hasher.add_block(digests[i * DIGEST:(i + 1) * DIGEST])
    hash_range(fd, hasher, whole * BLOCK, resume)
    return hasher


def _read(conn: sqlite3.Connection, sink: Any, number: int, plan: dict[str, Any], name: tuple[str, str], last: int,
          below: int | None, options: LoadOptions) -> tuple[ScanResult, Reader] | None:
    """Read the records of a part of a file as a fresh build would, numbered after row last, into sink."""
    from chrono.read.formats import reader_for
    from chrono.read.formats.stream import TextStream
    from chrono.read.load import Appended, scan_appended

    stream = TextStream(name[0], name[1], source=plan["part"])
    reader = reader_for(plan["kind"], stream)
    reader.origin = plan["origin"]
    result = scan_appended([Appended(reader, number, last, below)], sink, options, _holder(conn))
    if result.problems or (plan["kind"] == "json" and reader.current < 0):  # type: ignore[attr-defined]
        return None  # (a comma and no event: a build says what is wrong)
    return result, reader


def _state(plan: dict[str, Any], reader: Reader, derived: int | None) -> dict[str, Any]:
    """A file's state after its part was read: where records added after it would start."""
    resume = reader.resume()
    return {"kind": plan["kind"], "size": plan["part"].end + len(plan["closing"]), "hasher": plan["hasher"],
            "closing": plan["closing"], "resume": None if resume is None else resume + reader.origin,
            "derived": derived}


def _derived(plan: dict[str, Any], result: ScanResult) -> int | None:
    """How many of a file's ids are derived after a refresh read some of it: known only if none were before."""
    return result.derived if plan.get("derived") == 0 else None


def _finished(path: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """A refreshed file's state: the digest of its bytes as read (old, added, closing), and its new tail."""
    from chrono.read.formats.digest import BLOCK

    hasher = state.pop("hasher")
    hasher.update(state.pop("closing"))
    state.update(digest=hasher.hexdigest(), block=BLOCK, blocks=hasher.digests().hex())
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


def _count_facets(conn: sqlite3.Connection, last: int, stop: int) -> None:
    """Add the rows numbered after last and before stop to the tag, person and place counts."""
    from chrono.store.index import FACET_COLUMNS

    for kind, column in FACET_COLUMNS.items():
        conn.execute(f"INSERT INTO facet_counts SELECT ?, j.value, COUNT(*) FROM events e, json_each(e.{column}) j "
                     "WHERE e.n > ? AND e.n < ? GROUP BY j.value "
                     "ON CONFLICT (kind, value) DO UPDATE SET count = count + excluded.count", (kind, last, stop))


def _update_meta(conn: sqlite3.Connection, meta: dict[str, str], key: str, states: list[dict[str, Any] | None],
                 added: int, removed: int) -> None:
    import json

    how = {"how": "refreshed", "events": added, "at": now()}
    if removed:
        how["replaced"] = removed
    updated = {"key": key, "state": json.dumps(states), "count": str(int(meta["count"]) + added - removed),
               "records": str(int(meta.get("records", "0")) + added - removed), "updated": json.dumps(how)}
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", updated.items())


def now() -> str:
    """The time now, to the second, in UTC (ISO 8601)."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _compact(conn: sqlite3.Connection, meta: dict[str, str], before: int) -> None:
    """Give back free pages once they are a quarter of the entry, and merge the full-text index (which keeps what
    was taken out of it until then) once the entry is SLACK times what a build of as many events would make."""
    import json

    count = int(conn.execute("SELECT value FROM meta WHERE key = 'count'").fetchone()[0])
    built = json.loads(meta.get("compacted", "null")) or {"bytes": before, "events": int(meta["count"])}
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    if pages * conn.execute("PRAGMA page_size").fetchone()[0] > SLACK * built["bytes"] * max(count, 1) / max(
            built["events"], 1):
        conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        conn.execute("VACUUM")
        built = {"bytes": conn.execute("PRAGMA page_count").fetchone()[0]
                 * conn.execute("PRAGMA page_size").fetchone()[0], "events": count}
    elif conn.execute("PRAGMA freelist_count").fetchone()[0] * 4 > pages:
        conn.execute("VACUUM")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('compacted', ?)", (json.dumps(built),))


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

