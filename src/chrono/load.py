"""Reading chronology files (JSON, JSONL, CSV) and validating every record, with FILE:LINE:COL errors.

Records are read one at a time (a JSON file is never parsed twice or held as a second copy), checked,
and turned into index rows in batches; problems are collected with their place and reported together.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chrono.dates import DateError, check_old_style, day_span
from chrono.errors import DataError
from chrono.model import CERTAINTIES, FORMAT_FIELDS, LIST_SEP, Chronology

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
SOURCE_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
STDIN = "-"
STDIN_NAME = "<stdin>"
MAX_SHOWN_PROBLEMS = 20
BATCH = 5000
KNOWN_FIELDS = frozenset(FORMAT_FIELDS)
# An event cited by several independent sources ranks higher: bm25 * (1 + PRIOR_WEIGHT * ln(sources)).
PRIOR_WEIGHT = 0.5
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def type_name(value: Any) -> str:
    """The JSON name of a value's type, with an article: 'an object', 'a number'."""
    return _JSON_TYPES.get(type(value), "a number")


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
            [f"{name}:{line}:{col}: invalid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
             " save the file as UTF-8"]
        ) from None
    del raw
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
    head = text[:4096].lstrip()
    if not head or head[:1] == "[":
        return "json"
    if head[:1] == "{":
        first, _, rest = head.partition("\n")
        if rest.strip() and first.rstrip().endswith("}") and rest.lstrip().startswith("{"):
            return "jsonl"
        return "json"
    return "csv"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


# Strict JSON: no NaN, no duplicate keys, no lone surrogates, bounded nesting --------------------


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


_STRING = r'"(?:[^"\\]|\\.)*"'
_NONFINITE_RE = re.compile(_STRING + r"|(-?Infinity|NaN)")
_BIGNUM_RE = re.compile(_STRING + r"|(-?\d{4000,})")
_BRACKET_RE = re.compile(_STRING + r"|([\[{])|([\]}])")
_KEY_RE = re.compile(_STRING + r"|([\[{])|([\]}])")
_SURROGATE_RE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_WS_RE = re.compile(r"[ \t\n\r]*")
MAX_DEPTH = 200


def _first(pattern: re.Pattern[str], text: str, start: int = 0) -> int | None:
    for m in pattern.finditer(text, start):
        if m.group(1):
            return m.start(1)
    return None


def _lone_surrogate(text: str) -> int | None:
    if "\\u" not in text and "\\U" not in text:
        return None
    for m in _SURROGATE_RE.finditer(text):
        s = m.group()
        if s != "\\\\" and len(s) == 6:
            return m.start()
    return None


def _too_deep(text: str, start: int = 0) -> int | None:
    depth = 0
    for m in _BRACKET_RE.finditer(text, start):
        if m.group(1):
            depth += 1
            if depth > MAX_DEPTH:
                return m.start(1)
        elif m.group(2):
            depth -= 1
    return None


def _duplicate_key_offset(text: str, key: str, start: int = 0) -> int:
    target = '"' + key + '"'
    stack: list[set[str] | None] = []
    for m in _KEY_RE.finditer(text, start):
        if m.group(1):
            stack.append(set() if m.group(1) == "{" else None)
        elif m.group(2):
            if stack:
                stack.pop()
        elif stack and stack[-1] is not None:
            after = _WS_RE.match(text, m.end()).end()
            if text[after:after + 1] == ":":
                s = m.group()
                if s in stack[-1] and s == target:
                    return m.start()
                stack[-1].add(s)
    return start


def _decoder() -> Any:
    import json

    return json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def _json_problem(text: str, exc: Exception, start: int = 0) -> tuple[int, str]:
    """(offset, message) for an exception raised while decoding JSON text from start."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        msg = exc.msg[0].lower() + exc.msg[1:]
        if exc.pos >= len(text.rstrip()) and msg.startswith("expecting"):
            msg = f"unexpected end of input ({msg}); the file looks truncated"
        return exc.pos, f"invalid JSON: {msg}"
    if isinstance(exc, _DuplicateKey):
        return _duplicate_key_offset(text, exc.key, start), f"duplicate key {exc.key!r} in an object; keep only one"
    if isinstance(exc, _NonFinite):
        return _first(_NONFINITE_RE, text, start) or start, f"{exc} is not valid JSON; use a string or null"
    if isinstance(exc, RecursionError):
        return (_too_deep(text) or start,
                f"nesting deeper than {MAX_DEPTH} levels; a chronology is at most a few levels deep")
    return _first(_BIGNUM_RE, text, start) or start, f"number too large to convert ({str(exc).split(':')[0]})"


_JSON_ERRORS: tuple[type[BaseException], ...] = (ValueError, RecursionError)


def _members(text: str, start: int) -> list[tuple[str, int, int]]:
    """The (key, key offset, value offset) of the members of the JSON object starting at start."""
    decoder = _decoder()
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


# Readers ------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One thing wrong with an input: where (record and field, or a line/offset) and what."""

    message: str
    record: int | None = None
    field: str | None = None
    offset: int | None = None
    line: int | None = None
    col: int | None = None
    also: tuple[Reader, int] | None = None


class Reader:
    """One chronology file: its metadata and its records, read in order, and where each one is."""

    kind = ""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.chronology = Chronology()
        self.tags_declared: dict[str, str] | None = None
        self.sources_declared: dict[str, Any] | None = None
        self.problems: list[Problem] = []
        self.count = 0
        self.position = 0

    def records(self) -> Iterator[Any]:
        """The raw records, in file order."""
        raise NotImplementedError

    def record_at(self, index: int) -> Any:
        """Read one record again (to explain a problem found after it was read)."""
        raise NotImplementedError

    def where(self, record: int | None, field: str | None = None) -> tuple[int, int]:
        """The (line, col) of a record's field, or of the record."""
        raise NotImplementedError

    def format(self, p: Problem) -> str:
        """A problem as FILE:LINE:COL: message."""
        if p.line is not None:
            line, col = p.line, p.col or 1
        elif p.offset is not None:
            line, col = line_col(self.text, p.offset)
        else:
            line, col = self.where(p.record, p.field)
        message = p.message
        if p.also is not None:
            other, index = p.also
            o_line, o_col = other.where(index, "id")
            message = message.replace("{at}", f"{other.name}:{o_line}:{o_col}")
        return f"{self.name}:{line}:{col}: {message}"


class JsonReader(Reader):
    """A JSON chronology: an object with "events" (and metadata), or a bare array of events."""

    kind = "json"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.offsets = array("q")
        self.events_start: int | None = None
        self._declared: set[str] = set()

    def _fail(self, offset: int, message: str) -> DataError:
        line, col = line_col(self.text, offset)
        return DataError([f"{self.name}:{line}:{col}: {message}"])

    def records(self) -> Iterator[Any]:
        """Walk the document, decoding one event at a time; metadata members are read as met."""
        text = self.text
        if not text.strip():
            raise DataError([f"{self.name}:1:1: empty input; a chronology is a JSON object with \"events\" "
                             "or an array of events"])
        pos = _lone_surrogate(text)
        if pos is not None:
            raise self._fail(pos, f"lone surrogate escape {text[pos:pos + 6]}; write the character itself "
                                  "or a valid surrogate pair")
        decoder = _decoder()
        scan = decoder.raw_decode
        ws = _WS_RE.match
        i = ws(text, 0).end()
        try:
            if text[i] == "[":
                self.events_start = i
                yield from self._array(i, scan)
                end = ws(text, self._end).end()
            elif text[i] == "{":
                yield from self._object(i, scan)
                end = ws(text, self._end).end()
            else:
                value, _ = scan(text, i)
                raise self._fail(i, f"expected an object with \"events\" or an array of events, "
                                    f"not {type_name(value)}")
        except _JSON_ERRORS as exc:
            offset, message = _json_problem(text, exc, self.offsets[-1] if self.offsets else 0)
            raise self._fail(offset, message) from None
        if end != len(text):
            raise self._fail(end, "invalid JSON: extra data after the end of the chronology")

    def _array(self, start: int, scan: Callable[..., Any]) -> Iterator[Any]:
        text = self.text
        ws = _WS_RE.match
        offsets = self.offsets
        i = ws(text, start + 1).end()
        if text[i:i + 1] == "]":
            self._end = i + 1
            return
        while True:
            offsets.append(i)
            value, i = scan(text, i)
            self.position = i
            yield value
            i = ws(text, i).end()
            c = text[i:i + 1]
            if c == ",":
                i = ws(text, i + 1).end()
            elif c == "]":
                self._end = i + 1
                return
            else:
                msg = "unexpected end of input; the file looks truncated" if not c else \
                    "expecting ',' or ']' after an event"
                raise self._fail(i, f"invalid JSON: {msg}")

    def _object(self, start: int, scan: Callable[..., Any]) -> Iterator[Any]:
        text = self.text
        ws = _WS_RE.match
        meta: dict[str, Any] = {}
        keys_at: dict[str, int] = {}
        i = ws(text, start + 1).end()
        if text[i:i + 1] == "}":
            self._end = i + 1
        else:
            while True:
                if text[i:i + 1] != '"':
                    raise self._fail(i, "invalid JSON: expecting a property name in double quotes")
                key_at = i
                key, i = scan(text, i)
                if key in keys_at:
                    raise self._fail(key_at, f"duplicate key {key!r} in an object; keep only one")
                keys_at[key] = key_at
                i = ws(text, i).end()
                if text[i:i + 1] != ":":
                    raise self._fail(i, "invalid JSON: expecting ':' delimiter")
                i = ws(text, i + 1).end()
                if key == "events" and text[i:i + 1] == "[":
                    self._declare(meta, keys_at)
                    self.events_start = i
                    yield from self._array(i, scan)
                    i = self._end
                else:
                    meta[key], i = scan(text, i)
                i = ws(text, i).end()
                c = text[i:i + 1]
                if c == ",":
                    i = ws(text, i + 1).end()
                elif c == "}":
                    self._end = i + 1
                    break
                else:
                    raise self._fail(i, "invalid JSON: expecting ',' delimiter" if c else
                                     "invalid JSON: unexpected end of input; the file looks truncated")
        if "events" not in keys_at:
            self.problems.append(Problem('missing "events": a chronology object holds its events in '
                                         '"events": [...]', offset=start))
        elif self.events_start is None:
            self.problems.append(Problem(f'"events" must be an array, not {type_name(meta.get("events"))}',
                                         offset=keys_at["events"]))
        self._declare(meta, keys_at)

    def _declare(self, meta: dict[str, Any], keys_at: dict[str, int]) -> None:
        """Take the metadata read so far (chronology, sources, tags)."""

        def check(key: str, want: type, what: str) -> Any:
            value = meta.get(key)
            if value is None or key in self._declared:
                return None
            self._declared.add(key)
            if type(value) is not want:
                self.problems.append(Problem(f'"{key}" must be {what}, not {type_name(value)}',
                                             offset=keys_at[key]))
                return None
            return value

        info = check("chronology", dict, "an object with title, description, version, license")
        if info is not None:
            self._info = info
        info = getattr(self, "_info", {})
        sources = check("sources", dict, 'an object mapping keys to {"title": ...}')
        tags = check("tags", dict, "an object mapping tag names to descriptions")
        for key, value in (sources if sources is not None else {}).items():
            if type(value) is not dict:
                self.problems.append(Problem(f"source {key!r} must be an object with a title, not "
                                             f"{type_name(value)}", offset=keys_at["sources"]))
        for key, value in (tags or {}).items():
            if type(value) is not str:
                self.problems.append(Problem(f"tag {key!r} needs a one-line description (a string)",
                                             offset=keys_at["tags"]))
        if sources is not None:
            self.sources_declared = sources
        if tags is not None:
            self.tags_declared = tags
        text = {k: v for k, v in info.items() if type(v) is str}
        self.chronology = Chronology(
            title=text.get("title", ""), description=text.get("description", ""),
            version=text.get("version", ""), license=text.get("license", ""),
            sources=self.sources_declared or {}, tags=self.tags_declared or {},
        )

    def record_at(self, index: int) -> Any:
        """Decode the record at an index again."""
        return _decoder().raw_decode(self.text, self.offsets[index])[0]

    def where(self, record: int | None, field: str | None = None) -> tuple[int, int]:
        """The line and column of a record, or of one of its keys."""
        if record is None or record >= len(self.offsets):
            return 1, 1
        at = self.offsets[record]
        if field and self.text[at:at + 1] == "{":
            try:
                for key, key_at, _ in _members(self.text, at):
                    if key == field:
                        at = key_at
                        break
            except _JSON_ERRORS:
                pass
        return line_col(self.text, at)


class JsonlReader(Reader):
    """JSON Lines: one event object per line; blank lines are skipped."""

    kind = "jsonl"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.lines = array("q")

    def records(self) -> Iterator[Any]:
        """Decode line by line; a bad line is a problem and reading goes on."""
        text = self.text
        pos = _lone_surrogate(text)
        if pos is not None:
            line, col = line_col(text, pos)
            raise DataError([f"{self.name}:{line}:{col}: lone surrogate escape {text[pos:pos + 6]}; write the "
                             "character itself or a valid surrogate pair"])
        decode = _decoder().decode
        number = 0
        start = 0
        length = len(text)
        while start < length:
            end = text.find("\n", start)
            if end < 0:
                end = length
            number += 1
            line = text[start:end]
            self.position = end
            start = end + 1
            if not line.strip():
                continue
            try:
                value = decode(line)
            except _JSON_ERRORS as exc:
                offset, message = _json_problem(line, exc)
                self.problems.append(Problem(message, line=number, col=offset + 1))
                continue
            self.lines.append(number)
            yield value
        if not self.lines and not self.problems:
            self.problems.append(Problem("empty input; JSON Lines holds one event object per line", line=1, col=1))

    def _line(self, record: int) -> str:
        number = self.lines[record]
        start = 0
        for _ in range(number - 1):
            start = self.text.index("\n", start) + 1
        end = self.text.find("\n", start)
        return self.text[start:end if end >= 0 else len(self.text)]

    def record_at(self, index: int) -> Any:
        """Decode one line again."""
        return _decoder().decode(self._line(index))

    def where(self, record: int | None, field: str | None = None) -> tuple[int, int]:
        """The line of a record and the column of one of its keys."""
        if record is None or record >= len(self.lines):
            return 1, 1
        row = self._line(record)
        col = len(row) - len(row.lstrip()) + 1
        if field and row.lstrip().startswith("{"):
            try:
                for key, key_at, _ in _members(row, col - 1):
                    if key == field:
                        col = key_at + 1
                        break
            except _JSON_ERRORS:
                pass
        return self.lines[record], col


CSV_LIST_FIELDS = ("tags", "people", "places", "aliases")
CSV_REQUIRED = ("id", "date", "title", "summary", "tags", "sources")


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


class CsvReader(Reader):
    """CSV (or TSV by extension): a header row, one event per row, list fields separated by ';'."""

    kind = "csv"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.lines = array("q")
        self.header: list[str] = []

    def _reader(self) -> Any:
        import csv
        import io

        csv.field_size_limit(2**31 - 1)
        dialect = "excel-tab" if self.name.lower().endswith(".tsv") else "excel"
        return csv.reader(io.StringIO(self.text, newline=""), dialect=dialect, strict=True)

    def records(self) -> Iterator[Any]:
        """Rows as records; a ragged or broken row is a problem."""
        import csv

        reader = self._reader()
        try:
            self.header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise DataError([f"{self.name}:1:1: empty input; a CSV chronology starts with a header row "
                             "(id,date,title,summary,tags,sources,...)"]) from None
        except csv.Error as exc:
            raise DataError([f"{self.name}:{reader.line_num}:1: invalid CSV: {exc}"]) from None
        missing = [h for h in CSV_REQUIRED if h not in self.header]
        if missing:
            raise DataError([f"{self.name}:1:1: the header row lacks {', '.join(missing)}; "
                             f"required columns are {','.join(CSV_REQUIRED)}"])
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.problems.append(Problem(f"invalid CSV: {exc}; check the quotes on this row", line=start, col=1))
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(self.header):
                self.problems.append(Problem(
                    f"row has {len(row)} fields but the header has {len(self.header)}; quote fields that "
                    "contain commas", line=start, col=min(len(row), len(self.header)) + 1))
                continue
            self.lines.append(start)
            yield self._record(row)

    def _record(self, row: list[str]) -> dict[str, Any]:
        import json

        rec: dict[str, Any] = {}
        for key, value in zip(self.header, row, strict=True):
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
        return rec

    def record_at(self, index: int) -> Any:
        """Parse the rows again up to the one asked for."""
        for i, rec in enumerate(CsvReader(self.name, self.text).records()):
            if i == index:
                return rec
        return None

    def where(self, record: int | None, field: str | None = None) -> tuple[int, int]:
        """The line of a row and the number of the field (column) in it."""
        if record is None or record >= len(self.lines):
            return 1, 1
        col = self.header.index(field) + 1 if field in self.header else 1
        return self.lines[record], col


def open_reader(path: str) -> Reader:
    """Read a file (or stdin) and pick the reader for its format."""
    name, text = read_text(path)
    kind = detect_kind(path, text)
    return {"json": JsonReader, "jsonl": JsonlReader, "csv": CsvReader}[kind](name, text)


# Validation ---------------------------------------------------------------------------------

_ID_MATCH = ID_RE.fullmatch
_KEY_MATCH = SOURCE_KEY_RE.fullmatch


def _list_problems(key: str, value: Any, required: bool) -> list[tuple[str, str]]:
    if type(value) is not list:
        return [(key, f"{key} must be an array of strings, not {type_name(value)}")]
    out = []
    if required and not value:
        out.append((key, f"{key} is empty; give at least one"))
    for i, item in enumerate(value):
        if type(item) is not str:
            out.append((key, f"{key}[{i}] must be a string, not {type_name(item)}"))
        elif not item.strip():
            out.append((key, f"{key}[{i}] is empty"))
        elif LIST_SEP in item:
            out.append((key, f"{key}[{i}] {item!r} contains ';', which separates list items; split it"))
    return out


def _list(value: Any, key: str, problems: list[tuple[str | None, str]], required: bool,
          encode: Callable[[Any], str]) -> str:
    """A list field as the JSON array the index stores ('[]' when absent), or a problem."""
    if value is None:
        if required:
            problems.append((key, f'missing required field "{key}" (a list of at least one name)'))
        return "[]"
    if type(value) is list and value:
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
    problems.extend(_list_problems(key, value, required))
    return "[]"


def _text(rec: dict[str, Any], key: str, problems: list[tuple[str | None, str]], required: bool) -> str | None:
    value = rec.get(key)
    if type(value) is str:
        if required and (not value or value.isspace()):
            problems.append((key, f"{key} is empty"))
        return value
    if value is None:
        if required:
            problems.append((key, f'missing required field "{key}"'))
        return None
    problems.append((key, f"{key} must be a string, not {type_name(value)}"))
    return None


def _sources(value: Any, where: str, declared: dict[str, Any] | None, used: set[str] | None,
             problems: list[tuple[str | None, str]], required: bool) -> list[dict[str, str]]:
    if value is None:
        if required:
            problems.append((where, f'missing required field "{where}" (at least one source)'))
        return []
    if type(value) is not list:
        problems.append((where, f"{where} must be an array of sources, not {type_name(value)}"))
        return []
    if required and not value:
        problems.append((where, f"{where} is empty; cite at least one source"))
    out = []
    for i, entry in enumerate(value):
        if type(entry) is str:
            entry = {"source": entry} if _KEY_MATCH(entry) else {"title": entry}
        elif type(entry) is not dict:
            problems.append((where, f"{where}[{i}] must be an object such as {{\"source\": \"key\"}}, "
                                    f"not {type_name(entry)}"))
            continue
        for k, v in entry.items():
            if type(v) is not str:
                problems.append((where, f"{where}[{i}].{k} must be a string"))
                break
        key = entry.get("source")
        if key is None:
            if not entry.get("title"):
                problems.append((where, f"{where}[{i}] needs \"source\" (a declared source key) or \"title\""))
        elif declared is not None and key not in declared:
            problems.append((where, f"{where}[{i}] names source {key!r}, which is not declared in \"sources\";"
                                    " declare it or fix the key"))
        elif used is not None:
            used.add(key)
        out.append(entry)
    return out


def _alt_dates(value: Any, declared: dict[str, Any] | None, problems: list[tuple[str | None, str]]) -> None:
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
        _sources(alt.get("sources"), f"{where}.sources", declared, None, problems, False)


def _plain(text: str) -> bool:
    """Whether a string can be written between JSON quotes as it is."""
    return text.isprintable() and '"' not in text and "\\" not in text


def _quick_sources(value: Any, declared: dict[str, Any] | None, used: set[str] | None) -> str | None:
    """The JSON of a sources list in the usual shape (objects of plain strings, declared keys), else None."""
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
        elif type(key) is not str or (declared is not None and key not in declared):
            return None
        elif used is not None:
            used.add(key)
        fields = []
        for k, v in entry.items():
            if type(v) is not str or not (_plain(k) and _plain(v)):
                return None
            fields.append('"' + k + '":"' + v + '"')
        parts.append("{" + ",".join(fields) + "}")
    return "[" + ",".join(parts) + "]"


def _encode_sources(sources: list[dict[str, str]], encode: Callable[[Any], str]) -> str:
    # Entries are flat objects of strings; when no string needs escaping, write the JSON directly.
    parts = []
    for entry in sources:
        fields = []
        for k, v in entry.items():
            if not (_plain(k) and _plain(v)):
                return encode(sources)
            fields.append('"' + k + '":"' + v + '"')
        parts.append("{" + ",".join(fields) + "}")
    return "[" + ",".join(parts) + "]"


class Checker:
    """Validates records and turns them into index rows; remembers ids across files to catch duplicates."""

    def __init__(self) -> None:
        import json

        self.seen: dict[str, tuple[Reader, int]] = {}
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.n = 0
        # How many events carry each list value, counted per distinct stored array and expanded at the end.
        self.tag_arrays: dict[str, int] = {}
        self.people_arrays: dict[str, int] = {}
        self.place_arrays: dict[str, int] = {}

    def check(self, rec: Any, tags_declared: dict[str, str] | None, sources_declared: dict[str, Any] | None,
              used_tags: set[str] | None, used_sources: set[str] | None,
              ) -> tuple[tuple[Any, ...] | None, list[tuple[str | None, str]]]:
        """One record: its events-table row, or the problems as (field, message)."""
        if type(rec) is not dict:
            return None, [(None, f"an event must be an object, not {type_name(rec)}")]
        problems: list[tuple[str | None, str]] = []
        get = rec.get
        encode = self.encode
        eid = get("id")
        if type(eid) is not str or not _ID_MATCH(eid):
            if eid is None:
                problems.append((None, 'missing required field "id"'))
            elif type(eid) is not str:
                problems.append(("id", f"id must be a string, not {type_name(eid)}"))
            else:
                problems.append(("id", f"id {eid!r} must be lowercase letters, digits and '-', starting with a "
                                       "letter or digit (e.g. kirov-assassinated)"))
        title = get("title")
        if type(title) is not str or not title or title.isspace():
            title = _text(rec, "title", problems, True)
        summary = get("summary")
        if type(summary) is not str or not summary or summary.isspace():
            summary = _text(rec, "summary", problems, True)
        date = get("date")
        span = None
        if type(date) is str:
            try:
                span = day_span(date)
            except DateError as exc:
                problems.append(("date", f"date {date!r}: {exc}"))
        else:
            _text(rec, "date", problems, True)
        date_os = get("date_os")
        os_md = None
        if date_os is not None:
            if type(date_os) is not str:
                problems.append(("date_os", f"date_os must be a string, not {type_name(date_os)}"))
            elif span is not None:
                try:
                    why = check_old_style(date_os, date)
                except DateError as exc:
                    why = f"date_os {date_os!r}: {exc}"
                if why:
                    problems.append(("date_os", why))
                elif len(date_os) == 10:
                    os_md = int(date_os[5:7]) * 100 + int(date_os[8:10])
        tag_list = get("tags")
        tags = _list(tag_list, "tags", problems, True, encode)
        if len(tags) > 2:
            if tags_declared is not None:
                for t in tag_list:
                    if t not in tags_declared:
                        problems.append(("tags", f"tag {t!r} is not declared in \"tags\"; declare it or use a "
                                                 "declared tag"))
            elif used_tags is not None:
                used_tags.update(tag_list)
        value = get("people")
        people = "[]" if value is None else _list(value, "people", problems, False, encode)
        value = get("places")
        places = "[]" if value is None else _list(value, "places", problems, False, encode)
        value = get("aliases")
        aliases = "[]" if value is None else _list(value, "aliases", problems, False, encode)
        value = get("sources")
        sources_json = _quick_sources(value, sources_declared, used_sources)
        if sources_json is None:
            sources = _sources(value, "sources", sources_declared, used_sources, problems, True)
            if not problems:
                sources_json = _encode_sources(sources, encode)
        else:
            sources = value
        rest: dict[str, Any] | None = None
        if len(rec) - 6 - ("people" in rec) - ("places" in rec) - ("aliases" in rec) - ("date_os" in rec) > 0:
            rest = self._rest(rec, sources_declared, problems)
        if problems:
            if type(eid) is str and eid:
                problems = [(f, f"event {eid!r}: {m}") for f, m in problems]
            return None, problems
        assert span is not None
        if len(sources) > 1:
            distinct = len({s.get("source") or s.get("title") for s in sources})
            prior = 1.0 + PRIOR_WEIGHT * math.log(distinct) if distinct > 1 else 1.0
        else:
            prior = 1.0
        counter = self.tag_arrays
        counter[tags] = counter.get(tags, 0) + 1
        counter = self.people_arrays
        counter[people] = counter.get(people, 0) + 1
        counter = self.place_arrays
        counter[places] = counter.get(places, 0) + 1
        self.n += 1
        return (
            self.n, eid, date, date_os, span[0], span[1], span[2], os_md, prior, title, summary,
            tags, people, places, aliases, sources_json, encode(rest) if rest else None,
        ), problems

    def counts(self) -> dict[str, dict[str, int]]:
        """For tags, people and places: how many events carry each value."""
        from chrono.model import json_list

        out: dict[str, dict[str, int]] = {}
        for kind, arrays in (("tag", self.tag_arrays), ("person", self.people_arrays), ("place", self.place_arrays)):
            counts: dict[str, int] = {}
            for array_text, n in arrays.items():
                for value in set(json_list(array_text)):
                    counts[value] = counts.get(value, 0) + n
            out[kind] = counts
        return out

    @staticmethod
    def _rest(rec: dict[str, Any], sources_declared: dict[str, Any] | None,
              problems: list[tuple[str | None, str]]) -> dict[str, Any] | None:
        """certainty, note, alt_dates and fields beyond the format, checked."""
        rest: dict[str, Any] = {}
        certainty = rec.get("certainty")
        if certainty is not None:
            if certainty not in CERTAINTIES:
                problems.append(("certainty", f"certainty {certainty!r} must be one of: {', '.join(CERTAINTIES)}"))
            rest["certainty"] = certainty
        note = rec.get("note")
        if note is not None:
            if type(note) is not str:
                problems.append(("note", f"note must be a string, not {type_name(note)}"))
            rest["note"] = note
        alt = rec.get("alt_dates")
        if alt is not None:
            _alt_dates(alt, sources_declared, problems)
            rest["alt_dates"] = alt
        for k in rec.keys() - KNOWN_FIELDS:
            rest[k] = rec[k]
        return rest or None


def _late_declaration_problems(reader: Reader, used_tags: set[str], used_sources: set[str]) -> list[Problem]:
    """Undeclared tags and sources in a file whose declarations come after its events."""
    bad_tags = used_tags - set(reader.tags_declared or used_tags)
    bad_sources = used_sources - set(reader.sources_declared or used_sources)
    if not bad_tags and not bad_sources:
        return []
    out = []
    checker = Checker()
    for i in range(reader.count):
        rec = reader.record_at(i)
        _, found = checker.check(rec, reader.tags_declared, reader.sources_declared, None, None)
        out.extend(Problem(m, record=i, field=f) for f, m in found)
        if len(out) > MAX_SHOWN_PROBLEMS * 5:
            break
    return out


@dataclass
class ScanResult:
    """What reading a set of files gave: their readers, metadata, event count and problems."""

    readers: list[Reader] = field(default_factory=list)
    chronology: Chronology = field(default_factory=Chronology)
    count: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    counts: dict[str, Any] = field(default_factory=dict)


def scan(paths: list[str], sink: Callable[[list[tuple[Any, ...]]], None] | None = None,
         max_problems: int = MAX_SHOWN_PROBLEMS, progress: Callable[[Reader], None] | None = None) -> ScanResult:
    """Read and check every record of the files, handing index rows to sink in batches."""
    if paths.count(STDIN) > 1:
        raise DataError(["chrono: stdin (-) can be given only once"])
    import gc

    checker = Checker()
    result = ScanResult()
    problems: list[tuple[Reader, Problem]] = []
    # Reading creates millions of small objects and no cycles: the cyclic collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _scan_files(paths, sink, progress, checker, result, problems)
    finally:
        if collecting:
            gc.enable()
    result.count = len(checker.seen)
    result.counts = checker.counts()
    result.problem_count += len(problems)
    for reader, p in problems[: max(max_problems - len(result.problems), 0)]:
        result.problems.append(reader.format(p))
    return result


def _scan_files(paths: list[str], sink: Callable[[list[tuple[Any, ...]]], None] | None,
                progress: Callable[[Reader], None] | None, checker: Checker, result: ScanResult,
                problems: list[tuple[Reader, Problem]]) -> None:
    batch: list[tuple[Any, ...]] = []
    for path in paths:
        try:
            reader = open_reader(path)
        except DataError as exc:
            result.problems.extend(exc.problems)
            result.problem_count += len(exc.problems)
            continue
        result.readers.append(reader)
        used_tags: set[str] = set()
        used_sources: set[str] = set()
        check = checker.check
        seen = checker.seen
        try:
            for i, rec in enumerate(reader.records()):
                reader.count = i + 1
                row, found = check(rec, reader.tags_declared, reader.sources_declared, used_tags, used_sources)
                if found:
                    problems.extend((reader, Problem(m if m.startswith("event '") else f"event #{i + 1}: {m}",
                                                     record=i, field=f)) for f, m in found)
                    continue
                assert row is not None
                first = seen.get(row[1])
                if first is not None:
                    other, index = first
                    message = (f"duplicate id {row[1]!r} (first used by event #{index + 1} at {{at}})"
                               if other is reader else f"duplicate id {row[1]!r}, also at {{at}}; rename one of them")
                    problems.append((reader, Problem(message, record=i, field="id", also=(other, index))))
                    continue
                seen[row[1]] = (reader, i)
                if not problems and sink is not None:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        sink(batch)
                        batch = []
                        if progress is not None:
                            progress(reader)
        except DataError as exc:
            result.problems.extend(exc.problems)
            result.problem_count += len(exc.problems)
            continue
        problems.extend((reader, p) for p in reader.problems)
        if reader.tags_declared is not None or reader.sources_declared is not None:
            problems.extend((reader, p) for p in _late_declaration_problems(reader, used_tags, used_sources))
        result.chronology = result.chronology.merged(reader.chronology)
    if batch and sink is not None and not problems and not result.problems:
        sink(batch)


def raise_problems(result: ScanResult, max_problems: int = MAX_SHOWN_PROBLEMS) -> None:
    """Raise DataError listing the problems found, if any."""
    if not result.problems:
        return
    hint = ""
    if result.problem_count > len(result.problems):
        hint = f"{result.problem_count - len(result.problems)} more problems not shown; chrono validate lists them all"
    raise DataError(result.problems[:max_problems], hint)
