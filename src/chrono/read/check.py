"""Checking events and turning them into index rows: the lenient rules, and the curated ones of --strict.

Lenient (loading any chronology): a date and a title are required; every other field is optional but,
when present, must have its type (lists of strings, sources, a certainty chrono knows, alt_dates).
Strict (`chrono validate --strict`, which the bundled chronology passes): explicit ids and EDTF dates
(checked by the normaliser), a summary, at least one tag, each declared in the file's "tags", and at
least one source naming a source declared in its "sources".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from chrono.dates.calendars import check_old_style
from chrono.dates.edtf import DateError, day_span
from chrono.model import BLOCK_ROWS, CERTAINTIES, LIST_FIELDS, LIST_SEP, STANDARD
from chrono.read.formats.base import LENGTH_BITS, OFFSET_BITS, type_name
from chrono.read.formats.plain import FIELDS, compact_list, compact_sources

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
# The fields of a source entry that chrono reads (each a string); any other key is kept as it is.
SOURCE_FIELDS = ("source", "cite", "title", "url")
SOURCE_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
# An event cited by several independent sources ranks higher: bm25 * (1 + PRIOR_WEIGHT * ln(sources)).
PRIOR_WEIGHT = 0.5
# Tags, people and places are counted per distinct list while there are at most this many lists of each.
MAX_COUNTED_ARRAYS = 50_000
_QUICK_KEYS = frozenset(("id", "date", "title", "summary", *LIST_FIELDS, "sources"))
_KNOWN = _QUICK_KEYS | {"date_os"}
# Where in a packed location (formats.base.pack) the record's megabyte is: its offset's bits above 20.
_BLOCK_AT = LENGTH_BITS + 20
_BLOCK_MASK = (1 << (OFFSET_BITS - 20)) - 1
_ID_MATCH = ID_RE.fullmatch
_KEY_MATCH = SOURCE_KEY_RE.fullmatch

Problems = list[tuple[str | None, str]]


def summary_text(value: Any) -> str:
    """A summary as the index keeps it: text, and a summary of only spaces is none (a table's blank cell)."""
    return value if type(value) is str and value and not value.isspace() else ""


def _list_problems(key: str, value: Any) -> Problems:
    if type(value) is not list:
        return [(key, f"{key} must be an array of strings, not {type_name(value)}")]
    out: Problems = []
    for i, item in enumerate(value):
        if type(item) is not str:
            out.append((key, f"{key}[{i}] must be a string, not {type_name(item)}"))
        elif not item.strip():
            out.append((key, f"{key}[{i}] is empty"))
        elif LIST_SEP in item:
            out.append((key, f"{key}[{i}] {item!r} contains ';', which separates list items; split it"))
    return out


def _list(value: Any, key: str, problems: Problems, encode: Callable[[Any], str]) -> str:
    """A list field as the JSON array the index stores ('[]' when absent or empty), or a problem."""
    if value is None or value == []:
        return "[]"
    if type(value) is list:
        try:
            joined = LIST_SEP.join(value)
        except TypeError:
            joined = ""
        if joined and joined.count(LIST_SEP) == len(value) - 1:
            for item in value:
                if not item or item.isspace():
                    break
            else:
                if joined.isprintable() and '"' not in joined and "\\" not in joined:
                    return '["' + joined.replace(LIST_SEP, '","') + '"]'
                return encode(value)
    problems.extend(_list_problems(key, value))
    return "[]"


def _text(rec: dict[str, Any], key: str, problems: Problems, required: bool) -> str:
    value = rec.get(key)
    if type(value) is str:
        if required and (not value or value.isspace()):
            problems.append((key, f"{key} is empty"))
        return value
    if value is None:
        if required:
            problems.append((key, f"{key} is null; give it as text") if key in rec else
                            (None, f'missing required field "{key}"'))
        return ""
    problems.append((key, f"{key} must be a string, not {type_name(value)}"))
    return ""


def _sources(value: Any, where: str, problems: Problems) -> list[dict[str, str]]:
    if value is None:
        return []
    if type(value) is not list:
        problems.append((where, f"{where} must be an array of sources, not {type_name(value)}"))
        return []
    out = []
    for i, entry in enumerate(value):
        if type(entry) is str:
            entry = {"source": entry} if _KEY_MATCH(entry) else {"title": entry}
        elif type(entry) is not dict:
            problems.append((where, f"{where}[{i}] must be an object such as {{\"source\": \"key\"}}, "
                                    f"not {type_name(entry)}"))
            continue
        for k in SOURCE_FIELDS:
            if k in entry and type(entry[k]) is not str:
                problems.append((where, f"{where}[{i}].{k} must be a string"))
                break
        if entry.get("source") is None and not entry.get("title") and not entry.get("url"):
            problems.append((where, f"{where}[{i}] needs \"source\" (a declared source key), \"title\" or \"url\""))
        out.append(entry)
    return out


def _quick_sources(value: Any) -> str | None:
    """The JSON of a sources list in the usual shape (objects of plain strings with a key or title), else None."""
    if type(value) is not list or not value:
        return None
    parts = []
    for entry in value:
        if type(entry) is not dict:
            return None
        key = entry.get("source")
        if key is None:
            if not entry.get("title"):
                return None
        elif type(key) is not str:
            return None
        try:
            body = '","'.join([k + '":"' + v for k, v in entry.items()])
        except TypeError:
            return None
        # Plain strings need no escapes: printable, no backslash, and no quotes but those put in here.
        if not body.isprintable() or "\\" in body or body.count('"') != 4 * len(entry) - 2:
            return None
        parts.append('{"' + body + '"}')
    return "[" + ",".join(parts) + "]"


def _prior(sources: list[dict[str, str]]) -> float:
    """How much an event's rank is raised for being cited by several distinct sources."""
    distinct = len({s.get("source") or s.get("title") for s in sources})
    return 1.0 + PRIOR_WEIGHT * math.log(distinct) if distinct > 1 else 1.0


def _encode_sources(sources: list[dict[str, str]], encode: Callable[[Any], str]) -> str:
    return _quick_sources(sources) or encode(sources)


def _alt_dates(value: Any, problems: Problems) -> None:
    if type(value) is not list:
        problems.append(("alt_dates", f"alt_dates must be an array, not {type_name(value)}"))
        return
    for i, alt in enumerate(value):
        where = f"alt_dates[{i}]"
        if type(alt) is not dict:
            problems.append(("alt_dates", f"{where} must be an object {{\"date\": ..., \"sources\": [...]}}"))
            continue
        d = alt.get("date")
        if type(d) is not str:
            problems.append(("alt_dates", f"{where}.date must be a date string"))
        else:
            try:
                day_span(d)
            except DateError as exc:
                problems.append(("alt_dates", f"{where}.date {d!r}: {exc}"))
        if "note" in alt and type(alt["note"]) is not str:
            problems.append(("alt_dates", f"{where}.note must be a string"))
        _sources(alt.get("sources"), f"{where}.sources", problems)


class Declarations:
    """For --strict: the tags and source keys a file uses that it has not declared (yet), and where."""

    def __init__(self) -> None:
        self.uses: list[tuple[tuple[int, int], str, str, str]] = []
        self.without_basis: list[tuple[tuple[int, int], str]] = []

    def note(self, where: Callable[[str], tuple[int, int]], eid: str, tags: list[str],
             sources: list[dict[str, str]], alt_dates: Any, declared_tags: dict[str, Any] | None,
             declared_sources: dict[str, Any] | None, date_basis: Any = None) -> None:
        """Remember the tags and source keys of one event that are not declared so far, with their places, and
        whether it says where its date comes from."""
        if date_basis is None:
            self.without_basis.append((where("id"), eid))
        keys = [s.get("source") for s in sources]
        if type(alt_dates) is list:
            keys += [s.get("source") for a in alt_dates if type(a) is dict and type(a.get("sources")) is list
                     for s in a["sources"] if type(s) is dict]
        for field, values, declared in (("tags", tags, declared_tags), ("sources", keys, declared_sources)):
            for value in values:
                if type(value) is str and value not in (declared or ()):
                    self.uses.append((where(field), eid, field, value))

    def problems(self, tags: dict[str, Any] | None, sources: dict[str, Any] | None,
                 ) -> list[tuple[tuple[int, int], str, str]]:
        """(place, id, message) for every tag or source used but not declared by the end of the file, and, in a
        chronology that declares its sources, for every event that does not say where its date comes from."""
        out = []
        if sources:
            out += [(place, eid, 'no "date_basis": say which cited source states the date, or "standard" (--strict)')
                    for place, eid in self.without_basis]
        for place, eid, field, value in self.uses:
            if field == "tags" and value not in (tags or {}):
                out.append((place, eid, f"tag {value!r} is not declared in \"tags\"; declare it or use a "
                                        "declared tag (--strict)"))
            elif field == "sources" and value not in (sources or {}):
                out.append((place, eid, f"source {value!r} is not declared in \"sources\"; declare it or "
                                        "fix the key (--strict)"))
        return out


class Checker:
    """Validates events and turns them into index rows; counts tags, people and places as it goes."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.n = 0  # rows made
        self.base = 0  # the number before the first row of the file being read (see model.FILE_SHIFT)
        self.at = 0  # the number of the last row made
        # How many events carry each list value, counted per distinct stored array and expanded at the end.
        self.tag_arrays: dict[str, int] = {}
        self.people_arrays: dict[str, int] = {}
        self.place_arrays: dict[str, int] = {}
        self.overflow = False

    def check(self, rec: dict[str, Any], span: tuple[int, int, str] | None, loc: int | None = None,
              ) -> tuple[tuple[Any, ...] | None, Problems]:
        """One normalised record: its events-table row (loc: where to read its summary back), or the problems."""
        problems: Problems = []
        get = rec.get
        encode = self.encode
        strict = self.strict
        eid = get("id")
        if eid is not None and (type(eid) is not str or not _ID_MATCH(eid)):
            if type(eid) is not str:
                problems.append(("id", f"id must be a string, not {type_name(eid)}"))
            else:
                problems.append(("id", f"id {eid!r} must be lowercase letters, digits and '-', starting with a "
                                       "letter or digit (e.g. kirov-assassinated)"))
        title = get("title")
        if type(title) is not str or not title or title.isspace():
            title = _text(rec, "title", problems, True)
        summary = get("summary")
        if type(summary) is not str or (strict and (not summary or summary.isspace())):
            summary = _text(rec, "summary", problems, strict)
        summary = summary_text(summary)
        date = get("date")
        date_os = get("date_os")
        os_md = None
        if date_os is not None:
            if type(date_os) is not str:
                problems.append(("date_os", f"date_os must be a string, not {type_name(date_os)}"))
            elif span is not None:
                try:
                    why = check_old_style(date_os, str(date))
                except DateError as exc:
                    why = f"date_os {date_os!r}: {exc}"
                if why:
                    problems.append(("date_os", why))
                elif len(date_os) == 10:
                    os_md = int(date_os[5:7]) * 100 + int(date_os[8:10])
        tag_list = get("tags")
        tags = _list(tag_list, "tags", problems, encode)
        value = get("people")
        people = "[]" if value is None else _list(value, "people", problems, encode)
        value = get("places")
        places = "[]" if value is None else _list(value, "places", problems, encode)
        value = get("aliases")
        aliases = "[]" if value is None else _list(value, "aliases", problems, encode)
        value = get("sources")
        sources_json = _quick_sources(value)
        sources: list[dict[str, Any]]
        if sources_json is None:
            sources = _sources(value, "sources", problems)
            if not problems:
                sources_json = _encode_sources(sources, encode)
        else:
            sources = value or []  # a list of plain entries (_quick_sources said so)
        rest: dict[str, Any] | None = None
        if not rec.keys() <= _KNOWN:
            rest = self._rest(rec, problems)
        if strict:
            self._curated(rec, tags, sources, problems)
        if problems or span is None:
            return None, problems
        prior = _prior(sources) if len(sources) > 1 else 1.0
        if not self.overflow:
            self._count(tags, people, places)
        return (  # in the order of model.ROW_FIELDS
            self.number(loc), eid, date, date_os, span[0], span[1], span[2], os_md, prior, title, summary,
            tags, people, places, aliases, sources_json, encode(rest) if rest else None, loc,
        ), problems

    def quick(self, raw: Any, loc: int | None) -> tuple[Any, ...] | None:
        """The row of a record already in the format's plain shape, as check() would make it; None otherwise.

        The common case of a large file, checked with less work: an object of the format's basic fields,
        an explicit id, a date the index reads at once, lists of plain strings and plain sources. Anything
        else (and every problem) is left to the normaliser and check().
        """
        if type(raw) is not dict or not raw.keys() <= _QUICK_KEYS:
            return None
        get = raw.get
        eid = get("id")
        title = get("title")
        date = get("date")
        summary = get("summary", "")
        if type(eid) is not str or type(title) is not str or type(date) is not str or type(summary) is not str \
                or not _ID_MATCH(eid) or not title or title.isspace() or summary.isspace():
            return None
        try:
            span = day_span(date)
        except DateError:
            return None
        lists = []
        for key in LIST_FIELDS:
            value = get(key)
            if value is None or value == []:
                lists.append("[]")
                continue
            if type(value) is not list:
                return None
            try:
                joined = LIST_SEP.join(value)
            except TypeError:
                return None
            if joined.count(LIST_SEP) != len(value) - 1 or "" in value or not joined.isprintable() or '"' in joined \
                    or "\\" in joined or any(map(str.isspace, value)):
                return None
            lists.append('["' + joined.replace(LIST_SEP, '","') + '"]')
        sources = get("sources")
        if sources is None or sources == []:
            sources_json = "[]"
            prior = 1.0
        else:
            quick_json = _quick_sources(sources)
            if quick_json is None:
                return None
            sources_json = quick_json
            prior = _prior(sources) if len(sources) > 1 else 1.0
        tags, people, places, aliases = lists
        return self._plain_row(eid, date, span, prior, title, summary, tags, people, places, aliases, sources_json,
                               loc)

    def quick_plain(self, match: re.Match[str], loc: int | None) -> tuple[Any, ...] | None:
        """The row of an event matched in its JSON text (see formats.plain), as quick() would make it; or None."""
        eid, date, title, summary, tags, people, places, aliases, sources = match.group(*FIELDS)
        if not title or title.isspace() or summary and summary.isspace():
            return None
        texts = f"{tags}{people}{places}{aliases}{sources}"
        if not texts.isascii() and not texts.isprintable():
            return None
        try:
            span = day_span(date)
        except DateError:
            return None
        tags = compact_list(tags) if tags else "[]"
        people = compact_list(people) if people else "[]"
        places = compact_list(places) if places else "[]"
        aliases = compact_list(aliases) if aliases else "[]"
        if sources is None or sources == "[]":
            sources = "[]"
            prior = 1.0
        else:
            sources = compact_sources(sources)
            prior = _prior(json.loads(sources)) if sources.count("{") > 1 else 1.0
        return self._plain_row(eid, date, span, prior, title, summary or "", tags, people, places, aliases, sources,
                               loc)

    def _plain_row(self, eid: str, date: str, span: tuple[int, int, str], prior: float, title: str, summary: str,
                   tags: str, people: str, places: str, aliases: str, sources: str, loc: int | None,
                   ) -> tuple[Any, ...]:
        """The row of a quick event (no Old Style date, no other fields), counted."""
        if not self.overflow:
            self._count(tags, people, places)
        # In the order of model.ROW_FIELDS.
        return (self.number(loc), eid, date, None, span[0], span[1], span[2], None, prior, title, summary,
                tags, people, places, aliases, sources, None, loc)

    def number(self, loc: int | None) -> int:
        """The next row's number: one after the last, or the first of its record's megabyte if that is more."""
        self.n += 1
        at = self.at + 1
        if loc is not None:
            first = self.base + (((loc >> _BLOCK_AT) & _BLOCK_MASK) << BLOCK_ROWS)
            if first > at:
                at = first
        self.at = at
        return at

    def _count(self, tags: str, people: str, places: str) -> None:
        counter = self.tag_arrays
        counter[tags] = counter.get(tags, 0) + 1
        counter = self.people_arrays
        counter[people] = counter.get(people, 0) + 1
        counter = self.place_arrays
        counter[places] = counter.get(places, 0) + 1
        if not self.n & 4095 and max(len(self.tag_arrays), len(self.people_arrays),
                                     len(self.place_arrays)) > MAX_COUNTED_ARRAYS:
            # So many different lists that counting them here would hold them all: the index counts instead.
            self.overflow = True
            self.tag_arrays, self.people_arrays, self.place_arrays = {}, {}, {}

    @staticmethod
    def _curated(rec: dict[str, Any], tags: str, sources: list[dict[str, str]], problems: Problems) -> None:
        """The rules of a curated chronology that go beyond types: at least one tag and one declared source, and
        a date basis that the event cites (whether one is needed is known at the end of the file: Declarations)."""
        if tags == "[]":
            problems.append(("tags", "no tags; give at least one declared tag (--strict)"))
        keys = [s.get("source") for s in sources if type(s) is dict and s.get("source")]
        if not keys:
            problems.append(("sources", "no declared source; cite at least one (--strict)"))
        basis = rec.get("date_basis")
        if type(basis) is str and basis != STANDARD and basis not in keys:
            problems.append(("date_basis", f"date_basis {basis!r} is not a source the event cites; cite it, or say "
                                           '"standard" (--strict)'))

    @staticmethod
    def _rest(rec: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
        """certainty, account, date_basis, note, alt_dates, replaces and extra, checked (model.REST_FIELDS)."""
        rest: dict[str, Any] = {}
        for field in ("certainty", "account"):
            doubt = rec.get(field)
            if doubt is not None:
                if doubt not in CERTAINTIES:
                    problems.append((field, f"{field} {doubt!r} must be one of: {', '.join(CERTAINTIES)}"))
                rest[field] = doubt
        basis = rec.get("date_basis")
        if basis is not None:
            if type(basis) is not str or not basis.strip():
                problems.append(("date_basis", 'date_basis must be a source key or "standard"'))
            rest["date_basis"] = basis
        note = rec.get("note")
        if note is not None:
            if type(note) is not str:
                problems.append(("note", f"note must be a string, not {type_name(note)}"))
            rest["note"] = note
        alt = rec.get("alt_dates")
        if alt is not None:
            _alt_dates(alt, problems)
            rest["alt_dates"] = alt
        replaced = rec.get("replaces")
        if replaced is not None:
            if type(replaced) is not list or any(type(r) is not str or not _ID_MATCH(r) for r in replaced):
                problems.append(("replaces", "replaces must be an array of the ids this event replaces"))
            rest["replaces"] = replaced
        extra = rec.get("extra")
        if extra is not None and type(extra) is not dict:
            problems.append(("extra", f"extra must be an object, not {type_name(extra)}"))
        elif extra:
            rest["extra"] = extra
        return rest or None

    def counts(self) -> dict[str, dict[str, int]] | None:
        """For tags, people and places: how many events carry each value (None: too many lists to count here)."""
        from chrono.model import json_list

        if self.overflow:
            return None
        out: dict[str, dict[str, int]] = {}
        for kind, arrays in (("tag", self.tag_arrays), ("person", self.people_arrays), ("place", self.place_arrays)):
            counts: dict[str, int] = {}
            for array_text, n in arrays.items():
                for value in set(json_list(array_text)):
                    counts[value] = counts.get(value, 0) + n
            out[kind] = counts
        return out
