"""Reading chronology files (JSON, JSONL, CSV) and validating every record, with FILE:LINE:COL errors."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chrono.dates import DateError, check_old_style, parse_edtf
from chrono.errors import DataError
from chrono.model import CERTAINTIES, FORMAT_FIELDS, Chronology

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
SOURCE_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
STDIN = "-"
STDIN_NAME = "<stdin>"
OPEN_EARLIEST = 0
OPEN_LATEST = 99999999
MAX_SHOWN_PROBLEMS = 20
KNOWN_FIELDS = frozenset(FORMAT_FIELDS)
LIST_OF_NAMES = ("tags", "people", "places", "aliases")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def type_name(value: Any) -> str:
    """The JSON name of a value's type, with an article: 'an object', 'a number'."""
    return _JSON_TYPES.get(type(value), "a number")


def bundled_path() -> Path:
    """The chronology shipped with chrono (inside the package, or at the top of a source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "events.json"
    if packaged.is_file():
        return packaged
    return here.parent.parent / "data" / "events.json"


@dataclass
class Problem:
    """One thing wrong with an input: where (record index and field, or a text offset) and what."""

    message: str
    record: int | None = None
    field: str | None = None
    offset: int | None = None
    line: int | None = None
    col: int | None = None


@dataclass
class Record:
    """A validated event, normalized for indexing: lists as tuples, dates computed."""

    id: str
    date: str
    title: str
    summary: str
    tags: tuple[str, ...]
    sources: tuple[dict[str, str], ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    aliases: tuple[str, ...]
    date_os: str | None
    certainty: str | None
    note: str | None
    alt_dates: tuple[dict[str, Any], ...]
    extra: dict[str, Any]
    earliest: int
    latest: int
    precision: str


@dataclass
class LoadedFile:
    """A chronology file after loading: its metadata, records and a way to place them in the text."""

    name: str
    kind: str
    chronology: Chronology
    records: list[Record]
    locator: Locator = field(repr=False)


def ymd(d) -> int:  # noqa: ANN001 - datetime.date
    """A date as the integer YYYYMMDD."""
    return d.year * 10000 + d.month * 100 + d.day


# Reading ------------------------------------------------------------------------------------


def read_text(path: str) -> tuple[str, str]:
    """Read a chronology file (or stdin for '-') as text; raise DataError saying what went wrong."""
    name = STDIN_NAME if path == STDIN else path
    try:
        if path == STDIN:
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                raw = f.read()
    except FileNotFoundError:
        raise DataError([f"{name}: no such file; check the path given to -d/--data or CHRONO_DATA"]) from None
    except IsADirectoryError:
        raise DataError([f"{name}: is a directory; give a chronology file (.json, .jsonl or .csv)"]) from None
    except PermissionError:
        raise DataError([f"{name}: permission denied; make the file readable (chmod +r) or copy it"]) from None
    except OSError as exc:
        raise DataError([f"{name}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            [
                f"{name}:{line}:{col}: invalid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
                " save the file as UTF-8"
            ]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return name, text


def detect_kind(path: str, text: str) -> str:
    """json, jsonl or csv, from the file extension, else from the content."""
    suffix = Path(path).suffix.lower() if path != STDIN else ""
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".tsv"):
        return "csv"
    start = text.lstrip()[:1]
    if start == "[":
        return "json"
    if start == "{":
        first, _, rest = text.lstrip().partition("\n")
        if rest.strip() and first.rstrip().endswith("}") and rest.lstrip().startswith("{"):
            return "jsonl"
        return "json"
    return "csv"


# Validation ---------------------------------------------------------------------------------


def _names(rec: dict[str, Any], key: str, problems: list[tuple[str, str]], required: bool) -> tuple[str, ...]:
    value = rec.get(key)
    if value is None:
        if required:
            problems.append((key, f'missing required field "{key}" (a list of at least one name)'))
        return ()
    if type(value) is not list:
        problems.append((key, f"{key} must be an array of strings, not {type_name(value)}"))
        return ()
    if required and not value:
        problems.append((key, f"{key} is empty; give at least one"))
    for i, item in enumerate(value):
        if type(item) is not str:
            problems.append((key, f"{key}[{i}] must be a string, not {type_name(item)}"))
        elif not item.strip():
            problems.append((key, f"{key}[{i}] is empty"))
        elif ";" in item:
            problems.append((key, f"{key}[{i}] {item!r} contains ';', which separates list items; split it"))
    return tuple(value)


def _text(rec: dict[str, Any], key: str, problems: list[tuple[str, str]], required: bool) -> str | None:
    value = rec.get(key)
    if value is None:
        if required:
            problems.append((key, f'missing required field "{key}"'))
        return None
    if type(value) is not str:
        problems.append((key, f"{key} must be a string, not {type_name(value)}"))
        return None
    if required and not value.strip():
        problems.append((key, f"{key} is empty"))
    return value


def _source_entries(
    value: Any, where: str, declared: dict[str, Any] | None, problems: list[tuple[str, str]], required: bool
) -> tuple[dict[str, str], ...]:
    if value is None:
        if required:
            problems.append((where, f'missing required field "{where}" (at least one source)'))
        return ()
    if type(value) is not list:
        problems.append((where, f"{where} must be an array of sources, not {type_name(value)}"))
        return ()
    if required and not value:
        problems.append((where, f"{where} is empty; cite at least one source"))
    out = []
    for i, entry in enumerate(value):
        if type(entry) is str:
            entry = {"source": entry} if SOURCE_KEY_RE.fullmatch(entry) else {"title": entry}
        if type(entry) is not dict:
            problems.append((where, f"{where}[{i}] must be an object such as {{\"source\": \"key\"}}, "
                                    f"not {type_name(entry)}"))
            continue
        bad = [k for k, v in entry.items() if type(v) is not str]
        if bad:
            problems.append((where, f"{where}[{i}].{bad[0]} must be a string"))
            continue
        key = entry.get("source")
        if key is None and not entry.get("title"):
            problems.append((where, f"{where}[{i}] needs \"source\" (a declared source key) or \"title\""))
        elif key is not None and declared is not None and key not in declared:
            problems.append((where, f"{where}[{i}] names source {key!r}, which is not declared in \"sources\";"
                                    " declare it or fix the key"))
        out.append(entry)
    return tuple(out)


def validate_record(
    rec: Any, tags_declared: dict[str, str] | None, sources_declared: dict[str, Any] | None
) -> tuple[Record | None, list[tuple[str | None, str]]]:
    """Check one event; return it normalized, or the problems as (field, message)."""
    if type(rec) is not dict:
        return None, [(None, f"an event must be an object, not {type_name(rec)}")]
    problems: list[tuple[str | None, str]] = []
    eid = rec.get("id")
    if eid is None:
        problems.append((None, 'missing required field "id"'))
    elif type(eid) is not str:
        problems.append(("id", f"id must be a string, not {type_name(eid)}"))
    elif not ID_RE.fullmatch(eid):
        problems.append(("id", f"id {eid!r} must be lowercase letters, digits and '-', starting with a letter"
                               " or digit (e.g. kirov-assassinated)"))
    title = _text(rec, "title", problems, True)
    summary = _text(rec, "summary", problems, True)
    date = _text(rec, "date", problems, True)
    span = None
    if date is not None:
        try:
            span = parse_edtf(date)
        except DateError as exc:
            problems.append(("date", f"date {date!r}: {exc}"))
    date_os = _text(rec, "date_os", problems, False)
    if date_os is not None and span is not None:
        try:
            why = check_old_style(date_os, date)
        except DateError as exc:
            why = f"date_os {date_os!r}: {exc}"
        if why:
            problems.append(("date_os", why))
    tags = _names(rec, "tags", problems, True)
    if tags_declared is not None:
        for t in tags:
            if type(t) is str and t not in tags_declared:
                problems.append(("tags", f"tag {t!r} is not declared in \"tags\"; declare it or use a declared tag"))
    people = _names(rec, "people", problems, False)
    places = _names(rec, "places", problems, False)
    aliases = _names(rec, "aliases", problems, False)
    sources = _source_entries(rec.get("sources"), "sources", sources_declared, problems, True)
    certainty = _text(rec, "certainty", problems, False)
    if certainty is not None and certainty not in CERTAINTIES:
        problems.append(("certainty", f"certainty {certainty!r} must be one of: {', '.join(CERTAINTIES)}"))
    note = _text(rec, "note", problems, False)
    alt_dates = _alt_dates(rec.get("alt_dates"), sources_declared, problems)
    extra = {k: v for k, v in rec.items() if k not in KNOWN_FIELDS} if len(rec) > 5 else {}
    if problems:
        if type(eid) is str and eid:
            problems = [(f, f"event {eid!r}: {m}") for f, m in problems]
        return None, problems
    assert span is not None and date is not None and title is not None and summary is not None
    return Record(
        eid, date, title, summary, tags, sources, people, places, aliases, date_os, certainty, note,
        alt_dates, extra,
        ymd(span.earliest) if span.earliest else OPEN_EARLIEST,
        ymd(span.latest) if span.latest else OPEN_LATEST,
        span.precision,
    ), []


def _alt_dates(
    value: Any, sources_declared: dict[str, Any] | None, problems: list[tuple[str | None, str]]
) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    if type(value) is not list:
        problems.append(("alt_dates", f"alt_dates must be an array, not {type_name(value)}"))
        return ()
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
                parse_edtf(d)
            except DateError as exc:
                problems.append(("alt_dates", f"{where}.date {d!r}: {exc}"))
        if "note" in alt and type(alt["note"]) is not str:
            problems.append(("alt_dates", f"{where}.note must be a string"))
        _source_entries(alt.get("sources"), f"{where}.sources", sources_declared, problems, False)
    return tuple(value)


def _metadata(doc: dict[str, Any], problems: list[Problem]) -> Chronology:
    def check(key: str, want: type, what: str) -> Any:
        value = doc.get(key)
        if value is None:
            return want()
        if type(value) is not want:
            problems.append(Problem(f'"{key}" must be {what}, not {type_name(value)}', field=key))
            return want()
        return value

    meta = check("chronology", dict, "an object with title, description, version, license")
    sources = check("sources", dict, 'an object mapping keys to {"title": ...}')
    tags = check("tags", dict, "an object mapping tag names to descriptions")
    for key, value in sources.items():
        if type(value) is not dict:
            problems.append(Problem(f"source {key!r} must be an object with a title, not {type_name(value)}",
                                    field="sources"))
    for key, value in tags.items():
        if type(value) is not str:
            problems.append(Problem(f"tag {key!r} needs a one-line description (a string)", field="tags"))
    text = {k: v for k, v in meta.items() if type(v) is str}
    return Chronology(
        title=text.get("title", ""), description=text.get("description", ""),
        version=text.get("version", ""), license=text.get("license", ""),
        sources=sources, tags=tags,
    )


# Parsing ------------------------------------------------------------------------------------


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NonFinite(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def _constant(name: str) -> Any:
    raise _NonFinite(name)


_STRING_OR = r'"(?:[^"\\]|\\.)*"|'
_NONFINITE_RE = re.compile(_STRING_OR + r"(-?Infinity|NaN)")
_BIGNUM_RE = re.compile(_STRING_OR + r"(-?\d{4000,})")
_BRACKET_RE = re.compile(_STRING_OR + r"([\[{])|([\]}])")
_LONE_SURROGATE_RE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
MAX_DEPTH = 200


def _find(pattern: re.Pattern[str], text: str, group: int = 1) -> int | None:
    for m in pattern.finditer(text):
        if m.group(group):
            return m.start(group)
    return None


def _lone_surrogate(text: str) -> int | None:
    if "\\u" not in text and "\\U" not in text:
        return None
    for m in _LONE_SURROGATE_RE.finditer(text):
        s = m.group()
        if s != "\\\\" and len(s) == 6:
            return m.start()
    return None


def _too_deep(text: str) -> int | None:
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        if m.group(1):
            depth += 1
            if depth > MAX_DEPTH:
                return m.start(1)
        elif m.group(2):
            depth -= 1
    return None


def parse_json_text(text: str, name: str) -> Any:
    """Parse JSON strictly (no NaN, no duplicate keys, no lone surrogates); raise DataError with a position."""
    import json

    def fail(offset: int, message: str) -> DataError:
        line, col = line_col(text, offset)
        return DataError([f"{name}:{line}:{col}: {message}"])

    if not text.strip():
        raise DataError([f"{name}:1:1: empty input; a chronology is a JSON object with \"events\" or an array"])
    pos = _lone_surrogate(text)
    if pos is not None:
        raise fail(pos, f"lone surrogate escape {text[pos:pos + 6]}; write the character itself or a valid pair")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        msg = exc.msg[0].lower() + exc.msg[1:]
        if exc.pos >= len(text.rstrip()) and msg.startswith("expecting"):
            msg = f"unexpected end of input ({msg}); the file looks truncated"
        raise DataError([f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {msg}"]) from None
    except _DuplicateKey as exc:
        pos = _duplicate_key_offset(text, exc.key)
        raise fail(pos, f"duplicate key {exc.key!r} in an object; keep only one") from None
    except _NonFinite as exc:
        pos = _find(_NONFINITE_RE, text) or 0
        raise fail(pos, f"{exc} is not valid JSON; use a string or null") from None
    except RecursionError:
        pos = _too_deep(text) or 0
        raise fail(pos, f"nesting deeper than {MAX_DEPTH} levels; a chronology is at most a few levels deep") from None
    except ValueError as exc:
        pos = _find(_BIGNUM_RE, text) or 0
        raise fail(pos, f"number too large to convert ({str(exc).split(':')[0]})") from None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


# Positions of records and fields in JSON text, computed only when a problem must be reported.

_WS_RE = re.compile(r"[ \t\n\r]*")


def _members(text: str, start: int) -> list[tuple[str, int, int]]:
    """The (key, key offset, value offset) of the members of the JSON object starting at start."""
    import json

    decoder = json.JSONDecoder()
    out = []
    i = _WS_RE.match(text, start + 1).end()
    if text[i:i + 1] == "}":
        return out
    while True:
        key_at = i
        key, i = decoder.raw_decode(text, i)
        i = _WS_RE.match(text, i).end() + 1
        i = _WS_RE.match(text, i).end()
        value_at = i
        _, i = decoder.raw_decode(text, i)
        out.append((key, key_at, value_at))
        i = _WS_RE.match(text, i).end()
        if text[i:i + 1] != ",":
            return out
        i = _WS_RE.match(text, i + 1).end()


def _elements(text: str, start: int) -> list[int]:
    """The offsets of the elements of the JSON array starting at start."""
    import json

    decoder = json.JSONDecoder()
    out = []
    i = _WS_RE.match(text, start + 1).end()
    if text[i:i + 1] == "]":
        return out
    while True:
        out.append(i)
        _, i = decoder.raw_decode(text, i)
        i = _WS_RE.match(text, i).end()
        if text[i:i + 1] != ",":
            return out
        i = _WS_RE.match(text, i + 1).end()


def _duplicate_key_offset(text: str, key: str) -> int:
    pattern = re.compile(_STRING_OR.rstrip("|"))
    target = f'"{key}"'
    seen_at: dict[int, int] = {}
    depth_starts: list[set[str]] = []
    for m in re.finditer(_STRING_OR + r"([\[{])|([\]}])|(:)", text):
        if m.group(1):
            depth_starts.append(set())
        elif m.group(2):
            if depth_starts:
                depth_starts.pop()
        elif m.group(3):
            continue
        else:
            s = m.group()
            nxt = _WS_RE.match(text, m.end()).end()
            if text[nxt:nxt + 1] == ":" and depth_starts:
                keys = depth_starts[-1]
                if s in keys and s == target:
                    return m.start()
                keys.add(s)
    del pattern, seen_at
    return 0


class Locator:
    """Finds the line and column of a record, or of a field inside it, in the text it came from."""

    def __init__(self, name: str, kind: str, text: str, record_lines: list[int] | None = None) -> None:
        self.name = name
        self.kind = kind
        self.text = text
        self._record_lines = record_lines
        self._offsets: list[int] | None = None

    def _json_offsets(self) -> list[int]:
        if self._offsets is None:
            start = _WS_RE.match(self.text, 0).end()
            if self.text[start:start + 1] == "{":
                events_at = next((v for k, _, v in _members(self.text, start) if k == "events"), None)
                self._offsets = _elements(self.text, events_at) if events_at is not None else []
            else:
                self._offsets = _elements(self.text, start)
        return self._offsets

    def where(self, record: int | None, field: str | None = None) -> tuple[int, int]:
        """The (line, col) of a record's field, or of the record, or of the file's start."""
        if record is None:
            if field and self.kind == "json":
                start = _WS_RE.match(self.text, 0).end()
                if self.text[start:start + 1] == "{":
                    for k, key_at, _ in _members(self.text, start):
                        if k == field:
                            return line_col(self.text, key_at)
            return 1, 1
        if self.kind == "json":
            offsets = self._json_offsets()
            if record >= len(offsets):
                return 1, 1
            at = offsets[record]
            if field and self.text[at:at + 1] == "{":
                for k, key_at, _ in _members(self.text, at):
                    if k == field:
                        at = key_at
            return line_col(self.text, at)
        assert self._record_lines is not None
        line = self._record_lines[record]
        if self.kind == "jsonl":
            lines = self.text.split("\n", line)
            row = lines[line - 1] if len(lines) >= line else ""
            col = len(row) - len(row.lstrip()) + 1
            if field and row.lstrip().startswith("{"):
                for k, key_at, _ in _members(row, col - 1):
                    if k == field:
                        col = key_at + 1
            return line, col
        col = 1
        if field and self._record_lines is not None and hasattr(self, "header"):
            header: list[str] = self.header  # type: ignore[attr-defined]
            if field in header:
                col = header.index(field) + 1
        return line, col

    def format(self, problem: Problem) -> str:
        """The problem as FILE:LINE:COL: message."""
        if problem.line is not None:
            line, col = problem.line, problem.col or 1
        elif problem.offset is not None:
            line, col = line_col(self.text, problem.offset)
        else:
            line, col = self.where(problem.record, problem.field)
        return f"{self.name}:{line}:{col}: {problem.message}"


def _check_records(
    raw: list[Any], chronology: Chronology, declared: bool, problems: list[Problem]
) -> list[Record]:
    tags_declared = chronology.tags if declared and chronology.tags else None
    sources_declared = chronology.sources if declared and chronology.sources else None
    records: list[Record] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(raw):
        record, found = validate_record(rec, tags_declared, sources_declared)
        if found:
            found = [(f, m if m.startswith("event '") else f"event #{i + 1}: {m}") for f, m in found]
            problems.extend(Problem(m, record=i, field=f) for f, m in found)
            continue
        assert record is not None
        first = seen.get(record.id)
        if first is not None:
            problems.append(Problem(f"duplicate id {record.id!r} (first used by event #{first + 1}{{first_at}})",
                                    record=i, field="id"))
            problems[-1].first = first  # type: ignore[attr-defined]
            continue
        seen[record.id] = i
        records.append(record)
    return records


def load_json(name: str, text: str, max_problems: int = MAX_SHOWN_PROBLEMS) -> LoadedFile:
    """Load a JSON chronology: an object with "events", or a bare array of events."""
    doc = parse_json_text(text, name)
    locator = Locator(name, "json", text)
    problems: list[Problem] = []
    if type(doc) is dict:
        chronology = _metadata(doc, problems)
        events = doc.get("events")
        if events is None:
            problems.append(Problem('missing "events": a chronology object holds its events in "events": [...]'))
            events = []
        elif type(events) is not list:
            problems.append(Problem(f'"events" must be an array, not {type_name(events)}', field="events"))
            events = []
        declared = True
    elif type(doc) is list:
        chronology, events, declared = Chronology(), doc, False
    else:
        raise DataError([f"{name}:1:1: expected an object with \"events\" or an array of events, "
                         f"not {type_name(doc)}"])
    records = _check_records(events, chronology, declared, problems)
    _raise_problems(problems, locator, max_problems)
    return LoadedFile(name, "json", chronology, records, locator)


def load_jsonl(name: str, text: str, max_problems: int = MAX_SHOWN_PROBLEMS) -> LoadedFile:
    """Load JSON Lines: one event object per line; blank lines are skipped."""
    import json

    raw: list[Any] = []
    lines: list[int] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=_pairs, parse_constant=_constant)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"invalid JSON: {exc.msg[0].lower()}{exc.msg[1:]}", line=number, col=exc.colno))
            continue
        except _DuplicateKey as exc:
            problems.append(Problem(f"duplicate key {exc.key!r} in an object; keep only one", line=number))
            continue
        except (_NonFinite, RecursionError, ValueError) as exc:
            what = "nesting too deep" if isinstance(exc, RecursionError) else f"invalid JSON value ({exc})"
            problems.append(Problem(what, line=number))
            continue
        raw.append(value)
        lines.append(number)
    locator = Locator(name, "jsonl", text, lines)
    if not raw and not problems:
        problems.append(Problem("empty input; JSON Lines holds one event object per line", line=1, col=1))
    pos = _lone_surrogate(text)
    if pos is not None:
        problems.insert(0, Problem(f"lone surrogate escape {text[pos:pos + 6]}", offset=pos))
    records = _check_records(raw, Chronology(), False, problems)
    _raise_problems(problems, locator, max_problems)
    return LoadedFile(name, "jsonl", Chronology(), records, locator)


CSV_LIST_FIELDS = ("tags", "people", "places", "aliases")


def csv_sources(text: str) -> list[dict[str, str]]:
    """Parse a CSV sources cell: entries separated by ';', each 'key', 'key: citation' or a title."""
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, cite = part.partition(": ")
        if SOURCE_KEY_RE.fullmatch(key):
            out.append({"source": key, "cite": cite} if sep else {"source": key})
        else:
            out.append({"title": part})
    return out


def load_csv(name: str, text: str, max_problems: int = MAX_SHOWN_PROBLEMS) -> LoadedFile:
    """Load CSV (or TSV by extension): a header row, one event per row, list fields separated by ';'."""
    import csv
    import io
    import json

    csv.field_size_limit(2**31 - 1)
    dialect = "excel-tab" if name.lower().endswith(".tsv") else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
    problems: list[Problem] = []
    raw: list[Any] = []
    lines: list[int] = []
    header: list[str] = []
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DataError([f"{name}:1:1: empty input; a CSV chronology starts with a header row "
                         "(id,date,title,summary,tags,sources,...)"]) from None
    except csv.Error as exc:
        raise DataError([f"{name}:{reader.line_num}:1: invalid CSV: {exc}"]) from None
    missing = [h for h in ("id", "date", "title", "summary", "tags", "sources") if h not in header]
    if missing:
        raise DataError([f"{name}:1:1: the header row lacks {', '.join(missing)}; "
                         "required columns are id,date,title,summary,tags,sources"])
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"invalid CSV: {exc}; check the quotes on this row", line=start, col=1))
            break
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            problems.append(Problem(f"row has {len(row)} fields but the header has {len(header)}; "
                                    "quote fields that contain commas", line=start,
                                    col=min(len(row), len(header)) + 1))
            continue
        rec: dict[str, Any] = {}
        for key, value in zip(header, row, strict=True):
            if value == "":
                continue
            if key in CSV_LIST_FIELDS:
                rec[key] = [v.strip() for v in value.split(";") if v.strip()]
            elif key == "sources":
                rec[key] = csv_sources(value)
            elif key == "alt_dates":
                try:
                    rec[key] = json.loads(value)
                except json.JSONDecodeError:
                    rec[key] = value
            else:
                rec[key] = value
        raw.append(rec)
        lines.append(start)
    locator = Locator(name, "csv", text, lines)
    locator.header = header  # type: ignore[attr-defined]
    records = _check_records(raw, Chronology(), False, problems)
    _raise_problems(problems, locator, max_problems)
    return LoadedFile(name, "csv", Chronology(), records, locator)


def _raise_problems(problems: list[Problem], locator: Locator, max_problems: int) -> None:
    if not problems:
        return
    lines = []
    for p in problems[:max_problems]:
        if "{first_at}" in p.message:
            line, col = locator.where(p.first, "id")  # type: ignore[attr-defined]
            p.message = p.message.replace("{first_at}", f" at {locator.name}:{line}:{col}")
        lines.append(locator.format(p))
    hint = ""
    if len(problems) > max_problems:
        hint = f"{len(problems) - max_problems} more problems not shown; chrono validate lists them all"
    raise DataError(lines, hint)


def load_file(path: str, max_problems: int = MAX_SHOWN_PROBLEMS) -> LoadedFile:
    """Read and validate one chronology file (or stdin); raise DataError listing up to max_problems."""
    name, text = read_text(path)
    kind = detect_kind(path, text)
    loader = {"json": load_json, "jsonl": load_jsonl, "csv": load_csv}[kind]
    return loader(name, text, max_problems)


def data_paths(options: tuple[str, ...] | list[str]) -> list[str]:
    """The chronology files to use: -d/--data options, else CHRONO_DATA, else the bundled chronology."""
    if options:
        return list(options)
    env = os.environ.get("CHRONO_DATA", "")
    paths = [p for p in env.split(os.pathsep) if p]
    if paths:
        return paths
    return [str(bundled_path())]
