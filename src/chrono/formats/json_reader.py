"""JSON chronologies: an object with "events" (and metadata), or a bare array of events."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import Any

from chrono.errors import DataError
from chrono.formats.base import Problem, Reader, line_col, type_name
from chrono.formats.strict_json import JSON_ERRORS, WS_RE, decoder, json_problem, lone_surrogate, members
from chrono.model import Chronology


class JsonReader(Reader):
    """Walks the document once, decoding one event at a time; metadata members are read as met."""

    kind = "json"

    def __init__(self, name: str, text: str) -> None:
        super().__init__(name, text)
        self.offsets = array("q")
        self.events_start: int | None = None
        self._declared: set[str] = set()
        self._info: dict[str, Any] = {}
        self._end = 0

    def _fail(self, offset: int, message: str) -> DataError:
        line, col = line_col(self.text, offset)
        return DataError([f"{self.name}:{line}:{col}: {message}"])

    def _problem(self, offset: int, message: str) -> None:
        line, col = line_col(self.text, offset)
        self.problems.append(Problem(message, line=line, col=col, row=False))

    def records(self) -> Iterator[Any]:
        """The events, in file order."""
        text = self.text
        if not text.strip():
            raise DataError([f"{self.name}:1:1: empty input; a chronology is a JSON object with \"events\" "
                             "or an array of events"])
        pos = lone_surrogate(text)
        if pos is not None:
            raise self._fail(pos, f"lone surrogate escape {text[pos:pos + 6]}; write the character itself "
                                  "or a valid surrogate pair")
        scan = decoder().raw_decode
        i = WS_RE.match(text, 0).end()
        try:
            if text[i] == "[":
                self.events_start = i
                yield from self._array(i, scan)
            elif text[i] == "{":
                yield from self._object(i, scan)
            else:
                value, _ = scan(text, i)
                raise self._fail(i, f"expected an object with \"events\" or an array of events, "
                                    f"not {type_name(value)}")
        except JSON_ERRORS as exc:
            offset, message = json_problem(text, exc, self.offsets[-1] if self.offsets else 0)
            raise self._fail(offset, message) from None
        end = WS_RE.match(text, self._end).end()
        if end != len(text):
            raise self._fail(end, "invalid JSON: extra data after the end of the chronology")

    def _array(self, start: int, scan: Callable[..., Any]) -> Iterator[Any]:
        text = self.text
        ws = WS_RE.match
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
        ws = WS_RE.match
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
            self._problem(start, 'missing "events": a chronology object holds its events in "events": [...]')
        elif self.events_start is None:
            self._problem(keys_at["events"], f'"events" must be an array, not {type_name(meta.get("events"))}')
        self._declare(meta, keys_at)

    def _declare(self, meta: dict[str, Any], keys_at: dict[str, int]) -> None:
        """Take the metadata read so far (chronology, sources, tags)."""

        def check(key: str, want: type, what: str) -> Any:
            value = meta.get(key)
            if value is None or key in self._declared:
                return None
            self._declared.add(key)
            if type(value) is not want:
                self._problem(keys_at[key], f'"{key}" must be {what}, not {type_name(value)}')
                return None
            return value

        info = check("chronology", dict, "an object with title, description, version, license")
        if info is not None:
            self._info = info
        sources = check("sources", dict, 'an object mapping keys to {"title": ...}')
        tags = check("tags", dict, "an object mapping tag names to descriptions")
        for key, value in (sources or {}).items():
            if type(value) is not dict:
                self._problem(keys_at["sources"], f"source {key!r} must be an object with a title, not "
                                                  f"{type_name(value)}")
        for key, value in (tags or {}).items():
            if type(value) is not str:
                self._problem(keys_at["tags"], f"tag {key!r} needs a one-line description (a string)")
        if sources is not None:
            self.sources_declared = sources
        if tags is not None:
            self.tags_declared = tags
        text = {k: v for k, v in self._info.items() if type(v) is str}
        self.chronology = Chronology(
            title=text.get("title", ""), description=text.get("description", ""),
            version=text.get("version", ""), license=text.get("license", ""),
            sources=self.sources_declared or {}, tags=self.tags_declared or {},
        )

    def where(self, record: int | None, key: str | None = None) -> tuple[int, int]:
        """The line and column of a record, or of one of its keys."""
        if record is None or record >= len(self.offsets):
            return 1, 1
        at = self.offsets[record]
        if key and self.text[at:at + 1] == "{":
            try:
                for name, key_at, _ in members(self.text, at):
                    if name == key:
                        at = key_at
                        break
            except JSON_ERRORS:
                pass
        return line_col(self.text, at)
