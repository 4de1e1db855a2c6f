"""The query engine: an SQLite index (FTS5 for ranked search) over one or more chronologies."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from chrono.errors import UsageError
from chrono.model import FTS_FIELDS, LIST_FIELDS, OPEN_EARLIEST, OPEN_LATEST, REST_FIELDS, Chronology, Event
from chrono.store.query import Filters, Search, Term

if TYPE_CHECKING:
    from chrono.dates.days import Day

# Bumped whenever the layout (writer.SCHEMA) or what is read into it changes, so older caches are rebuilt
# (8: the extra fields' text in a full-text column of its own; 9: words indexed by their English stem;
# 10: years BC and open ends far below and above every day; date_basis, account and replaces are fields;
# 11: rows numbered per file, and what a refresh needs to go on from each file).
SCHEMA_VERSION = 12
# bm25 weights of the full-text columns.
WEIGHTS = tuple(weight for _, weight in FTS_FIELDS)
# The events-table columns behind an Event, in its order (its fields are named for the column and how it is held).
EVENT_COLUMNS = ", ".join(f.removesuffix("_text").removesuffix("_json").removesuffix("_day") for f in Event._fields)
FACET_COLUMNS = {"tag": "tags", "person": "people", "place": "places"}
# The largest LIMIT SQLite takes: a -n beyond any real count means all.
MAX_LIMIT = 2**63 - 1
# The summary, from the table or (when the index keeps only where the record is) from its file.
SUMMARY = "coalesce(e.summary, cold(e.loc))"
FULL_COLUMNS = EVENT_COLUMNS.replace("summary", f"{SUMMARY} AS summary")
# A list column (a JSON array) as the text TSV and CSV print: items joined with '; '.
LIST_TEXT = ("CASE WHEN e.{c} = '[]' THEN '' WHEN instr(e.{c}, '\\') = 0 "
             "THEN replace(substr(e.{c}, 3, length(e.{c}) - 4), '\",\"', '; ') ELSE list_text(e.{c}) END")


def text_column(field: str) -> str:
    """SQL for a plain field as printed text: lists joined with '; ', a missing date_os as ''."""
    if field in LIST_FIELDS:
        return LIST_TEXT.format(c=field)
    if field == "summary":
        return SUMMARY
    if field == "date_os":
        return "coalesce(e.date_os, '')"
    return f"e.{field}"


def list_text(value: str) -> str:
    """A JSON array of strings as items joined with '; ' (for arrays whose items have escapes)."""
    import json

    return "; ".join(json.loads(value))
# The events-table columns behind each output field, and what stands in for a column that is not read.
FIELD_COLUMNS = {
    "id": ("id",), "date": ("date", "date_os"), "when": ("date", "date_os"), "date_os": ("date_os",),
    "title": ("title",), "summary": ("summary",), "tags": ("tags",), "people": ("people",), "places": ("places",),
    "aliases": ("aliases",), "sources": ("sources",), **dict.fromkeys(REST_FIELDS, ("rest",)),
    "earliest": ("earliest",), "latest": ("latest",), "precision": ("precision",),
}
PLACEHOLDERS = {"date_os": "NULL", "rest": "NULL", "earliest": "0", "latest": "0", "sources": "'[]'",
                **{name: "'[]'" for name in LIST_FIELDS}}


def event_columns(fields: Iterable[str] | None) -> str:
    """The column list for Event rows: every column, or only those the fields need (the rest as stand-ins)."""
    if fields is None:
        return EVENT_COLUMNS
    needed = {"id"}
    for f in fields:
        needed.update(FIELD_COLUMNS.get(f, ()))
    return ", ".join(c if c in needed else f"{PLACEHOLDERS.get(c, chr(39) * 2)} AS {c}"
                     for c in (c.strip() for c in EVENT_COLUMNS.split(",")))


def day_number(value: int) -> int | None:
    """The ordinal of an index day number, None for an open end (an SQL function: days between, --around)."""
    if value in (OPEN_EARLIEST, OPEN_LATEST):
        return None
    from chrono.dates.days import day_number as ordinal

    return ordinal(value)


def shift_day(value: int, amount: int, unit: str) -> int | None:
    """An index day number moved by days, months or years, None for an open end (an SQL function: --max-span)."""
    if value in (OPEN_EARLIEST, OPEN_LATEST):
        return None
    from chrono.dates.days import shift_ymd

    return shift_ymd(value, amount, unit)


def connect(path: str = ":memory:", readonly: bool = False) -> sqlite3.Connection:
    """An SQLite connection tuned for building or reading the index."""
    if readonly:
        uri = path.replace("%", "%25").replace("?", "%3F").replace("#", "%23")
        conn = sqlite3.connect(f"file:{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        # SQLite's default page cache (2 MB) and no memory mapping: a ranked search reads rows scattered
        # over the whole file, and a mapping would count every page around them as this process's memory
        # (600 MB for a million events), while a small cache that reuses its pages is as fast.
        conn.execute("PRAGMA temp_store=MEMORY")
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        # A 64 MB page cache; sorting for the indexes at the end spills to temporary files (not to memory),
        # so building takes the same memory at ten million events as at one million.
        conn.execute("PRAGMA cache_size=-65536")
        if path == ":memory:":
            conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def _weakly(method: Callable[[int | None], str | None]) -> Callable[[int | None], str | None]:
    """A function calling the method while its object lives (SQLite holds the function; the object, the connection)."""
    import weakref

    ref = weakref.WeakMethod(method)

    def call(loc: int | None) -> str | None:
        bound = ref()
        return bound(loc) if bound is not None else None

    return call


class Index:
    """Queries over a built index: filtered, searched and sorted events, facets and overview numbers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._meta: dict[str, str] | None = None
        self._chronology: Chronology | None = None
        self._summaries: Any = None
        self._sources_checked: set[str] = set()
        conn.create_function("cold", 1, _weakly(self._cold))  # no cycle: the index (and its files) can be let go
        conn.create_function("list_text", 1, list_text, deterministic=True)
        conn.create_function("day_number", 1, day_number, deterministic=True)
        conn.create_function("shift_day", 3, shift_day, deterministic=True)

    def _cold(self, loc: int | None) -> str | None:
        """A summary the index does not hold, read back from its chronology file (see cold.py)."""
        if self._summaries is None:
            from chrono.store.cold import Summaries

            self._summaries = Summaries.from_meta(self.meta)
        summary: str | None = self._summaries(loc)
        return summary

    @property
    def meta(self) -> dict[str, str]:
        """The meta table (but the files' states, which only a refresh reads: a block digest per megabyte)."""
        if self._meta is None:
            self._meta = dict(self.conn.execute("SELECT key, value FROM meta WHERE key != 'state'"))
        return self._meta

    @property
    def chronology(self) -> Chronology:
        """Title, description and declarations of the chronologies in the index."""
        if self._chronology is None:
            import json

            meta = self.meta
            info = json.loads(meta.get("chronology", "{}"))
            self._chronology = Chronology(
                title=info.get("title", ""), description=info.get("description", ""),
                version=info.get("version", ""), license=info.get("license", ""),
                sources=json.loads(meta.get("sources", "{}")), tags=json.loads(meta.get("tags", "{}")),
                eras=tuple(info.get("eras", ())),
            )
        return self._chronology

    @property
    def files(self) -> list[str]:
        """The files the index was built from."""
        import json

        files: list[str] = json.loads(self.meta.get("files", "[]"))
        return files

    # Selection -------------------------------------------------------------------------------

    def _facet_values(self, kind: str) -> list[str]:
        return [v for (v,) in self.conn.execute("SELECT value FROM facet_counts WHERE kind = ?", (kind,))]

    def check_tags(self, tags: Iterable[str]) -> dict[str, str]:
        """Map each requested tag to the stored tag (case-insensitive); unknown tags are a usage error."""
        tags = list(tags)
        out = {}
        for tag in tags:
            row = self.conn.execute("SELECT value FROM facet_counts WHERE kind = 'tag' AND value = ?",
                                    (tag,)).fetchone()
            if row is not None:
                out[tag] = row[0]
        missing = [t for t in tags if t not in out]
        if missing:
            known = {t.casefold(): t for t in self._facet_values("tag")}
            known.update({t.casefold(): t for t in self.chronology.tags if t.casefold() not in known})
            for tag in missing:
                hit = known.get(tag.casefold())
                if hit is None:
                    import difflib

                    close = difflib.get_close_matches(tag.casefold(), list(known), n=1, cutoff=0.6)
                    hint = f"; did you mean {known[close[0]]!r}?" if close else ""
                    raise UsageError(f"unknown tag {tag!r}{hint} (chrono tags lists the tags in use)")
                out[tag] = hit
        return out

    def _where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if filters.tags or filters.not_tags:
            import json

            stored = self.check_tags(filters.tags + filters.not_tags)
            # Lists are stored as JSON arrays, so '"tag"' appears in one exactly when the tag is an item.
            for tag in filters.tags:
                clauses.append("instr(e.tags, ?) > 0")
                params.append(json.dumps(stored[tag], ensure_ascii=False))
            for tag in filters.not_tags:
                clauses.append("instr(e.tags, ?) = 0")
                params.append(json.dumps(stored[tag], ensure_ascii=False))
        for column, names in (("people", filters.people), ("places", filters.places)):
            for name in names:
                words = Term(name, phrase=True).fts()
                clauses.append("e.n IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
                params.append("{" + column + " aliases} : " + words)
        low, high = ("earliest", "latest") if filters.within else ("latest", "earliest")
        if filters.start is not None:
            clauses.append(f"e.{low} >= ?")
            params.append(filters.start)
        if filters.end is not None:
            clauses.append(f"e.{high} <= ?")
            params.append(filters.end)
        if filters.max_span is not None:
            # An event is kept when its last day comes before its first day moved on by the span.
            amount, unit = filters.max_span
            if unit == "d":
                clauses.append("day_number(e.latest) - day_number(e.earliest) < ?")
                params.append(amount)
            else:
                clauses.append("e.latest < shift_day(e.earliest, ?, ?)")
                params.extend((amount, unit))
        if filters.month_day is not None:
            month, day = filters.month_day
            if filters.julian:
                clauses.append("e.os_md = ?")
            else:
                clauses.append("e.precision = 'day' AND (e.earliest % 10000 + 10000) % 10000 = ?")
            params.append(month * 100 + day)
        if filters.sources or filters.not_sources:
            self.check_sources(filters.sources + filters.not_sources)
            if filters.sources:
                any_of = [self._source_clause(v, params) for v in filters.sources]
                clauses.append("(" + " OR ".join(any_of) + ")")
            for value in filters.not_sources:
                clauses.append("NOT " + self._source_clause(value, params))
        if filters.certainty:
            # An event without a certainty field is "certain".
            clauses.append("coalesce(json_extract(e.rest, '$.certainty'), 'certain') IN ("
                           + ", ".join("?" * len(filters.certainty)) + ")")
            params.extend(filters.certainty)
        if filters.precision:
            clauses.append("e.precision IN (" + ", ".join("?" * len(filters.precision)) + ")")
            params.extend(filters.precision)
        if filters.account:
            clauses.append("coalesce(json_extract(e.rest, '$.account'), 'certain') IN ("
                           + ", ".join("?" * len(filters.account)) + ")")
            params.extend(filters.account)
        if filters.date_basis:
            # "seed": stated by a source (any key); "standard": from standard accounts; else that source's key.
            basis = "json_extract(e.rest, '$.date_basis')"
            any_of = [f"({basis} IS NOT NULL AND {basis} != 'standard')" if b == "seed" else f"{basis} = ?"
                      for b in filters.date_basis]
            clauses.append("(" + " OR ".join(any_of) + ")")
            params.extend(b for b in filters.date_basis if b != "seed")
        return clauses, params

    # Sources -----------------------------------------------------------------------------------

    def _source_clause(self, value: str, params: list[Any]) -> str:
        """SQL true for an event one of whose sources has the key value, or names it in its cite or title."""
        import json

        needle = value.strip().casefold()
        if needle.isascii():
            fold = "lower"
        else:
            # SQLite's lower() folds only ASCII letters; names in other scripts are folded by Python.
            self.conn.create_function("chrono_fold", 1, lambda t: t.casefold() if isinstance(t, str) else t,
                                      deterministic=True)
            fold = "chrono_fold"
        clause = (f"EXISTS (SELECT 1 FROM json_each(e.sources) j WHERE {fold}(json_extract(j.value, '$.source')) = ?"
                  f" OR instr({fold}(json_extract(j.value, '$.cite')), ?) > 0"
                  f" OR instr({fold}(json_extract(j.value, '$.title')), ?) > 0)")
        if json.dumps(needle, ensure_ascii=False)[1:-1] == needle:
            # The value appears in the stored JSON text as it is: a cheap test first, then the exact one.
            clause = f"(instr({fold}(e.sources), ?) > 0 AND {clause})"
            params.append(needle)
        params.extend((needle, needle, needle))
        return clause

    def check_sources(self, values: Iterable[str]) -> None:
        """Make sure each --source value is a declared key or matches some event; else a usage error with a hint."""
        checked = self._sources_checked
        declared = {k.casefold() for k in self.chronology.sources}
        for value in values:
            if value in checked or value.strip().casefold() in declared:
                continue
            if not value.strip():
                raise UsageError("--source needs a source key or a name, e.g. --source Khlevniuk (chrono sources "
                                 "lists the sources)")
            params: list[Any] = []
            clause = self._source_clause(value, params)
            if self.conn.execute(f"SELECT 1 FROM events e WHERE {clause} LIMIT 1", params).fetchone() is None:
                import difflib

                known = {n.casefold(): n for n in self.source_names()}
                close = difflib.get_close_matches(value.strip().casefold(), list(known), n=1, cutoff=0.6)
                hint = f"; did you mean {known[close[0]]!r}?" if close else ""
                raise UsageError(f"unknown source {value!r}{hint} (chrono sources lists the sources and "
                                 "chrono sources --works the historians' works they cite)")
            checked.add(value)

    def _cited(self, filters: Filters | None = None) -> sqlite3.Cursor:
        """(event row number, source key, cite, title) for every source entry of the matching events."""
        clauses, params = self._where(filters) if filters is not None else ([], [])
        where = " AND ".join(clauses) or "1"
        return self.conn.execute(
            "SELECT e.n, json_extract(j.value, '$.source'), json_extract(j.value, '$.cite'), "
            f"json_extract(j.value, '$.title') FROM events e, json_each(e.sources) j WHERE {where}", params)

    def source_names(self) -> list[str]:
        """Every value --source knows: declared and cited keys, historians named in citations, inline titles."""
        from chrono.store.query import cited_name

        names = dict.fromkeys(self.chronology.sources)
        for _, key, cite, title in self._cited():
            for name in (key, cited_name(cite) if isinstance(cite, str) else None, title):
                if isinstance(name, str) and name:
                    names[name] = None
        return list(names)

    def source_counts(self, filters: Filters) -> list[tuple[str | None, str | None, int]]:
        """(source key, inline title, number of matching events citing it), most cited first.

        Without selecting filters, declared sources that no event cites are listed too, with 0.
        """
        events: dict[tuple[str | None, str | None], set[int]] = {}
        for n, key, _, title in self._cited(filters._replace(limit=None, sort=None)):
            if isinstance(key, str):
                events.setdefault((key, None), set()).add(n)
            elif isinstance(title, str):
                events.setdefault((None, title), set()).add(n)
        if not filters.any:
            for key in self.chronology.sources:
                events.setdefault((key, None), set())
        rows = sorted(((k, t, len(ns)) for (k, t), ns in events.items()),
                      key=lambda r: (-r[2], (r[0] or r[1] or "").casefold()))
        return rows[: filters.limit] if filters.limit is not None else rows

    def cited_works(self, filters: Filters) -> list[tuple[str, str | None, int]]:
        """(work as cited, source key citing it, number of matching events), most cited first."""
        from chrono.store.query import cited_work

        events: dict[tuple[str, str | None], set[int]] = {}
        for n, key, cite, _ in self._cited(filters._replace(limit=None, sort=None)):
            work = cited_work(cite) if isinstance(cite, str) else ""
            if work:
                events.setdefault((work, key if isinstance(key, str) else None), set()).add(n)
        rows = sorted(((w, k, len(ns)) for (w, k), ns in events.items()),
                      key=lambda r: (-r[2], r[0].casefold(), r[1] or ""))
        return rows[: filters.limit] if filters.limit is not None else rows

    @staticmethod
    def _order(filters: Filters, ranked: bool, boost: str = "") -> str:
        desc = " DESC" if filters.reverse else ""
        if filters.centre is not None and not filters.sort:
            # Nearest first: the distance between the middle of the event's days and the middle of the centre's,
            # so that a day a week later comes before a year around it; open-ended events come last.
            from chrono.dates.days import day_number as ordinal

            c0, c1 = filters.centre
            middle = "(day_number(e.earliest) + day_number(e.latest)) / 2.0"
            distance = f"COALESCE(ABS({middle} - {(ordinal(c0) + ordinal(c1)) / 2!r}), 1e99)"
            return f"{distance}{desc}, e.earliest{desc}, e.latest{desc}, e.n{desc}"
        key = filters.sort or ("relevance" if ranked or boost else "date")
        if key == "count":
            return "NULL"
        if key == "relevance" and ranked:
            return f"rank * e.prior{boost}{desc}, e.earliest, e.latest, e.n"
        if key == "relevance" and boost:  # a search for years only: the events of those years first
            return f"-1.0{boost}{desc}, e.earliest, e.latest, e.n"
        if key == "title":
            return f"e.title COLLATE NOCASE{desc}, e.earliest, e.n"
        if key == "id":
            return f"e.id{desc}"
        return f"e.earliest{desc}, e.latest{desc}, e.n{desc}"

    def resolve(self, filters: Filters) -> Filters:
        """The filters with --around (a date, or an event id or prefix) made into a date range and a centre."""
        if filters.around is None:
            return filters
        from chrono.dates.days import shift, ymd

        first, last = self.centre_of(filters.around)
        amount, unit = filters.window
        start, end = ymd(shift(first, -amount, unit)), ymd(shift(last, amount, unit))
        if filters.start is not None:
            start = max(start, filters.start)
        if filters.end is not None:
            end = min(end, filters.end)
        return filters._replace(around=None, start=start, end=end, centre=(ymd(first), ymd(last)))

    def centre_of(self, text: str) -> tuple[Day, Day]:
        """The first and last day of what --around names: an event id, a date, or a unique id prefix."""
        from chrono.dates.edtf import DateError
        from chrono.dates.user import parse_user_date

        row = self.conn.execute("SELECT earliest, latest FROM events WHERE id = ?", (text,)).fetchone()
        if row is None:
            try:
                span = parse_user_date(text)
            except DateError:
                span = None
            if span is not None and span.earliest and span.latest:
                return span.earliest, span.latest
            found, _ = self.by_ids([text])
            if not found:
                raise UsageError(f"--around {text!r} is neither a date nor an event id; give a date such as "
                                 "1934-12-01 or an id (chrono list -f ids lists them)")
            row = (found[0].earliest_day, found[0].latest_day)
        first, last = row
        if first == OPEN_EARLIEST:
            first = last
        if last == OPEN_LATEST:
            last = first
        from chrono.dates.days import from_ymd

        return from_ymd(first), from_ymd(last)

    def select(self, filters: Filters, search: Search | None = None,
               columns: str | tuple[str, ...] = EVENT_COLUMNS) -> sqlite3.Cursor:
        """A cursor over the rows of the events that match, in order (columns: names, or a tuple of SQL)."""
        filters = self.resolve(filters)
        clauses, params = self._where(filters)
        ranked = search is not None and search.match() is not None
        if isinstance(columns, tuple):
            cols = ", ".join(columns)
        else:
            cols = ", ".join(c if " AS " in c else f"{SUMMARY} AS summary" if c == "summary" else f"e.{c}"
                             for c in (c.strip() for c in columns.split(",")))
        if ranked:
            assert search is not None
            weights = ", ".join(str(w) for w in WEIGHTS)
            sql = (f"SELECT {cols} FROM (SELECT rowid, bm25(fts, {weights}) AS rank FROM fts WHERE fts MATCH ?) f "
                   "JOIN events e ON e.n = f.rowid WHERE 1")
            params.insert(0, search.match())
        else:
            sql = f"SELECT {cols} FROM events e WHERE 1"
        if search is not None and search.exclusion():
            clauses.append("e.n NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(search.exclusion())
        if search is not None:
            more, values = search.clauses()
            clauses.extend(more)
            params.extend(values)
        for c in clauses:
            sql += f" AND {c}"
        sql += f" ORDER BY {self._order(filters, ranked, search.boost() if search else '')}"
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(min(filters.limit, MAX_LIMIT))
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise UsageError(f"cannot run this search ({exc}); quote unusual words, e.g. '\"c++\"'") from None

    def lines(self, filters: Filters, search: Search | None, fields: tuple[str, ...]) -> sqlite3.Cursor:
        """A cursor of (the fields as one tab-separated line, the event's row number), made by SQLite."""
        line = " || char(9) || ".join(text_column(f) for f in fields)
        return self.select(filters, search, columns=(f"{line} AS line", "e.n AS n"))

    def texts(self, n: int, fields: tuple[str, ...]) -> tuple[str, ...]:
        """The fields of one event as printed text (for a line whose fields need escaping)."""
        row: tuple[str, ...] = self.conn.execute(
            f"SELECT {', '.join(text_column(f) for f in fields)} FROM events e WHERE e.n = ?", (n,)).fetchone()
        return row

    def events(self, filters: Filters, search: Search | None = None,
               fields: Iterable[str] | None = None) -> Iterator[Event]:
        """The matching events, in order; with fields, only the columns those fields need are read."""
        make = Event._make
        for row in self.select(filters, search, columns=event_columns(fields)):
            yield make(row)

    def count(self, filters: Filters, search: Search | None = None) -> int:
        """How many events match (counted by SQLite, in no particular order)."""
        n: int = self.select(filters._replace(sort="count", limit=None), search, columns=("COUNT(*)",)).fetchone()[0]
        return n if filters.limit is None else min(n, filters.limit)

    def by_ids(self, ids: Iterable[str]) -> tuple[list[Event], list[str]]:
        """Events for ids, ids an event replaces, or unique id prefixes, and the ids not found; ambiguous prefixes
        are an error."""
        found: list[Event] = []
        missing: list[str] = []
        for wanted in ids:
            row = self.conn.execute(f"SELECT {FULL_COLUMNS} FROM events e WHERE id = ?", (wanted,)).fetchone()
            if row is None:
                row = self.replacement(wanted)
            if row is None:
                like = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = self.conn.execute(
                    f"SELECT {FULL_COLUMNS} FROM events e WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 6", (like,)
                ).fetchall()
                if len(rows) > 1:
                    names = ", ".join(r[0] for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
                    raise UsageError(f"id prefix {wanted!r} is ambiguous: {names}; type more of the id")
                row = rows[0] if rows else None
            if row is None:
                missing.append(wanted)
            else:
                found.append(Event._make(row))
        return found, missing

    def replacement(self, retired: str) -> tuple[Any, ...] | None:
        """The row of the event that replaces a retired id (its "replaces" names it), if any."""
        row: tuple[Any, ...] | None = self.conn.execute(
            f"SELECT {FULL_COLUMNS} FROM events e WHERE instr(e.rest, ?) > 0 AND EXISTS (SELECT 1 FROM "
            "json_each(json_extract(e.rest, '$.replaces')) j WHERE j.value = ?) LIMIT 1",
            (retired, retired)).fetchone()
        return row

    def suggest_id(self, wanted: str) -> str | None:
        """The known id closest to a mistyped one."""
        import difflib

        ids = [i for (i,) in self.conn.execute("SELECT id FROM events LIMIT 200000")]
        close = difflib.get_close_matches(wanted, ids, n=1, cutoff=0.6)
        return close[0] if close else None

    # Facets and overview ---------------------------------------------------------------------

    def facet_counts(self, kind: str, filters: Filters) -> list[tuple[str, int]]:
        """(value, number of matching events) for tags, people or places, most frequent first."""
        clauses, params = self._where(self.resolve(filters)._replace(limit=None, sort=None))
        if clauses:
            where = " AND ".join(clauses)
            sql = (f"SELECT j.value, COUNT(*) AS c FROM events e, json_each(e.{FACET_COLUMNS[kind]}) j "
                   f"WHERE {where} GROUP BY j.value ORDER BY c DESC, j.value COLLATE NOCASE")
        else:
            sql = ("SELECT value, count AS c FROM facet_counts WHERE kind = ? "
                   "ORDER BY c DESC, value COLLATE NOCASE")
            params = [kind]
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(min(filters.limit, MAX_LIMIT))
        return self.conn.execute(sql, params).fetchall()

    def overview(self) -> dict[str, Any]:
        """Numbers for the overview: event count, date span and the most used tags."""
        count, first, last = self.conn.execute(
            f"SELECT COUNT(*), MIN(NULLIF(earliest, {OPEN_EARLIEST})), MAX(NULLIF(latest, {OPEN_LATEST})) "
            "FROM events"
        ).fetchone()
        top = self.conn.execute(
            "SELECT value, count FROM facet_counts WHERE kind = 'tag' ORDER BY count DESC, value LIMIT 8"
        ).fetchall()
        return {"count": count, "first": first, "last": last, "top_tags": top}

    def vocabulary(self) -> list[str]:
        """The terms of the full-text index (stems), most frequent first, for suggestions (see search.suggest)."""
        try:
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")
        except sqlite3.OperationalError:
            return []
        return [t for (t,) in self.conn.execute("SELECT term FROM temp.vocab ORDER BY doc DESC LIMIT 500000")]
