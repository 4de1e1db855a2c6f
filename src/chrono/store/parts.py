"""Reading part of an indexed file into its index: the records from the end of one on, as a build reads them.

A refresh (store.refresh) reads what was appended to a file, or (store.edits) what an edit touched; each is a
part of the file that starts after a record and is read as a file of its own (a JSON array's '[' before
it), its rows numbered after the row of the record before it, its ids derived as a build derives them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chrono.model import FILE_SHIFT

if TYPE_CHECKING:
    import sqlite3

    from chrono.model import LoadOptions
    from chrono.read.formats.base import Reader
    from chrono.read.load import ScanResult
    from chrono.store.writer import Writer

# The most of a JSON file's tail (its closing brackets and any members after "events") an entry keeps.
MAX_TAIL = 64 * 1024
WHITESPACE = b" \t\r\n"


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


def plan_part(fd: int, kind: str, resume: int, end: int, hasher: Any) -> dict[str, Any] | None:
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


Done = tuple[int, int, dict[str, Any]]  # rows added, rows taken out, the file's state (see refresh._finished)


def appended(conn: sqlite3.Connection, writer: Writer, meta: dict[str, str], number: int, plan: dict[str, Any],
             name: tuple[str, str], options: LoadOptions) -> Done | None:
    """Read the records added at the end of a file into the index."""
    base, stop = number << FILE_SHIFT, (number + 1) << FILE_SHIFT
    last = conn.execute("SELECT max(n) FROM events WHERE n > ? AND n < ?", (base, stop)).fetchone()[0]
    last = base if last is None else last
    read = read_part(conn, writer.add, number, plan, name, last, None, options)
    if read is None:
        return None
    count_facets(conn, last, stop)
    return read[0].count, 0, part_state(plan, read[1], derived_after(plan, read[0]))


def read_part(conn: sqlite3.Connection, sink: Any, number: int, plan: dict[str, Any], name: tuple[str, str],
              last: int, below: int | None, options: LoadOptions) -> tuple[ScanResult, Reader] | None:
    """Read the records of a part of a file as a fresh build would, numbered after row last, into sink."""
    from chrono.read.formats import reader_for
    from chrono.read.formats.stream import TextStream
    from chrono.read.load import Appended, scan_appended

    stream = TextStream(name[0], name[1], source=plan["part"])
    reader = reader_for(plan["kind"], stream)
    reader.origin = plan["origin"]
    result = scan_appended([Appended(reader, number, last, below)], sink, options, holder(conn))
    if result.problems or (plan["kind"] == "json" and reader.current < 0):  # type: ignore[attr-defined]
        return None  # (a comma and no event: a build says what is wrong)
    return result, reader


def part_state(plan: dict[str, Any], reader: Reader, derived: int | None) -> dict[str, Any]:
    """A file's state after its part was read: where records added after it would start."""
    resume = reader.resume()
    return {"kind": plan["kind"], "size": plan["part"].end + len(plan["closing"]), "hasher": plan["hasher"],
            "closing": plan["closing"], "resume": None if resume is None else resume + reader.origin,
            "derived": derived}


def derived_after(plan: dict[str, Any], result: ScanResult) -> int | None:
    """How many of a file's ids are derived after a refresh read some of it: known only if none were before."""
    return result.derived if plan.get("derived") == 0 else None


def holder(conn: sqlite3.Connection) -> Any:
    """Whether the index holds an id in a row numbered below a number (for SeenIds)."""

    def held(eid: str, below: int) -> bool:
        return conn.execute("SELECT 1 FROM events WHERE id = ? AND n < ?", (eid, below)).fetchone() is not None

    return held


def count_facets(conn: sqlite3.Connection, last: int, stop: int) -> None:
    """Add the rows numbered after last and before stop to the tag, person and place counts."""
    from chrono.store.index import FACET_COLUMNS

    for kind, column in FACET_COLUMNS.items():
        conn.execute(f"INSERT INTO facet_counts SELECT ?, j.value, COUNT(*) FROM events e, json_each(e.{column}) j "
                     "WHERE e.n > ? AND e.n < ? GROUP BY j.value "
                     "ON CONFLICT (kind, value) DO UPDATE SET count = count + excluded.count", (kind, last, stop))
