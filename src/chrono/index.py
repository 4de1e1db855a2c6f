"""The query engine: an SQLite index (FTS5 for ranked search) over one or more chronologies."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from chrono.errors import DataError, UsageError
from chrono.load import LoadedFile, Record
from chrono.model import Chronology, Event
from chrono.query import Filters, Search, fold

SCHEMA_VERSION = 1
SEP = "\x1f"
# bm25 weights for title, summary, tags, people, places, aliases.
WEIGHTS = (10.0, 2.0, 1.0, 1.0, 1.0, 0.5)
TOKENIZER = "unicode61 remove_diacritics 2"
# An event cited by several independent sources ranks higher: bm25 * (1 + PRIOR_WEIGHT * ln(sources)).
PRIOR_WEIGHT = 0.5

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events(
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    date TEXT NOT NULL,
    date_os TEXT,
    earliest INTEGER NOT NULL,
    latest INTEGER NOT NULL,
    precision TEXT NOT NULL,
    os_md INTEGER,
    prior REAL NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    tags TEXT NOT NULL,
    people TEXT NOT NULL,
    places TEXT NOT NULL,
    aliases TEXT NOT NULL,
    sources TEXT NOT NULL,
    rest TEXT
);
CREATE TABLE facets(kind TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(
    title, summary, tags, people, places, aliases, content='', tokenize='{TOKENIZER}'
);
"""
INDEXES = """
CREATE UNIQUE INDEX events_id ON events(id);
CREATE INDEX events_when ON events(earliest, latest);
CREATE INDEX facets_kind_value ON facets(kind, value, n);
"""
COLUMNS = (
    "n, id, date, date_os, title, summary, tags, people, places, aliases, sources, rest"
)
FACET_KINDS = {"tag": "tags", "person": "people", "place": "places", "alias": "aliases"}


def _split(value: str) -> tuple[str, ...]:
    return tuple(value.split(SEP)) if value else ()


def row_to_event(row: tuple[Any, ...]) -> Event:
    """An Event from a row of the events table (in COLUMNS order)."""
    _, eid, date, date_os, title, summary, tags, people, places, aliases, sources, rest = row
    extra: dict[str, Any] = json.loads(rest) if rest else {}
    return Event(
        id=eid, date=date, title=title, summary=summary, tags=_split(tags),
        sources=tuple(json.loads(sources)), people=_split(people), places=_split(places),
        aliases=_split(aliases), date_os=date_os, certainty=extra.pop("certainty", None),
        note=extra.pop("note", None), alt_dates=tuple(extra.pop("alt_dates", ())), extra=extra,
    )


def _os_month_day(date_os: str | None) -> int | None:
    if not date_os or "/" in date_os:
        return None
    return int(date_os[5:7]) * 100 + int(date_os[8:10])


def record_row(n: int, r: Record) -> tuple[Any, ...]:
    """The events-table row of a validated record."""
    rest: dict[str, Any] = {}
    if r.certainty is not None:
        rest["certainty"] = r.certainty
    if r.note is not None:
        rest["note"] = r.note
    if r.alt_dates:
        rest["alt_dates"] = list(r.alt_dates)
    if r.extra:
        rest.update(r.extra)
    return (
        n, r.id, r.date, r.date_os, r.earliest, r.latest, r.precision, _os_month_day(r.date_os), prior(r),
        r.title, r.summary, SEP.join(r.tags), SEP.join(r.people), SEP.join(r.places), SEP.join(r.aliases),
        json.dumps(list(r.sources), ensure_ascii=False, separators=(",", ":")),
        json.dumps(rest, ensure_ascii=False, separators=(",", ":")) if rest else None,
    )


def prior(r: Record) -> float:
    """How much more an event weighs in ranking for being attested by several sources (1 for one source)."""
    n = len({s.get("source") or s.get("title") for s in r.sources})
    return 1.0 + PRIOR_WEIGHT * math.log(n) if n > 1 else 1.0


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """An SQLite connection tuned for building or reading the index."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def build(conn: sqlite3.Connection, files: list[LoadedFile], progress: Any = None) -> None:
    """Fill an empty database with the events of the given files; duplicate ids are an error."""
    conn.executescript(SCHEMA)
    chronology = Chronology()
    for f in files:
        chronology = chronology.merged(f.chronology)
    first_seen: dict[str, tuple[int, int]] = {}
    problems = []
    if len(files) > 1:
        for fi, f in enumerate(files):
            for ri, r in enumerate(f.records):
                prev = first_seen.get(r.id)
                if prev is None:
                    first_seen[r.id] = (fi, ri)
                    continue
                pf = files[prev[0]]
                line, col = pf.locator.where(prev[1], "id")
                here_line, here_col = f.locator.where(ri, "id")
                problems.append(
                    f"{f.name}:{here_line}:{here_col}: duplicate id {r.id!r}, also at {pf.name}:{line}:{col};"
                    " rename one of them"
                )
    if problems:
        raise DataError(problems[:20])
    conn.execute("BEGIN")
    n = 0
    for f in files:
        rows = []
        fts = []
        facets = []
        for r in f.records:
            n += 1
            rows.append(record_row(n, r))
            fts.append((n, r.title, r.summary, " ".join(r.tags), " ".join(r.people), " ".join(r.places),
                        " ".join(r.aliases)))
            facets.extend(("tag", t, n) for t in r.tags)
            facets.extend(("person", p, n) for p in r.people)
            facets.extend(("place", p, n) for p in r.places)
            facets.extend(("alias", a, n) for a in r.aliases)
            if progress is not None and n % 10000 == 0:
                progress(10000)
        conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO fts(rowid, title, summary, tags, people, places, aliases) "
                         "VALUES (?,?,?,?,?,?,?)", fts)
        conn.executemany("INSERT INTO facets VALUES (?,?,?)", facets)
    for statement in INDEXES.strip().split(";"):
        if statement.strip():
            conn.execute(statement)
    meta = {
        "schema": str(SCHEMA_VERSION),
        "chronology": json.dumps(
            {"title": chronology.title, "description": chronology.description,
             "version": chronology.version, "license": chronology.license},
            ensure_ascii=False,
        ),
        "sources": json.dumps(chronology.sources, ensure_ascii=False),
        "tags": json.dumps(chronology.tags, ensure_ascii=False),
        "files": json.dumps([f.name for f in files], ensure_ascii=False),
    }
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.execute("COMMIT")


class Index:
    """Queries over a built index: filtered, searched and sorted events, facets and overview numbers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        info = json.loads(meta.get("chronology", "{}"))
        self.chronology = Chronology(
            title=info.get("title", ""), description=info.get("description", ""),
            version=info.get("version", ""), license=info.get("license", ""),
            sources=json.loads(meta.get("sources", "{}")), tags=json.loads(meta.get("tags", "{}")),
        )
        self.files: list[str] = json.loads(meta.get("files", "[]"))

    # Selection -------------------------------------------------------------------------------

    def _facet_values(self, kind: str) -> list[str]:
        return [v for (v,) in self.conn.execute("SELECT DISTINCT value FROM facets WHERE kind = ?", (kind,))]

    def check_tags(self, tags: Iterable[str]) -> dict[str, str]:
        """Map each requested tag to the stored tag (case-insensitive); unknown tags are a usage error."""
        known = {t.casefold(): t for t in self._facet_values("tag")}
        known.update({t.casefold(): t for t in self.chronology.tags if t.casefold() not in known})
        out = {}
        for tag in tags:
            hit = known.get(tag.casefold())
            if hit is None:
                import difflib

                close = difflib.get_close_matches(tag.casefold(), list(known), n=1, cutoff=0.6)
                hint = f"; did you mean {known[close[0]]!r}?" if close else ""
                raise UsageError(f"unknown tag {tag!r}{hint} (chrono tags lists the tags in use)")
            out[tag] = hit
        return out

    def _names_matching(self, kind: str, wanted: str) -> list[str]:
        key = f" {' '.join(fold(wanted).split())} "
        values = self._facet_values(kind) + self._facet_values("alias")
        return [v for v in values if key in f" {' '.join(fold(v).replace('-', ' ').split())} "
                or key in f" {' '.join(fold(v).split())} "]

    def _where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if filters.tags or filters.not_tags:
            stored = self.check_tags(filters.tags + filters.not_tags)
            for tag in filters.tags:
                clauses.append("e.n IN (SELECT n FROM facets WHERE kind = 'tag' AND value = ?)")
                params.append(stored[tag])
            for tag in filters.not_tags:
                clauses.append("e.n NOT IN (SELECT n FROM facets WHERE kind = 'tag' AND value = ?)")
                params.append(stored[tag])
        for kind, wanted_list in (("person", filters.people), ("place", filters.places)):
            for wanted in wanted_list:
                names = self._names_matching(kind, wanted)
                marks = ",".join("?" * len(names)) or "NULL"
                clauses.append(
                    f"e.n IN (SELECT n FROM facets WHERE kind IN ('{kind}', 'alias') AND value IN ({marks}))"
                )
                params.extend(names)
        if filters.within:
            if filters.start is not None:
                clauses.append("e.earliest >= ?")
                params.append(filters.start)
            if filters.end is not None:
                clauses.append("e.latest <= ?")
                params.append(filters.end)
        else:
            if filters.start is not None:
                clauses.append("e.latest >= ?")
                params.append(filters.start)
            if filters.end is not None:
                clauses.append("e.earliest <= ?")
                params.append(filters.end)
        if filters.month_day is not None:
            month, day = filters.month_day
            if filters.julian:
                clauses.append("e.os_md = ?")
                params.append(month * 100 + day)
            else:
                clauses.append("e.precision = 'day' AND e.earliest % 10000 = ?")
                params.append(month * 100 + day)
        return clauses, params

    def _order(self, filters: Filters, ranked: bool) -> str:
        key = filters.sort or ("relevance" if ranked else "date")
        desc = " DESC" if filters.reverse else ""
        by_date = f"e.earliest{desc}, e.latest{desc}, e.n{desc}"
        if key == "relevance" and ranked:
            return f"rank * e.prior{desc}, e.earliest, e.latest, e.n"
        if key == "title":
            return f"e.title COLLATE NOCASE{desc}, e.earliest, e.n"
        if key == "id":
            return f"e.id{desc}"
        return by_date

    def select(self, filters: Filters, search: Search | None = None, columns: str = COLUMNS) -> Iterator[tuple]:
        """Rows of the events that match, in the requested order."""
        clauses, params = self._where(filters)
        ranked = search is not None and search.match() is not None
        if ranked:
            assert search is not None
            weights = ", ".join(str(w) for w in WEIGHTS)
            sql = (
                f"SELECT {_prefixed(columns)}, bm25(fts, {weights}) AS rank FROM fts "
                "JOIN events e ON e.n = fts.rowid WHERE fts MATCH ?"
            )
            params.insert(0, search.match())
        else:
            sql = f"SELECT {_prefixed(columns)}, 0 AS rank FROM events e WHERE 1"
        if search is not None and search.exclusion():
            clauses.append("e.n NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(search.exclusion())
        for c in clauses:
            sql += f" AND {c}"
        sql += f" ORDER BY {self._order(filters, ranked)}"
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(filters.limit)
        try:
            cursor = self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise UsageError(f"cannot run this search ({exc}); quote unusual words, e.g. '\"c++\"'") from None
        for row in cursor:
            yield row[:-1]

    def events(self, filters: Filters, search: Search | None = None) -> Iterator[Event]:
        """The matching events, in order."""
        for row in self.select(filters, search):
            yield row_to_event(row)

    def count(self, filters: Filters, search: Search | None = None) -> int:
        """How many events match."""
        return sum(1 for _ in self.select(filters, search, columns="n"))

    def by_ids(self, ids: Iterable[str]) -> tuple[list[Event], list[str]]:
        """Events for ids or unique id prefixes, and the ids not found; ambiguous prefixes are an error."""
        found: list[Event] = []
        missing: list[str] = []
        for wanted in ids:
            row = self.conn.execute(f"SELECT {COLUMNS} FROM events WHERE id = ?", (wanted,)).fetchone()
            if row is None:
                like = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = self.conn.execute(
                    f"SELECT {COLUMNS} FROM events WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 6", (like,)
                ).fetchall()
                if len(rows) > 1:
                    names = ", ".join(r[1] for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
                    raise UsageError(f"id prefix {wanted!r} is ambiguous: {names}; type more of the id")
                row = rows[0] if rows else None
            if row is None:
                missing.append(wanted)
            else:
                found.append(row_to_event(row))
        return found, missing

    def suggest_id(self, wanted: str) -> str | None:
        """The known id closest to a mistyped one."""
        import difflib

        ids = [i for (i,) in self.conn.execute("SELECT id FROM events LIMIT 200000")]
        close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6)
        return close[0] if close else None

    # Facets and overview ---------------------------------------------------------------------

    def facet_counts(self, kind: str, filters: Filters) -> list[tuple[str, int]]:
        """(value, number of matching events) for tags, people or places, most frequent first."""
        clauses, params = self._where(Filters(**{**filters.__dict__, "limit": None, "sort": None}))
        where = "".join(f" AND {c}" for c in clauses)
        sql = (
            "SELECT f.value, COUNT(*) AS c FROM facets f JOIN events e ON e.n = f.n "
            f"WHERE f.kind = ?{where} GROUP BY f.value ORDER BY c DESC, f.value COLLATE NOCASE"
        )
        rows = self.conn.execute(sql, [kind, *params]).fetchall()
        if filters.limit is not None:
            rows = rows[: filters.limit]
        return rows

    def overview(self) -> dict[str, Any]:
        """Numbers for the overview: event count, date span and the most used tags."""
        count, first, last = self.conn.execute(
            "SELECT COUNT(*), MIN(NULLIF(earliest, 0)), MAX(NULLIF(latest, 99999999)) FROM events"
        ).fetchone()
        top = self.conn.execute(
            "SELECT value, COUNT(*) c FROM facets WHERE kind = 'tag' GROUP BY value ORDER BY c DESC, value LIMIT 8"
        ).fetchall()
        return {"count": count, "first": first, "last": last, "top_tags": top}

    def vocabulary(self) -> list[str]:
        """The words of the full-text index, for suggestions."""
        try:
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")
        except sqlite3.OperationalError:
            return []
        return [t for (t,) in self.conn.execute("SELECT term FROM temp.vocab ORDER BY doc DESC LIMIT 500000")]

    def suggest_words(self, words: Iterable[str]) -> dict[str, str]:
        """For each word that is not in the index, the closest word that is."""
        import difflib

        vocab = None
        out = {}
        for w in words:
            wf = fold(w)
            if self.conn.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", ('"' + wf.replace('"', '""') + '"',)
                                 ).fetchone():
                continue
            if vocab is None:
                vocab = self.vocabulary()
            close = difflib.get_close_matches(wf, vocab, n=1, cutoff=0.7)
            if close:
                out[w] = close[0]
        return out


def _prefixed(columns: str) -> str:
    return ", ".join(f"e.{c.strip()}" for c in columns.split(","))


def open_index(files: list[LoadedFile]) -> Index:
    """Build an in-memory index over loaded files."""
    conn = connect()
    build(conn, files)
    return Index(conn)
