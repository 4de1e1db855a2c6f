"""JSON chronologies: an object with "events" (and metadata), or a bare array of events, read as a stream.

The document is decoded one value at a time from a sliding buffer of text (the standard library's
raw_decode), so memory holds a chunk or two and the event being read, never the whole file; places
stay exact because the buffer remembers the line and column where it starts. Told `plain`, the reader
gives an event in the plain shape as its match instead of decoding it (see formats.plain).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chrono.errors import DataError
from chrono.model import Chronology
from chrono.read.formats.base import Problem, Reader, type_name
from chrono.read.formats.plain import PLAIN_EVENT
from chrono.read.formats.stream import CHUNK, MAX_RECORD, TextStream, utf8_length
from chrono.read.formats.strict_json import (
    JSON_ERRORS,
    SEPARATOR_RE,
    WS_RE,
    decoder,
    json_problem,
    lone_surrogate,
    members,
)

# An event may be this large (a value that is still unfinished beyond it is reported where it starts).
MAX_VALUE = MAX_RECORD


class JsonReader(Reader):
    """Walks the document once; metadata members (chronology, sources, tags) are read as met."""

    kind = "json"

    def __init__(self, name: str, stream: TextStream) -> None:
        super().__init__(name)
        self.stream = stream
        self._chunks = stream.chunks()
        self.buf = ""
        self.eof = False
        self.base = 0  # the offset in the file of buf[0]
        self.base_line = 1  # its line
        self.base_line_start = 0  # the offset where that line starts
        self.current = -1  # the index of the event being read, and where it starts
        self.current_at = 0
        self.current_bytes = (0, 0)  # its byte offset and length in the file
        self._mark = (0, 0)  # an index in buf and its byte offset in the file
        self._declared: set[str] = set()
        self._info: dict[str, Any] = {}
        self._end = 0
        self._scan_once = decoder().scan_once

    # The buffer ----------------------------------------------------------------------------------

    def _more(self) -> bool:
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buf += chunk
        self.position = self.stream.bytes_read
        return True

    def _ws(self, i: int) -> int:
        """The index of the next character that is not whitespace (reading on as needed)."""
        while True:
            m = WS_RE.match(self.buf, i)
            j = m.end() if m is not None else i
            if j < len(self.buf) or not self._more():
                return j
            i = j

    def _char(self, i: int) -> str:
        while i >= len(self.buf) and self._more():
            pass
        return self.buf[i:i + 1]

    def _trim(self, i: int) -> int:
        """Forget the text before index i once it is large; return i's new index."""
        if i < CHUNK:
            return i
        buf = self.buf
        self.base_line += buf.count("\n", 0, i)
        last = buf.rfind("\n", 0, i)
        if last >= 0:
            self.base_line_start = self.base + last + 1
        self.base += i
        mark, mark_bytes = self._mark
        self._mark = (0, mark_bytes + utf8_length(buf[mark:i]))
        self.buf = buf[i:]
        return 0

    def locate(self, offset: int) -> tuple[int, int]:
        """The line and column of a file offset that is still in the buffer."""
        rel = max(offset - self.base, 0)
        last = self.buf.rfind("\n", 0, rel)
        line = self.base_line + self.buf.count("\n", 0, rel)
        start = self.base + last + 1 if last >= 0 else self.base_line_start
        return line, offset - start + 1

    def _fail(self, i: int, message: str) -> DataError:
        line, col = self.locate(self.base + i)
        return DataError([f"{self.name}:{line}:{col}: {message}"])

    def _decode(self, i: int, depth: int) -> tuple[Any, int]:
        """The JSON value at index i and the index after it, reading on while it may be unfinished."""
        import json

        while True:
            try:
                try:
                    value, end = self._scan_once(self.buf, i)
                except StopIteration as stop:
                    raise json.JSONDecodeError("Expecting value", self.buf, stop.value) from None
            except json.JSONDecodeError as exc:
                unfinished = exc.pos >= len(self.buf) - 16 or exc.msg.startswith("Unterminated string")
                if unfinished and not self.eof and len(self.buf) - i >= MAX_VALUE:
                    raise self._fail(i, f"a value longer than {MAX_VALUE >> 20} MB; chrono reads events (and other "
                                        "values) of up to 16 MB") from None
                if unfinished and not self.eof and self._more():
                    continue
                offset, message = json_problem(self.buf, exc, i, depth)
                raise self._fail(offset, message) from None
            except JSON_ERRORS as exc:
                offset, message = json_problem(self.buf, exc, i, depth)
                raise self._fail(offset, message) from None
            if self.buf.find("\\u", i, end) >= 0:
                pos = lone_surrogate(self.buf[i:end])
                if pos is not None:
                    raise self._fail(i + pos, f"lone surrogate escape {self.buf[i + pos:i + pos + 6]}; write the "
                                              "character itself or a valid surrogate pair")
            return value, end

    # The document --------------------------------------------------------------------------------

    def records(self) -> Iterator[Any]:
        """The events, in file order."""
        self._more()
        self._mark = (0, self.stream.bom)
        i = self._ws(0)
        c = self._char(i)
        if not c:
            raise DataError([f"{self.name}:1:1: empty input; a chronology is a JSON object with \"events\" "
                             "or an array of events"])
        if c == "[":
            yield from self._array(i, 1)
        elif c == "{":
            yield from self._object(i)
        else:
            value, _ = self._decode(i, 0)
            raise self._fail(i, f"expected an object with \"events\" or an array of events, not {type_name(value)}")
        end = self._ws(self._end)
        if end < len(self.buf):
            raise self._fail(end, "invalid JSON: extra data after the end of the chronology")

    def _array(self, i: int, depth: int) -> Iterator[Any]:
        separator = SEPARATOR_RE.match
        plain = PLAIN_EVENT.match if self.plain else None
        i = self._ws(i + 1)
        if self._char(i) == "]":
            self._end = i + 1
            return
        while True:
            self.current += 1
            self.current_at = self.base + i
            buf = self.buf
            value = plain(buf, i) if plain is not None else None
            if value is not None:
                end = value.end()
            else:
                value, end = self._decode(i, depth)
                buf = self.buf
            mark, mark_bytes = self._mark
            if buf.isascii():
                offset = mark_bytes + i - mark
                length = end - i
            else:
                offset = mark_bytes + utf8_length(buf[mark:i])
                length = utf8_length(buf[i:end])
            self.current_bytes = (offset, length)
            self._mark = (end, offset + length)
            yield value
            buf = self.buf
            step = separator(buf, end)
            if step is not None:
                j = step.end()
                if j < len(buf):
                    i = j if j < CHUNK else self._trim(j)
                    continue
            i = self._ws(end)
            c = self._char(i)
            if c == ",":
                i = self._trim(self._ws(i + 1))
            elif c == "]":
                self._end = i + 1
                return
            else:
                msg = "unexpected end of input; the file looks truncated" if not c else \
                    "expecting ',' or ']' after an event"
                raise self._fail(i, f"invalid JSON: {msg}")

    def _object(self, start: int) -> Iterator[Any]:
        meta: dict[str, Any] = {}
        places: dict[str, tuple[int, int]] = {}
        start_place = self.locate(self.base + start)
        events_array = False
        i = self._ws(start + 1)
        if self._char(i) == "}":
            self._end = i + 1
        else:
            while True:
                if self._char(i) != '"':
                    raise self._fail(i, "invalid JSON: expecting a property name in double quotes")
                key_at = i
                key, i = self._decode(i, 1)
                if key in places:
                    raise self._fail(key_at, f"duplicate key {key!r} in an object; keep only one")
                places[key] = self.locate(self.base + key_at)
                i = self._ws(i)
                if self._char(i) != ":":
                    raise self._fail(i, "invalid JSON: expecting ':' delimiter")
                i = self._ws(i + 1)
                if key == "events" and self._char(i) == "[":
                    events_array = True
                    self._declare(meta, places)
                    yield from self._array(i, 2)
                    i = self._end
                else:
                    meta[key], i = self._decode(i, 1)
                i = self._ws(i)
                c = self._char(i)
                if c == ",":
                    i = self._trim(self._ws(i + 1))
                elif c == "}":
                    self._end = i + 1
                    break
                else:
                    raise self._fail(i, "invalid JSON: expecting ',' delimiter" if c else
                                     "invalid JSON: unexpected end of input; the file looks truncated")
        if "events" not in places:
            self._problem(start_place, 'missing "events": a chronology object holds its events in "events": [...]')
        elif not events_array:
            self._problem(places["events"], f'"events" must be an array, not {type_name(meta.get("events"))}')
        self._declare(meta, places)

    def _problem(self, place: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(message, line=place[0], col=place[1], row=False))

    def _declare(self, meta: dict[str, Any], places: dict[str, tuple[int, int]]) -> None:
        """Take the metadata read so far (chronology, sources, tags)."""

        def check(key: str, want: type, what: str) -> Any:
            value = meta.get(key)
            if value is None or key in self._declared:
                return None
            self._declared.add(key)
            if type(value) is not want:
                self._problem(places[key], f'"{key}" must be {what}, not {type_name(value)}')
                return None
            return value

        info = check("chronology", dict, "an object with title, description, version, license")
        if info is not None:
            self._info = info
        sources = check("sources", dict, 'an object mapping keys to {"title": ...}')
        tags = check("tags", dict, "an object mapping tag names to descriptions")
        for key, value in (sources or {}).items():
            if type(value) is not dict:
                self._problem(places["sources"], f"source {key!r} must be an object with a title, not "
                                                 f"{type_name(value)}")
        for key, value in (tags or {}).items():
            if type(value) is not str:
                self._problem(places["tags"], f"tag {key!r} needs a one-line description (a string)")
        if sources is not None:
            self.sources_declared = sources
        if tags is not None:
            self.tags_declared = tags
        info = self._info
        if not info and ("title" in meta or "eras" in meta):
            from chrono.read.timelinejs import chronology_info

            info = chronology_info(meta)  # a TimelineJS document: its title slide and eras
        text = {k: v for k, v in info.items() if type(v) is str}
        eras = info.get("eras")
        eras = eras if isinstance(eras, list) else []
        self.chronology = Chronology(
            title=text.get("title", ""), description=text.get("description", ""),
            version=text.get("version", ""), license=text.get("license", ""),
            sources=self.sources_declared or {}, tags=self.tags_declared or {},
            eras=tuple(filter(None, map(_era, eras))),
        )

    def resume(self) -> int | None:
        """The end of the last event: events added after it (with a comma) belong to the same array."""
        return sum(self.current_bytes) if self.current >= 0 else None

    def extent(self) -> tuple[int, int] | None:
        """The byte offset and length of the event being read."""
        return self.current_bytes

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The line and column of the event being read, or of one of its keys."""
        if record is None or record != self.current:
            return 1, 1
        at = self.current_at - self.base
        if key and self.buf[at:at + 1] == "{":
            try:
                for name, key_at, _ in members(self.buf, at):
                    if name == key:
                        at = key_at
                        break
            except JSON_ERRORS:
                pass
        return self.locate(self.base + at)


def _era(value: Any) -> dict[str, str] | None:
    """A named period of the chronology ({"date": an EDTF interval, "title": ...}), None when it is not one."""
    from chrono.dates.edtf import is_valid_edtf

    if type(value) is not dict or type(value.get("date")) is not str or not is_valid_edtf(value["date"]):
        return None
    return {"date": value["date"], "title": value["title"] if type(value.get("title")) is str else ""}
