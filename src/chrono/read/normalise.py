"""From raw records to events: columns matched to fields, dates read as people write them, ids derived.

The readers give raw records (a JSON object, or a table row as {column: cell}); the normaliser maps
their keys to the fields of the chronology format by a table of synonyms (or the user's -m/--map),
recognises the TimelineJS sheet layout, reads human dates into EDTF with exactly the precision
written, splits list cells, keeps unknown columns under `extra`, and derives missing ids. What the
record then holds is checked by chrono.read.check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from chrono.dates.edtf import DateError, day_span
from chrono.errors import DataError
from chrono.model import FORMAT_FIELDS, LIST_FIELDS, OPEN_EARLIEST
from chrono.read.formats.base import Reader, type_name

# Names a column (or JSON key) may have for each field, matched ignoring case, spaces, '_' and '-';
# when several columns name one field, the one earliest in this table wins and the others go to extra.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "date": ("date", "when", "start", "start date", "year", "hdate", "begin"),
    "end": ("end", "end date", "until", "hdate end", "finish"),
    "date_os": ("date_os", "old style"),
    "title": ("title", "headline", "label", "event label", "item label", "event", "name"),
    "summary": ("summary", "description", "text", "notes"),
    "tags": ("tags", "tag", "category", "group", "type", "era"),
    "people": ("people", "person", "actors", "who"),
    "places": ("places", "place", "location", "country"),
    "aliases": ("aliases", "alias"),
    "sources": ("sources", "source", "citation", "link", "url"),
    "certainty": ("certainty",),
    "account": ("account",),
    "date_basis": ("date_basis", "date basis"),
    "note": ("note",),
    "alt_dates": ("alt_dates",),
    "replaces": ("replaces",),
    "extra": ("extra",),
}
MAPPABLE = tuple(f for f in FIELD_NAMES if f != "extra")
# The columns of a TimelineJS Google Sheet; a table with Year and Headline is read in this layout.
TIMELINEJS_COLUMNS = (
    "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date", "Headline",
    "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group", "Background",
)
_TIMELINEJS_FIELDS = {"headline": "title", "text": "summary", "group": "tags"}
_TIMELINEJS_PARTS = ("year", "month", "day", "endyear", "endmonth", "endday", "displaydate", "type")
CANONICAL = frozenset(FORMAT_FIELDS) | {"extra"}
SOURCE_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяії",
    "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i i".replace("_", "").split(" "),
    strict=True,
))
_DERIVED_SHAPE = re.compile(r"-\d+(?:-bc)?(?:-\d+)?$")
_INTEGER = re.compile(r"-?[0-9]+")
_EDTF_SHAPE = re.compile(r"[0-9X?~%.]+(?:-[0-9X?~%]+)*(?:/[0-9X?~%.]+(?:-[0-9X?~%]+)*)?")


def column_key(name: str) -> str:
    """A column name as it is matched: case, spaces, '_' and '-' do not matter."""
    return "".join(name.casefold().replace("_", " ").replace("-", " ").split())


def parse_mapping(pairs: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """-m/--map FIELD=COLUMN options as (field, column) pairs; raise ValueError naming a bad one."""
    out = []
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip():
            raise ValueError(f"{pair!r} is not FIELD=COLUMN; e.g. -m title=Headline")
        if field not in MAPPABLE:
            raise ValueError(f"unknown field {field!r} in {pair!r}; map one of: {', '.join(MAPPABLE)}")
        out.append((field, column.strip()))
    return tuple(out)


def csv_sources(text: str) -> list[dict[str, str]]:
    """A sources cell: entries separated by ';', each 'key', 'key: citation', a web address or a title."""
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        if part.lower().startswith(("https://", "http://")) and " " not in part:
            out.append({"url": part})
            continue
        key, sep, cite = part.partition(": ")
        if SOURCE_KEY_RE.fullmatch(key):
            out.append({"source": key, "cite": cite} if sep else {"source": key})
        else:
            out.append({"title": part})
    return out


def slug(title: str) -> str:
    """Lowercase ASCII words of a title joined by '-', at most about 50 characters ('' if none)."""
    text = "".join(_CYRILLIC.get(c, c) if c.isalnum() else " " for c in title.casefold())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text)
    out: list[str] = []
    for w in words:
        if out and len("-".join([*out, w])) > 50:
            break
        out.append(w[:50])
    return "-".join(out)


def strip_html(text: str) -> str:
    """Text of a TimelineJS cell: tags dropped, entities decoded, a line for each paragraph."""
    if "<" not in text and "&" not in text:
        return text.strip()
    from chrono.read.timelinejs import html_to_text

    return html_to_text(text)


class ColumnMap(NamedTuple):
    """How the keys of a record map to fields: key -> field, field -> key, extras, layout, notes."""

    fields: dict[str, str]
    keys: dict[str, str]
    extra: tuple[str, ...]
    timelinejs: bool
    renamed: tuple[tuple[str, str], ...]


def build_map(names: list[str], mapping: tuple[tuple[str, str], ...] = ()) -> tuple[ColumnMap, list[str]]:
    """The column map for these names, and the mapped columns (-m) that are not among them."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(column_key(name), name)
    fields: dict[str, str] = {}
    keys: dict[str, str] = {}

    def assign(name: str, field: str) -> None:
        fields[name] = field
        keys[field] = name

    missing: list[str] = []
    for field, column in mapping:
        found = by_key.get(column_key(column))
        if found is None:
            missing.append(column)
        elif found not in fields:
            assign(found, field)
    timelinejs = "year" in by_key and "headline" in by_key and "date" not in keys
    if timelinejs:
        for key in _TIMELINEJS_PARTS:
            if key in by_key and by_key[key] not in fields:
                assign(by_key[key], "tl:" + key)
        for key, field in _TIMELINEJS_FIELDS.items():
            if key in by_key and by_key[key] not in fields and field not in keys:
                assign(by_key[key], field)
        for key in ("time", "endtime", "media", "mediacredit", "mediacaption", "mediathumbnail", "background"):
            by_key.pop(key, None)
    for field, synonyms in FIELD_NAMES.items():
        if field in keys or (timelinejs and field in ("date", "end")):
            continue
        for synonym in synonyms:
            found = by_key.get(column_key(synonym))
            if found is not None and found not in fields:
                assign(found, field)
                break
    extra = tuple(n for n in names if n not in fields)
    renamed = tuple((n, f) for n, f in fields.items() if column_key(n) != column_key(f) and not f.startswith("tl:"))
    return ColumnMap(fields, keys, extra, timelinejs, renamed), missing


class Normalised(NamedTuple):
    """One record made into an event (or None), the day span of its date, and what was wrong with it."""

    record: dict[str, Any] | None
    span: tuple[int, int, str] | None
    problems: list[tuple[str | None, str]]
    columns: ColumnMap
    given_id: Any = None


IDENTITY = ColumnMap({}, {}, (), False, ())
# Where a slide's fields are, for the places of its problems.
SLIDE = ColumnMap({}, {"date": "start_date", "title": "text", "summary": "text", "tags": "group",
                       "id": "unique_id"}, (), False, ())
ID_SHAPE = re.compile(r"[a-z0-9][a-z0-9-]*")
_STRINGY = (*LIST_FIELDS, "sources", "alt_dates", "replaces")


def looks_derived(eid: str) -> bool:
    """Whether an id has the shape of a derived one (slug-YEAR, slug-YEAR-bc, with -N on a clash)."""
    return eid[-1:] in "0123456789c" and _DERIVED_SHAPE.search(eid) is not None


class Normaliser:
    """Turns raw records into events in the chronology format, file by file, remembering ids across files."""

    def __init__(self, mapping: tuple[tuple[str, str], ...] = (), order: str | None = None,
                 strict: bool = False, notes: Callable[[str], None] | None = None,
                 julian_before: int | None = None, exact_ids: bool = True) -> None:
        self.mapping = mapping
        # Whether given ids shaped like derived ones are remembered (memory that grows with the file), or only the
        # derived ones: then a derived id that a given one holds is an id used twice, and the caller reads again.
        self.exact_ids = exact_ids
        self.derived = 0
        self.order = order
        self.julian_before = julian_before
        self.mapped_found: set[str] = set()
        self.reported: set[str] = set()
        self.first_columns: tuple[str, list[str]] | None = None
        self.strict = strict
        self.notes = notes
        self.ids: set[str] = set()
        self.title: tuple[str, str] | None = None
        self._maps: dict[tuple[str, ...], ColumnMap] = {}
        self._reader: Reader | None = None
        self._table: ColumnMap | None = None

    def start(self, reader: Reader) -> None:
        """Begin a file."""
        self._reader = reader
        self._maps = {}
        self._table = None

    def _note(self, index: int, key: str, message: str) -> None:
        """Say how a cell was read, at its place (FILE:LINE:COL)."""
        assert self.notes is not None and self._reader is not None
        line, col = self._reader.where(index, key)
        self.notes(f"{self._reader.name}:{line}:{col}: {message}")

    def finish(self, reader: Reader) -> None:
        """End a file: a table with a header and no rows still needs a date and a title column."""
        if reader.tabular and self._table is None and reader.columns is not None:
            self._header(reader)

    def key_for(self, field: str) -> str:
        """The column (or key) of the current file that holds a field."""
        return self._table.keys.get(field, field) if self._table is not None else field

    def _header(self, reader: Reader) -> ColumnMap:
        """Map a table's header (once): it must name a date and a title."""
        names = reader.columns or []
        cmap, missing = build_map(names, self.mapping)
        self._found(missing, reader.name, names)
        for field in ("date", "title"):
            if field not in cmap.keys and not (field == "date" and cmap.timelinejs):
                mapped = [c for f, c in self.mapping if f == field and c in missing]
                if mapped:
                    self.reported.update(column_key(c) for c in mapped)
                    raise DataError([f"{reader.name}:1:1: no column named {mapped[0]!r} (from -m/--map); the "
                                     f"columns are: {', '.join(names)}"])
                if any(_is_date(n) for n in names):
                    raise DataError([f"{reader.name}:1:1: the first row looks like data, not a header; a table "
                                     "starts with a row naming its columns (date,title,...)"])
                raise DataError([f"{reader.name}:1:1: no {field} column; name one "
                                 f"{' or '.join(repr(n) for n in FIELD_NAMES[field])}, or map one with "
                                 f"-m {field}=COLUMN (the columns are: {', '.join(names)})"])
        if self.notes is not None:
            if cmap.timelinejs:
                self.notes(f"{reader.name}:1:1: columns read as a TimelineJS sheet")
            for name, field in cmap.renamed:
                self.notes(f"{reader.name}:1:{names.index(name) + 1}: column {name!r} read as {field}")
        self._table = cmap
        return cmap

    def _map_for(self, raw: dict[str, Any]) -> ColumnMap:
        reader = self._reader
        if reader is not None and reader.tabular:
            return self._table or self._header(reader)
        names = tuple(raw)
        cmap = self._maps.get(names)
        if cmap is None:
            cmap, missing = build_map(list(names), self.mapping)
            if self.mapping and reader is not None:
                self._found(missing, reader.name, list(names))
            if len(self._maps) < 1000:
                self._maps[names] = cmap
        return cmap

    def _found(self, missing: list[str], name: str, names: list[str]) -> None:
        """Note which columns of -m/--map a file (or record) has: -m applies to the files that have its column."""
        self.mapped_found.update(column_key(c) for _, c in self.mapping if c not in missing)
        if missing and self.first_columns is None:
            self.first_columns = (name, names)

    def unmapped(self) -> list[str]:
        """The -m/--map columns that no file read so far has (each an error: the mapping applies to nothing)."""
        return [c for _, c in self.mapping if column_key(c) not in self.mapped_found | self.reported]

    def event(self, raw: Any, index: int) -> Normalised:
        """One raw record as an event record, with the day span of its date."""
        if type(raw) is not dict:
            return Normalised(None, None, [(None, f"an event must be an object, not {type_name(raw)}")], IDENTITY)
        problems: list[tuple[str | None, str]] = []
        given_id = raw.get("id")
        read_from = None
        if self.strict and not (self._reader and self._reader.tabular):
            for field in _STRINGY:
                if type(raw.get(field)) is str:
                    what = {"sources": "an array of sources", "alt_dates": "an array"}.get(field, "an array of strings")
                    problems.append((field, f"{field} must be {what}, not a string (--strict)"))
        tabular = self._reader is not None and self._reader.tabular
        if not self.mapping and raw.keys() <= CANONICAL and not tabular and \
                all(type(raw.get(f)) is not str for f in _STRINGY):
            rec, cmap = raw, IDENTITY
        elif not tabular and (type(raw.get("start_date")) is dict or type(raw.get("text")) is dict):
            rec, cmap = self._slide(raw, problems), SLIDE
            given_id = rec.get("id")
        else:
            cmap = self._map_for(raw)
            renamed, read_from = self._rename(raw, cmap, problems)
            if renamed is None:
                return Normalised(None, None, problems, cmap)
            rec = renamed
            given_id = rec.get("id")
        span = self._date(rec, cmap, index, read_from, problems)
        if "id" not in rec and span is not None:
            title = rec.get("title")
            if type(title) is str and title.strip():
                if self.strict:
                    problems.append((None, 'missing required field "id" (--strict wants explicit ids)'))
                else:
                    derived = rec["id"] = self._derive_id(title, span, index, cmap)
                    self.ids.add(derived)
                    self.derived += 1
        eid = rec.get("id")
        if type(eid) is str and self.exact_ids:
            self.remember(eid)
        return Normalised(rec, span, problems, cmap, given_id)

    def _slide(self, raw: dict[str, Any], problems: list[tuple[str | None, str]]) -> dict[str, Any]:
        """A TimelineJS slide as an event: its date from the date objects, or the same days written more exactly."""
        from chrono.read.timelinejs import read_slide

        slide = read_slide(raw)
        rec = slide.record
        if slide.date_problem:
            problems.append(("date", f"start_date: {slide.date_problem}"))
            return rec
        for better in (slide.exported_date, slide.display):
            if better is None:
                continue
            try:
                from chrono.dates.humandates import read_date

                reading = read_date(better, self.order)
            except DateError:
                continue
            if _same_days(reading.edtf, rec["date"]):
                rec["date"] = reading.edtf
                if reading.date_os:
                    rec.setdefault("date_os", reading.date_os)
                break
        if slide.unique_id is not None and "id" not in rec and ID_SHAPE.fullmatch(slide.unique_id):
            rec["id"] = slide.unique_id
        elif slide.unique_id is not None and slide.unique_id != rec.get("id"):
            rec.setdefault("extra", {})["unique_id"] = slide.unique_id
        return rec

    def remember(self, eid: str) -> None:
        """Note an id that a derived id must not repeat (only ids shaped like derived ones)."""
        if looks_derived(eid):
            self.ids.add(eid)

    def _rename(self, raw: dict[str, Any], cmap: ColumnMap,
                problems: list[tuple[str | None, str]]) -> tuple[dict[str, Any] | None, str | None]:
        """The record under the format's field names, extras gathered, lists split; and what its date was read from."""
        rec: dict[str, Any] = {}
        parts: dict[str, Any] = {}
        fields = cmap.fields
        extra: dict[str, Any] = {}
        for key, value in raw.items():
            field = fields.get(key)
            if field is None:
                extra[key] = value
            elif field.startswith("tl:"):
                parts[field[3:]] = value
            else:
                rec[field] = value
        if "extra" in rec:
            given = rec.pop("extra")
            if type(given) is str and given.lstrip().startswith("{"):
                import json

                try:
                    given = json.loads(given)
                except ValueError:
                    pass
            if type(given) is dict:
                extra = {**given, **extra}
            else:
                extra[cmap.keys["extra"]] = given
        if extra:
            rec["extra"] = extra
        read_from = None
        if cmap.timelinejs:
            if str(parts.get("type", "")).strip().lower() == "title":
                self.title = (strip_html(str(rec.get("title", ""))), strip_html(str(rec.get("summary", ""))))
                return None, None
            for field in ("title", "summary"):
                if type(rec.get(field)) is str:
                    rec[field] = strip_html(rec[field])
            if "type" in parts:
                rec.setdefault("extra", {})[cmap.keys["tl:type"]] = parts["type"]
            read_from = self._sheet(rec, parts, cmap, problems)
        elif "end" in rec:
            read_from = self._join_end(rec, problems)
        for field in (*LIST_FIELDS, "replaces"):
            value = rec.get(field)
            if type(value) is str:
                rec[field] = [v.strip() for v in value.split(";") if v.strip()]
        value = rec.get("sources")
        if type(value) is str:
            rec["sources"] = csv_sources(value)
        value = rec.get("alt_dates")
        if type(value) is str and value.lstrip().startswith("["):
            import json

            try:
                rec["alt_dates"] = json.loads(value)
            except ValueError:
                problems.append(("alt_dates", 'alt_dates must be a JSON array such as [{"date": "1934", '
                                              '"sources": ["key"]}]'))
        return rec, read_from

    def _sheet(self, rec: dict[str, Any], parts: dict[str, Any], cmap: ColumnMap,
               problems: list[tuple[str | None, str]]) -> str | None:
        """The date of a TimelineJS row from its parts, or from its Display Date when that names the same days."""
        start = _sheet_date(parts, "", cmap, problems)
        end = _sheet_date(parts, "end", cmap, problems) if "endyear" in parts or "endmonth" in parts else ""
        if start is None or end is None:
            rec["date"] = None
            return None
        date = f"{start}/{end}" if end else start
        described = ", ".join(f"{cmap.keys['tl:' + k]} {str(parts[k]).strip()}" for k in _TIMELINEJS_PARTS[:6]
                              if str(parts.get(k) or "").strip())
        display = parts.get("displaydate")
        if type(display) is str and display.strip():
            from chrono.dates.humandates import read_date

            try:
                reading = read_date(display, self.order)
            except DateError:
                reading = None
            if reading is not None and _same_days(reading.edtf, date):
                rec["date"] = reading.edtf
                if reading.date_os:
                    rec.setdefault("date_os", reading.date_os)
                return f"{described} ({display!r})"
            rec.setdefault("extra", {})[cmap.keys["tl:displaydate"]] = display
        rec["date"] = date
        return described

    def _join_end(self, rec: dict[str, Any], problems: list[tuple[str | None, str]]) -> str | None:
        """Start and end columns as one interval."""
        end = rec.pop("end")
        start = rec.get("date")
        if type(start) is not str or type(end) is not str:
            if start is None:
                problems.append(("end", "an end date needs a start date in the date column"))
            elif type(end) is not str:
                problems.append(("end", f"end must be a date string, not {type_name(end)}"))
            return None
        from chrono.dates.humandates import read_range

        try:
            reading = read_range(start, end, self.order)
        except DateError as exc:
            problems.append(("date", f"{start!r} to {end!r}: {exc}"))
            rec["date"] = None
            return None
        rec["date"] = reading.edtf
        if reading.date_os:
            rec.setdefault("date_os", reading.date_os)
        return f"{start!r} to {end!r}"

    def _date(self, rec: dict[str, Any], cmap: ColumnMap, index: int, read_from: str | None,
              problems: list[tuple[str | None, str]]) -> tuple[int, int, str] | None:
        """The day span of the record's date, reading a human date into EDTF first."""
        date = rec.get("date")
        if date is None and problems:
            return None  # what was wrong with the date is said already (a sheet's or a slide's date parts)
        if type(date) is int and 1 <= date <= 9999:
            if self.strict:
                problems.append(("date", f'date must be a string such as "{date:04d}", not a number (--strict)'))
                return None
            read_from, date = str(date), f"{date:04d}"
            rec["date"] = date
        if type(date) is not str:
            if "date" not in rec:
                problems.append((None, 'missing required field "date"'))
            elif date is None:
                problems.append(("date", 'date is null; give a date such as "1934-12-01" or "530 BC"'))
            else:
                problems.append(("date", f"date must be a string, not {type_name(date)}"))
            return None
        try:
            span = day_span(date)
        except DateError as exc:
            from chrono.dates.humandates import read_date

            edtf_error = exc
            try:
                reading = read_date(date, self.order)
            except DateError as exc:
                # Text shaped like EDTF gets the EDTF reason (month 13, day 30 of February), other text the reader's.
                problems.append(("date", f"date {date!r}: {edtf_error if _EDTF_SHAPE.fullmatch(date) else exc}"))
                return None
            read_from = repr(date)
            date = rec["date"] = reading.edtf
            if reading.time:
                extra = rec.setdefault("extra", {})
                if type(extra) is dict:
                    extra.setdefault("time", reading.time)
            if reading.date_os:
                if rec.get("date_os", reading.date_os) != reading.date_os:
                    problems.append(("date_os", f"date {read_from} is Old Style {reading.date_os}, but date_os "
                                                f"says {rec['date_os']!r}; keep one"))
                rec["date_os"] = reading.date_os
            span = day_span(date)
        if self.julian_before is not None and "date_os" not in rec and span[2] in ("day", "interval"):
            from chrono.dates.calendars import as_julian

            converted = as_julian(date, self.julian_before)
            if converted is not None:
                read_from = read_from or repr(date)
                date, rec["date_os"] = converted
                rec["date"] = date
                span = day_span(date)
        if read_from is not None:
            if self.strict:
                problems.append(("date", f"date {read_from} is not in the format; write it as {date} "
                                         "(--strict wants EDTF dates)"))
            elif self.notes is not None and self._reader is not None:
                os_text = f" (Old Style {rec['date_os']})" if rec.get("date_os") else ""
                self._note(index, cmap.keys.get("date", "date"), f"{read_from} read as {date}{os_text}")
        return span

    def _derive_id(self, title: str, span: tuple[int, int, str], index: int, cmap: ColumnMap) -> str:
        """A stable id: the title's slug and the start year, with -2, -3 for clashes in file order."""
        year = (span[0] if span[0] != OPEN_EARLIEST else span[1]) // 10000
        base = f"{slug(title) or 'event'}-{year if year > 0 else f'{1 - year}-bc'}"
        eid = base
        n = 1
        while eid in self.ids:
            n += 1
            eid = f"{base}-{n}"
        if self.notes is not None and self._reader is not None:
            self._note(index, cmap.keys.get("title", "title"), f"id {eid} derived from the title and year")
        return eid


def _sheet_date(parts: dict[str, Any], prefix: str, cmap: ColumnMap,
                problems: list[tuple[str | None, str]]) -> str | None:
    """EDTF for a TimelineJS sheet's Year/Month/Day (or End Year/...) cells, with only the parts given.

    Years are TimelineJS's: -500 is 500 BCE (there is no year 0), stored as -0499.
    """
    from chrono.read.timelinejs import date_edtf

    values: dict[str, int] = {}
    for name, low, high in (("year", None, None), ("month", 1, 12), ("day", 1, 31)):
        value = parts.get(prefix + name)
        column = cmap.keys.get(f"tl:{prefix}{name}", name)
        if value is None or (type(value) is str and not value.strip()):
            continue
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not _INTEGER.fullmatch(text) or (low is not None and high is not None and not low <= int(text) <= high) \
                or text == "0":
            what = "years (negative for BCE, no year 0)" if name == "year" else f"{name}s {low} to {high}"
            problems.append(("tl:" + prefix + name, f"{column} {text!r} is not a number of {what}"))
            return None
        values[name] = int(text)
    if "year" not in values:
        problems.append(("tl:year" if not prefix else "tl:endyear",
                         f"{cmap.keys.get('tl:' + prefix + 'year', 'Year')} is empty; a row needs a year"))
        return None
    if "day" in values and "month" not in values:
        problems.append(("tl:" + prefix + "day", f"{cmap.keys.get('tl:' + prefix + 'day')} gives a day but no month"))
        return None
    try:
        text = date_edtf(values)
        day_span(text)
    except (ValueError, DateError) as exc:
        problems.append(("tl:" + prefix + "day", f"{exc}"))
        return None
    return text


def _is_date(text: str) -> bool:
    try:
        day_span(text.strip())
    except DateError:
        return False
    return True


def _same_days(read: str, parts: str) -> bool:
    """Whether a display date names the days of a sheet row's or slide's date parts.

    A value with an open end (from spring 1930) has only its known end in the parts, written from its first
    day (the month 3 of a spring): then the first days must agree.
    """
    try:
        if day_span(read)[:2] == day_span(parts)[:2]:
            return True
        start, _, end = read.partition("/")
        if "/" in parts or ".." not in (start, end):
            return False
        return day_span(end if start == ".." else start)[0] == day_span(parts)[0]
    except DateError:
        return False
