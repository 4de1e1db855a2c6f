"""Filling an index database: the schema, then events and their full text batch by batch, then the indexes."""

from __future__ import annotations

import sqlite3
from operator import itemgetter
from typing import Any

from chrono.model import FTS_DERIVED, FTS_FIELDS, INDEX_ROW, ROW_FIELDS, ROW_LOC, ROW_SUMMARY, Chronology
from chrono.read.formats.base import LENGTH_MASK
from chrono.store.index import FACET_COLUMNS, SCHEMA_VERSION, SUMMARY

# Words folded to lowercase without accents, then to their English stem (returned, returns -> return).
TOKENIZER = "porter unicode61 remove_diacritics 2"
EVENT_TABLE = ",\n    ".join(f"{name} {sql}" for name, sql in INDEX_ROW)
FTS_COLUMNS = ", ".join(name for name, _ in FTS_FIELDS)
# SQL for a derived full-text column from its row field ({} in place of the field): the extra fields' text is
# every string in them, nested ones too (the keys are names, not text).
FTS_SQL = {"extra": "CASE WHEN {0} IS NULL THEN NULL ELSE (SELECT group_concat(value, ' ') FROM "
                    "json_tree({0}, '$.extra') WHERE type = 'text') END"}
# Each full-text column's value in an insert, as SQL over numbered parameters (?1 is the row number).
_FTS_PARAMS = [f"?{i + 2}" if name not in FTS_DERIVED else FTS_SQL[name].format(f"?{i + 2}")
               for i, (name, _) in enumerate(FTS_FIELDS)]
_INSERT_EVENT = f"INSERT INTO events VALUES ({', '.join('?' * len(INDEX_ROW))})"
_INSERT_FTS = f"INSERT INTO fts(rowid, {FTS_COLUMNS}) VALUES (?1, {', '.join(_FTS_PARAMS)})"
# A row's number and the fields its full-text columns are made from, in the order of the fts table.
_FTS_VALUES = itemgetter(0, *(ROW_FIELDS.index(FTS_DERIVED.get(name, name)) for name, _ in FTS_FIELDS))

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events(
    {EVENT_TABLE}
);
CREATE TABLE facet_counts(kind TEXT NOT NULL, value TEXT NOT NULL, count INTEGER NOT NULL,
                          PRIMARY KEY (kind, value)) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5({FTS_COLUMNS}, content='', tokenize='{TOKENIZER}');
-- Terms gather in 32 MB of memory (not 1 MB) before they are written out as a segment: fewer, larger
-- segments to merge, a quarter less time to build a million events, for about 40 MB more memory.
INSERT INTO fts(fts, rank) VALUES ('automerge', 8);
INSERT INTO fts(fts, rank) VALUES ('hashsize', 33554432);
"""
INDEXES = (
    "CREATE UNIQUE INDEX events_id ON events(id)",
    "CREATE INDEX events_when ON events(earliest, latest)",
)

class Writer:
    """Fills an index database: events, facets and full text, batch by batch."""

    def __init__(self, conn: sqlite3.Connection, create: bool = True) -> None:
        self.conn = conn
        if create:
            conn.executescript(SCHEMA)
        conn.execute("BEGIN")

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert a batch of events-table rows (see load.Checker.check) and their full text."""
        conn = self.conn
        # A row that says where its record is and how long it is (loc) keeps no copy of its summary: cold.py reads
        # it back. A table's row says only where it starts (read.formats.csv_reader): it keeps its summary.
        conn.executemany(_INSERT_EVENT, [r if r[ROW_LOC] is None or not r[ROW_LOC] & LENGTH_MASK
                                         else (*r[:ROW_SUMMARY], None, *r[ROW_SUMMARY + 1:]) for r in rows])
        conn.executemany(_INSERT_FTS, map(_FTS_VALUES, rows))

    def finish(self, meta: dict[str, str], counts: dict[str, dict[str, int]] | None, skip_invalid: bool = False,
               ) -> None:
        """Index the tables, record the facet counts and metadata, and commit.

        Ids used twice make the unique index fail: they are raised as load.Duplicates, or with
        skip_invalid every event but the first with each id is left out (and counted as skipped).
        """
        from chrono.read.load import Duplicates

        conn = self.conn
        if skip_invalid:
            # Found with a plain index first: without a rollback journal, a unique index that fails cannot be
            # taken back, and the database would keep half of it.
            conn.execute("CREATE INDEX repeated_ids ON events(id)")
            repeated = [i for (i,) in conn.execute("SELECT id FROM events GROUP BY id HAVING COUNT(*) > 1")]
            if repeated:
                from chrono.store.cold import Summaries

                conn.create_function("cold", 1, Summaries.from_meta(meta) if "paths" in meta else lambda loc: None)
                meta["skipped"] = str(int(meta.get("skipped", "0")) + self._drop_later(repeated))
                meta["count"] = str(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
                counts = None
            conn.execute("DROP INDEX repeated_ids")
            conn.execute(INDEXES[0])
        else:
            try:
                conn.execute(INDEXES[0])
            except sqlite3.IntegrityError:
                repeated = [i for (i,) in conn.execute("SELECT id FROM events GROUP BY id HAVING COUNT(*) > 1")]
                conn.execute("ROLLBACK")
                raise Duplicates(repeated) from None
        for statement in INDEXES[1:]:
            conn.execute(statement)
        if counts is None:
            for kind, column in FACET_COLUMNS.items():
                conn.execute(f"INSERT INTO facet_counts SELECT ?, j.value, COUNT(*) FROM events e, "
                             f"json_each(e.{column}) j GROUP BY j.value", (kind,))
        else:
            conn.executemany(
                "INSERT INTO facet_counts VALUES (?, ?, ?)",
                ((kind, value, n) for kind, counter in counts.items() for value, n in counter.items()),
            )
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.execute("COMMIT")

    def _drop_later(self, repeated: list[str]) -> int:
        """Delete every event but the first with each of these ids (and its full text); return how many."""
        conn = self.conn
        dropped = 0
        for eid in repeated:
            later = conn.execute("SELECT n FROM events WHERE id = ? ORDER BY n LIMIT -1 OFFSET 1", (eid,)).fetchall()
            for (n,) in later:
                conn.execute(f"{delete_text(SUMMARY)} WHERE e.n = ?", (n,))
                conn.execute("DELETE FROM events WHERE n = ?", (n,))
                dropped += 1
        return dropped


def delete_text(summary: str) -> str:
    """SQL taking rows of the events table (as e) out of the full-text index, with this SQL for their summaries.

    The index keeps words, not text: a row must go out with the very text it went in with.
    """
    columns = ", ".join(summary if name == "summary" else FTS_SQL[name].format(f"e.{FTS_DERIVED[name]}")
                        if name in FTS_DERIVED else f"e.{name}" for name, _ in FTS_FIELDS)
    return f"INSERT INTO fts(fts, rowid, {FTS_COLUMNS}) SELECT 'delete', e.n, {columns} FROM events e"


def metadata(chronology: Chronology, files: list[str], key: str = "") -> dict[str, str]:
    """The meta table's rows for a built index."""
    import json

    return {
        "schema": str(SCHEMA_VERSION),
        "key": key,
        "chronology": json.dumps({"title": chronology.title, "description": chronology.description,
                                  "version": chronology.version, "license": chronology.license,
                                  "eras": list(chronology.eras)}, ensure_ascii=False),
        "sources": json.dumps(chronology.sources, ensure_ascii=False),
        "tags": json.dumps(chronology.tags, ensure_ascii=False),
        "files": json.dumps(files, ensure_ascii=False),
    }
