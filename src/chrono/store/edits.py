"""Refreshing after an edit: the rows before the first changed block are kept, the rest of the file read again.

A build keeps the digest of each block of a file (formats.digest). After an edit, the first block whose
digest differs is where the change begins; the rows whose records end before it are kept, and those
after are taken out of the index and the file read again from the end of the last kept record. Taking a
row out of the full-text index needs the very text it went in with (the index keeps words, not text):
the titles, names and tags are in the events table; a summary the table does not keep is read from the
file where its record now is, when the old blocks around it are found again further on (shifted by what
the edit added or took away); and for the records the edit touched, it is put together again from the
words the index holds for it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chrono.model import FILE_SHIFT
from chrono.read.formats import digest
from chrono.read.formats.base import LENGTH_BITS, LENGTH_MASK, OFFSET_BITS, pack, unpack

if TYPE_CHECKING:
    import sqlite3

    from chrono.model import LoadOptions
    from chrono.store.parts import Done
    from chrono.store.writer import Writer

DIGEST = 32  # bytes of a block's digest
# The most bytes of records an edit may touch for the records after them to keep their rows (read in memory).
REGION = 32 << 20
# An edit reads every record after it again (when those records cannot keep their rows) only if they are at most
# this share of the rows before it: one by one, with their old text taken out first, they cost about twice
# what a build does.
AGAIN = 0.5
# Endings tried to find a word that the tokenizer turns into a given stem ('eas' is not its own stem: 'eased' is).
ENDINGS = ("", "e", "ed", "ing", "s", "es", "er", "y", "al", "ly", "ion", "ation")


def find_edit(fd: int, state: dict[str, Any], size: int, prefix: list[bytes]) -> dict[str, int] | None:
    """Where a file open at fd first differs from its indexed bytes, and from where on they are found again.

    prefix: digests of its first blocks, already taken. The answer: the first block that differs ("block"),
    how many bytes the file grew by ("delta", negative when it shrank), and the old offset from which the
    old bytes are all found again, delta further on ("found": the old size when none are). None when the
    first block differs (a build) or the state has no block digests.
    """
    block = digest.BLOCK
    if state.get("block") != block or "blocks" not in state:
        return None
    old_size = state["size"]
    old = stored_blocks(state["blocks"])
    if len(old) != -(-old_size // block):
        return None
    shared = min(old_size, size) // block
    new = prefix[:shared]
    if len(new) < shared:
        new += digest.block_digests(fd, len(new) * block, shared - len(new))
    first = next((i for i in range(shared) if new[i] != old[i]), shared)
    if first == 0:
        return None
    delta = size - old_size
    full = old_size // block
    found = len(old)
    if old_size % block:  # the last block, a partial one
        at = full * block + delta
        if full > first and at >= 0 and _digest(fd, at, old_size - full * block) == old[full]:
            found = full
    if found == full and full > first + 1:
        start = (first + 1) * block + delta
        got = digest.block_digests(fd, start, full - first - 1) if start >= 0 else []
        for i in reversed(range(len(got))):
            if got[i] != old[first + 1 + i]:
                break
            found = first + 1 + i
    return {"block": first, "delta": delta, "found": min(found * block, old_size)}


def stored_blocks(digests: str) -> list[bytes]:
    """The block digests a file's state keeps (as hex), one by one."""
    stored = bytes.fromhex(digests)
    return [stored[i:i + DIGEST] for i in range(0, len(stored), DIGEST)]


def _digest(fd: int, start: int, length: int) -> bytes:
    import hashlib

    data = os.pread(fd, length, start)
    return hashlib.sha256(data).digest() if len(data) == length else b""


def mark(conn: sqlite3.Connection, number: int, before: int) -> tuple[int, int] | None:
    """The last row of file #number whose record ends by offset before, and where that record ends.

    A table's rows say only where they start: there, the row kept is the one before the last row that starts
    by before, and it ends where that row starts.
    """
    base = number << FILE_SHIFT
    low, high = pack(number, 0, 0), pack(number, min(before, (1 << OFFSET_BITS) - 1) + 1, 0)
    if low is None or high is None:
        return None
    rows = conn.execute("SELECT n, loc FROM events WHERE n >= ? AND n < ? AND loc >= ? AND loc < ? ORDER BY n DESC",
                        (base, base + (1 << FILE_SHIFT), low, high))
    for n, loc in rows:
        _, offset, length = unpack(loc)
        if not length:
            last = conn.execute("SELECT max(n) FROM events WHERE n >= ? AND n < ?", (base, n)).fetchone()[0]
            return (base if last is None else last), offset
        if offset + length <= before:
            return n, offset + length
    return None


def remove_rows(conn: sqlite3.Connection, meta: dict[str, str], number: int, first: int, end: int, found: int,
                delta: int) -> int | None:
    """Take the rows of file #number numbered from first to before end out of the index (their full text, facet
    counts and the rows); how many there were, or None when the text one went in with cannot be had again.

    A row's summary is read where its record now is (delta further on) if the record starts at or after the old
    offset found, from which the old bytes are found again; before that, it is put together from the index.
    """
    from chrono.store.cold import Summaries
    from chrono.store.index import FACET_COLUMNS
    from chrono.store.writer import delete_text

    limit = pack(number, min(found, (1 << OFFSET_BITS) - 1), 0)
    lost = [n for (n,) in conn.execute("SELECT n FROM events WHERE n >= ? AND n < ? AND loc < ? AND loc & ? != 0 "
                                       "AND summary IS NULL", (first, end, limit, LENGTH_MASK))]
    texts = recover(conn, lost)
    if texts is None:
        return None
    summaries = Summaries.from_meta(meta)  # the file as it is now: a record found again is delta further on
    shift = delta << LENGTH_BITS

    def old_summary(n: int, loc: int | None, summary: str | None) -> str | None:
        if summary is not None or loc is None or not loc & LENGTH_MASK:
            return summary
        if n in texts:
            return texts[n]
        return summaries.read(loc + shift)

    conn.create_function("old_summary", 3, old_summary)
    try:
        conn.execute(f"{delete_text('old_summary(e.n, e.loc, e.summary)')} WHERE e.n >= ? AND e.n < ?", (first, end))
    finally:
        summaries.close()
    for kind, column in FACET_COLUMNS.items():
        conn.execute(f"UPDATE facet_counts SET count = count - d.c FROM (SELECT j.value AS v, COUNT(*) AS c FROM "
                     f"events e, json_each(e.{column}) j WHERE e.n >= ? AND e.n < ? GROUP BY j.value) d "
                     "WHERE kind = ? AND value = d.v", (first, end, kind))
    conn.execute("DELETE FROM facet_counts WHERE count <= 0")
    return int(conn.execute("DELETE FROM events WHERE n >= ? AND n < ?", (first, end)).rowcount)


def recover(conn: sqlite3.Connection, rows: list[int]) -> dict[int, str | None] | None:
    """The summaries these rows went into the full-text index with, put together again from the words it holds
    for them (one pass over the index); None when a word has no form that the tokenizer makes it again."""
    if not rows:
        return {}
    wanted = set(rows)
    words: dict[int, list[tuple[int, str]]] = {}
    conn.execute("CREATE VIRTUAL TABLE temp.indexed_words USING fts5vocab(main, fts, instance)")
    try:
        # A range of rows is the cheapest test per word (about a second per 200,000 events); the column is not.
        for doc, column, offset, term in conn.execute("SELECT doc, col, offset, term FROM temp.indexed_words "
                                                      "WHERE doc >= ? AND doc <= ?", (min(rows), max(rows))):
            if column == "summary" and doc in wanted:
                words.setdefault(doc, []).append((offset, term))
    finally:
        conn.execute("DROP TABLE temp.indexed_words")
    forms = word_forms(conn, {term for found in words.values() for _, term in found})
    if forms is None:
        return None
    texts: dict[int, str | None] = {}
    for n in rows:
        found = sorted(words.get(n, ()))
        if [offset for offset, _ in found] != list(range(len(found))):
            return None
        texts[n] = " ".join(forms[term] for _, term in found) or None
    return texts


def word_forms(conn: sqlite3.Connection, terms: set[str]) -> dict[str, str] | None:
    """For each indexed term, a word that the index's tokenizer turns into it alone; None if one has none."""
    from chrono.store.writer import TOKENIZER

    forms: dict[str, str] = {}
    conn.execute(f"CREATE VIRTUAL TABLE temp.probe USING fts5(word, tokenize='{TOKENIZER}')")
    conn.execute("CREATE VIRTUAL TABLE temp.probe_words USING fts5vocab(temp, probe, instance)")
    try:
        for ending in ENDINGS:
            pending = sorted(terms.difference(forms))
            if not pending:
                break
            conn.execute("DELETE FROM temp.probe")
            conn.executemany("INSERT INTO temp.probe(rowid, word) VALUES (?, ?)",
                             ((i, term + ending) for i, term in enumerate(pending)))
            made: dict[int, list[str]] = {}
            for doc, term in conn.execute("SELECT doc, term FROM temp.probe_words"):
                made.setdefault(doc, []).append(term)
            for i, term in enumerate(pending):
                if made.get(i) == [term]:
                    forms[term] = term + ending
    finally:
        conn.execute("DROP TABLE temp.probe_words")
        conn.execute("DROP TABLE temp.probe")
    return forms if len(forms) == len(terms) else None


def edited(conn: sqlite3.Connection, writer: Writer, meta: dict[str, str], number: int, plan: dict[str, Any],
           name: tuple[str, str], options: LoadOptions) -> Done | None:
    """Read an edited file again from the end of the last record before its first changed block.

    When the records the edit touched have numbers free for them before the records after them (found again,
    shifted), and the file has no derived ids, only they are read, and the records after them keep their rows.
    Else every record after the mark is.
    """
    from chrono.model import ROW_LOC
    from chrono.read.formats.digest import hash_range
    from chrono.store.parts import count_facets, derived_after, part_state, plan_part, read_part

    edit, fd, kind, size = plan["edit"], plan["fd"], plan["kind"], plan["size"]
    stop_row = (number + 1) << FILE_SHIFT
    marked = mark(conn, number, edit["block"] * digest.BLOCK)
    if marked is None:
        return None
    last, resume = marked
    if kind != "json" and os.pread(fd, 1, resume - 1) not in (b"\n", b"\r"):
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
        # The records touched and the first found again (a table's rows say only where they start: up to it).
        stop = at + length if length else at
        region = plan_part(fd, kind, resume, stop, _prefix(fd, plan, resume)) \
            if stop - resume <= REGION and (length or os.pread(fd, 1, at - 1) in (b"\n", b"\r")) else None
        rows: list[tuple[Any, ...]] = []
        # Its derived ids avoid the ids before it (the rows it replaces are still in the index).
        read = None if region is None else read_part(conn, rows.extend, number, region, name, last, last + 1, options)
        if region is not None and read is None:
            return None  # a problem in the records it touched: a build says where
        if length and rows and rows[-1][ROW_LOC] == pack(number, at, length):
            rows.pop()  # the first record found again: it keeps its row
        elif length:
            read = None
        if read is not None and region is not None and len(rows) <= moved - last - 1:  # numbers free for them
            removed = remove_rows(conn, meta, number, last + 1, moved, edit["found"], edit["delta"])
            if removed is None:
                return None
            # Spread over the numbers free, so that a later edit here finds numbers free too.
            step = (moved - last - 1) // (len(rows) + 1)
            writer.add([(last + step * i, *row[1:]) for i, row in enumerate(rows, 1)])
            count_facets(conn, last, moved)
            conn.execute("UPDATE events SET loc = loc + ? WHERE n >= ? AND n < ? AND loc IS NOT NULL",
                         (edit["delta"] << LENGTH_BITS, moved, stop_row))
            hash_range(fd, region["hasher"], at + length, end)
            state = {"kind": kind, "size": size, "hasher": region["hasher"], "closing": plan["closing"],
                     "resume": None if plan["resume"] is None else plan["resume"] + edit["delta"],
                     "derived": derived_after(plan, read[0])}
            return len(rows), removed, state
    rows_after, rows_before = conn.execute("SELECT COUNT(*) FILTER (WHERE n > ?), COUNT(*) FILTER (WHERE n <= ?) "
                                           "FROM events WHERE n >= ? AND n < ?",
                                           (last, last, number << FILE_SHIFT, stop_row)).fetchone()
    if rows_after > rows_before * AGAIN:
        return None  # reading them one by one costs more than a build that reads and writes at once
    removed = remove_rows(conn, meta, number, last + 1, stop_row, edit["found"], edit["delta"])
    part = plan_part(fd, kind, resume, end, _prefix(fd, plan, resume))
    if removed is None or part is None:
        return None
    part["closing"] = plan["closing"]
    read = read_part(conn, writer.add, number, part, name, last, None, options)
    if read is None:
        return None
    count_facets(conn, last, stop_row)
    return read[0].count, removed, part_state(part, read[1], derived_after(plan, read[0]))


def _prefix(fd: int, plan: dict[str, Any], resume: int) -> Any:
    """A digest that has taken a file's bytes before resume (which lie in blocks that did not change)."""
    from chrono.read.formats.digest import TreeHash, hash_range

    hasher = TreeHash()
    whole = resume // digest.BLOCK
    for block in stored_blocks(plan["blocks"])[:whole]:
        hasher.add_block(block)
    hash_range(fd, hasher, whole * digest.BLOCK, resume)
    return hasher
