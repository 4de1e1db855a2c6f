"""The data model: an Event (one record of a chronology) and the chronology's metadata."""

from __future__ import annotations

from typing import Any, NamedTuple

# The fields of the chronology format, in the order records are written.
FORMAT_FIELDS = (
    "id", "date", "date_os", "title", "summary", "tags", "people", "places", "aliases",
    "sources", "certainty", "account", "date_basis", "note", "alt_dates", "replaces", "extra",
)
# The fields an event keeps beyond the index's own columns (the row's rest), in the order records are written.
REST_FIELDS = ("certainty", "account", "date_basis", "note", "alt_dates", "replaces", "extra")
LIST_FIELDS = ("tags", "people", "places", "aliases")
# The index row: one event as the events table stores it, (name, SQL type) in column order. The checker builds
# rows in this order (read.check), the writer derives its table and inserts from it (store.writer).
INDEX_ROW: tuple[tuple[str, str], ...] = (
    ("n", "INTEGER PRIMARY KEY"), ("id", "TEXT NOT NULL"), ("date", "TEXT NOT NULL"), ("date_os", "TEXT"),
    ("earliest", "INTEGER NOT NULL"), ("latest", "INTEGER NOT NULL"), ("precision", "TEXT NOT NULL"),
    ("os_md", "INTEGER"), ("prior", "REAL NOT NULL"), ("title", "TEXT NOT NULL"), ("summary", "TEXT"),
    *((name, "TEXT NOT NULL") for name in LIST_FIELDS), ("sources", "TEXT NOT NULL"), ("rest", "TEXT"),
    ("loc", "INTEGER"),
)
ROW_FIELDS = tuple(name for name, _ in INDEX_ROW)
# A row's number n: its file's number above this many bits, so that rows added to one file keep their place.
FILE_SHIFT = 40
# A record's row number is at least the first of its megabyte's range of 2**BLOCK_ROWS (in its file's): numbers
# are left free between the megabytes, so that an edit can number the records it adds without renumbering all
# those after it.
BLOCK_ROWS = 20
# Positions in the row of the fields that code outside the writer reads.
ROW_ID, ROW_SUMMARY, ROW_TAGS, ROW_SOURCES, ROW_LOC = (ROW_FIELDS.index(f) for f in ("id", "summary", "tags", "sources",
                                                                                      "loc"))
# The full-text index's columns, with their bm25 weights: a title match counts most, then a person or place
# named in its field, then the summary and the other columns of a record (extra, all its text).
FTS_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 10.0), ("summary", 2.0), ("tags", 1.0), ("people", 4.0), ("places", 4.0), ("aliases", 1.0),
    ("extra", 2.0),
)
# Full-text columns that are not fields of the row, and the row field they are made from (writer.FTS_SQL).
FTS_DERIVED = {"extra": "rest"}
COMPUTED_FIELDS = ("earliest", "latest", "precision")
# certainty speaks of the date; account of the account itself (who, why, what exactly).
CERTAINTIES = ("disputed", "uncertain")
# A date_basis is a seed's source key (the date, at its precision, is stated by that seed) or this.
STANDARD = "standard"
# List items never contain ';', the separator of list fields in CSV.
LIST_SEP = ";"
# A spreadsheet reads a cell that begins with one of these as a formula (OWASP, "CSV injection"): CSV output
# puts a ' before such a cell, and reading CSV takes it away again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def json_list(value: str) -> tuple[str, ...]:
    """A list field as stored in the index (a JSON array of strings) as a tuple."""
    if len(value) <= 2:
        return ()
    if "\\" not in value:
        # Without escapes, '","' can only be the boundary between two items.
        return tuple(value[2:-2].split('","'))
    import json

    return tuple(json.loads(value))


def whole_number(text: str) -> int | None:
    """text as a number if it is ASCII digits only, else None (str.isdigit() also takes '²', which int() refuses)."""
    return int(text) if text.isascii() and text.isdigit() else None


def iso_day(ymd: int, open_value: int) -> str | None:
    """An index day number (YYYYMMDD, the year signed) as an ISO date (-0529-03-15 is 530 BC), None for an open end."""
    if ymd == open_value:
        return None
    year, month_day = divmod(ymd, 10000)
    return f"{'-' if year < 0 else ''}{abs(year):04d}-{month_day // 100:02d}-{month_day % 100:02d}"


# The day numbers of an open start and an open end: before and after every day a chronology can hold.
OPEN_EARLIEST = -(10**17)
OPEN_LATEST = 10**17


class Event(NamedTuple):
    """One event of a chronology, as stored in the index; list and JSON fields are decoded on access."""

    id: str
    date: str
    date_os: str | None
    title: str
    summary: str
    tags_text: str
    people_text: str
    places_text: str
    aliases_text: str
    sources_json: str
    rest_json: str | None
    earliest_day: int
    latest_day: int
    precision: str

    @property
    def tags(self) -> tuple[str, ...]:
        """The event's tags."""
        return json_list(self.tags_text)

    @property
    def people(self) -> tuple[str, ...]:
        """The people involved."""
        return json_list(self.people_text)

    @property
    def places(self) -> tuple[str, ...]:
        """The places where it happened."""
        return json_list(self.places_text)

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names and spellings, for search."""
        return json_list(self.aliases_text)

    @property
    def sources(self) -> tuple[dict[str, str], ...]:
        """The sources cited, each {"source": key, "cite": ...} or an inline {"title": ...}."""
        import json

        return tuple(json.loads(self.sources_json))

    @property
    def rest(self) -> dict[str, Any]:
        """certainty, note, alt_dates, and extra (the record's columns beyond the format)."""
        if not self.rest_json:
            return {}
        import json

        rest: dict[str, Any] = json.loads(self.rest_json)
        return rest

    @property
    def certainty(self) -> str | None:
        """disputed or uncertain: doubt about the date (sources disagree, or it is inferred)."""
        return self.rest.get("certainty")

    @property
    def account(self) -> str | None:
        """disputed or uncertain: doubt about the account itself (who, why, what exactly), not the date."""
        return self.rest.get("account")

    @property
    def date_basis(self) -> str | None:
        """Where the date comes from: the key of the source that states it, or "standard" (standard accounts)."""
        return self.rest.get("date_basis")

    @property
    def replaces(self) -> tuple[str, ...]:
        """Ids of events merged into this one, which still lead to it."""
        return tuple(self.rest.get("replaces", ()))

    @property
    def note(self) -> str | None:
        """Why the event is disputed or uncertain, or where its date comes from."""
        return self.rest.get("note")

    @property
    def alt_dates(self) -> tuple[dict[str, Any], ...]:
        """Other attested dates, each with its sources."""
        return tuple(self.rest.get("alt_dates", ()))

    @property
    def extra(self) -> dict[str, Any]:
        """Columns or keys of the record that are not fields of the format, kept as they were."""
        extra: dict[str, Any] = self.rest.get("extra", {})
        return extra

    @property
    def earliest(self) -> str | None:
        """The first day the date can mean (ISO), None for an open start."""
        return iso_day(self.earliest_day, OPEN_EARLIEST)

    @property
    def latest(self) -> str | None:
        """The last day the date can mean (ISO), None for an open end."""
        return iso_day(self.latest_day, OPEN_LATEST)

    def to_record(self, computed: bool = True) -> dict[str, Any]:
        """The event in the chronology format, plus earliest/latest/precision when computed."""
        out: dict[str, Any] = {"id": self.id, "date": self.date}
        if self.date_os is not None:
            out["date_os"] = self.date_os
        out["title"] = self.title
        out["summary"] = self.summary
        out["tags"] = list(self.tags)
        for name in ("people", "places", "aliases"):
            value = getattr(self, name)
            if value:
                out[name] = list(value)
        out["sources"] = list(self.sources)
        rest = self.rest
        for name in REST_FIELDS:
            if name in rest:
                out[name] = rest[name]
        if computed:
            out["earliest"] = self.earliest
            out["latest"] = self.latest
            out["precision"] = self.precision
        return out


class Chronology(NamedTuple):
    """What a chronology file says about itself: title, declared sources and tags (never mutated)."""

    title: str = ""
    description: str = ""
    version: str = ""
    license: str = ""
    sources: dict[str, dict[str, Any]] = {}  # noqa: RUF012 - a shared empty default, read only
    tags: dict[str, str] = {}  # noqa: RUF012
    eras: tuple[dict[str, str], ...] = ()  # named periods, each {"date": EDTF interval, "title": ...}

    def merged(self, other: Chronology) -> Chronology:
        """This chronology's metadata with another's declarations added."""
        return Chronology(
            title=self.title or other.title,
            description=self.description or other.description,
            version=self.version or other.version,
            license=self.license or other.license,
            sources={**other.sources, **self.sources},
            tags={**other.tags, **self.tags},
            eras=self.eras + tuple(e for e in other.eras if e not in self.eras),
        )


class LoadOptions(NamedTuple):
    """How files are read: column mapping, the order of numeric dates, skipping bad records, strictness, and the
    day (YYYYMMDD) before which days are read as Julian (Old Style)."""

    mapping: tuple[tuple[str, str], ...] = ()
    order: str | None = None
    skip_invalid: bool = False
    strict: bool = False
    julian_before: int | None = None

    def key(self) -> str:
        """The options that change what is loaded, as text for the cache key ('' for the defaults)."""
        if not (self.mapping or self.order or self.skip_invalid or self.julian_before is not None):
            return ""
        mapping = ",".join(f"{f}={c}" for f, c in self.mapping)
        key = f"map={mapping} order={self.order or ''} skip={int(self.skip_invalid)}"
        return key + (f" julian-before={self.julian_before}" if self.julian_before is not None else "")
