"""Refreshing a cache entry after its files changed: the rows already indexed are kept, what changed read.

A cache build records, for each file, how many bytes it indexed, their digest and each block's
(formats.digest, taken as they were read), and where records added at the end would begin: after the
last line of JSON Lines, CSV and TSV (when it ended), after the last event of JSON (whose closing
brackets, and whatever follows them, are kept as the file's tail). When a file has changed, its old
bytes are hashed again; if they match, only the new records are read (store.parts), and if not, a JSON
Lines or JSON file is read again from its first changed block (store.edits), into the entry (or a copy
of it) that is then sealed again. Whatever a refresh cannot reproduce exactly (a problem in the records
read, an id used twice, a derived id that a later file holds, a rewrite) is a full build, which gives the
answers a fresh build gives by definition.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chrono.store.entries import REFRESHING, Stale, discard_interrupted, fd_path, lock
from chrono.store.parts import MAX_TAIL, WHITESPACE

if TYPE_CHECKING:
    import sqlite3

    from chrono.model import LoadOptions
    from chrono.read.load import ScanResult
    from chrono.store.index import Index

COPY_BLOCK = 8 << 20
# How much larger than a build of as many events an entry may grow by refreshes before it is compacted.
SLACK = 1.25


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

        from chrono.store.edits import edited
        from chrono.store.entries import apply_seal, remove_leftovers
        from chrono.store.index import connect
        from chrono.store.parts import appended
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
            done = (edited if "edit" in plan else appended)(conn, writer, meta, number, plan, name, options)
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
    from chrono.store.parts import plan_part

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
                        plan = plan_part(fd, kind, resume, end, hasher)
                    if plan is not None:
                        plan.update(closing=closing, derived=state.get("derived"))
                    else:
                        os.close(fd)
                    return plan
                prefix = hasher.blocks
            edit = find_edit(fd, state, size, prefix) if editable else None
            if edit is not None and (kind != "json" or resume is not None):
                plan = {"fd": fd, "kind": kind, "edit": edit, "closing": closing, "size": size,
                        "blocks": state["blocks"], "resume": resume, "derived": state.get("derived")}
        if plan is None:
            os.close(fd)
        return plan
    except BaseException:
        os.close(fd)
        raise


def _finished(path: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """A refreshed file's state: the digest of its bytes as read (old, added, closing), and its new tail."""
    hasher = state.pop("hasher")
    hasher.update(state.pop("closing"))
    state.update(hasher.state())
    if state["kind"] == "json" and state["resume"] is not None:
        tail = _tail(path, state["resume"], state["size"])
        if tail is None:
            state["resume"] = None
        else:
            state["tail"] = tail.hex()
    return state


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
    was taken out of it until then) once the entry is SLACK times its size per event when last compacted (or,
    before that, after its first refresh)."""
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

